# Sourced by launchers after jdk.sh: a JDK 25 AOT cache (class data, linked classes, method profiles) that the
# launcher trains by itself, so the JVM starts faster from the second run on.
#
#   berth_aot_opts NAME CACHE_DIR TRAIN JAR...   sets the array BERTH_AOT_OPTS to the java options to add
#
# The cache is named after a hash of the JDK, BERTH_JAVA_OPTS and every jar's path, size, mtime and inode:
# JDK 25 does not notice a changed application jar by itself and would run the stale classes from the cache,
# so a rebuilt jar must mean another file. With no cache for this key and TRAIN=yes, the run is the training run
# (-XX:AOTCacheOutput: the JVM records while it runs and writes the cache when it exits); caches of other keys
# are deleted then. A finished training is checked once (-XX:AOTMode=on -version) before the cache is used, so
# a cache cut short by a kill is retrained, not used; so is one whose training run marked it ($cache.discard: the
# program failed early and saw little of itself). Whatever goes wrong (unwritable directory, a training still
# running elsewhere, a bad cache), the JVM runs without a cache: the options only ever make start-up faster.
# BERTH_AOT=off turns it off.
berth_aot_opts() {
  local name="$1" cache_dir="$2" train="$3" key cache lock owner
  shift 3
  BERTH_AOT_OPTS=()
  [ "${BERTH_AOT:-on}" = off ] && return 0
  key=$( { echo "$JAVA_HOME ${BERTH_JAVA_OPTS:-}"; stat -L -c '%n %s %.9Y %i' "$JAVA_HOME/lib/modules" "$@"; } 2>/dev/null \
    | sha256sum | cut -c1-16)
  cache="$cache_dir/$name-$key.aot"
  lock="$cache.training"
  # A training in progress (its JVM, or the child it starts at exit to write the cache) owns the lock.
  if [ -f "$lock" ]; then
    owner=$(cat "$lock" 2>/dev/null || true)
    if [ -n "$owner" ] && [ -d "/proc/$owner" ] && grep -qaF "$cache" "/proc/$owner/cmdline" 2>/dev/null; then
      return 0
    fi
    # Without BERTH_JAVA_OPTS: they may start things (a flight recording) that a check must not.
    if [ ! -f "$cache.discard" ] && [ -s "$cache" ] \
        && "$JAVA_HOME/bin/java" -XX:AOTMode=on -XX:AOTCache="$cache" -version >/dev/null 2>&1; then
      rm -f "$lock"
    else
      rm -f "$cache" "$cache.config" "$cache.discard" "$lock"
    fi
  fi
  if [ -s "$cache" ]; then
    BERTH_AOT_OPTS=(-XX:AOTCache="$cache")
    return 0
  fi
  [ "$train" = yes ] || return 0
  mkdir -p "$cache_dir" 2>/dev/null && [ -w "$cache_dir" ] || return 0
  # noclobber: of two launchers starting at once, one trains.
  ( set -C; echo "$$" > "$lock" ) 2>/dev/null || return 0
  # Caches older than the jar were trained on an earlier build.
  find "$cache_dir" -maxdepth 1 -name "$name-*.aot*" ! -name "$name-$key.aot*" ! -newer "$1" -delete 2>/dev/null || true
  BERTH_AOT_OPTS=(-XX:AOTCacheOutput="$cache")
}
