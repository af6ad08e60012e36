# Sourced by Berth's launchers: sets JAVA_HOME to a JDK 25+ and BERTH_ROOT to the repository root.
# Order (ARCHITECTURE.md): JAVA_HOME if it is 25+, else the newest JDK 25+ under /usr/lib/jvm, else an error.

BERTH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

berth_java_feature() { # prints the feature release of the JDK at $1, or nothing
  local release="$1/release" v
  [ -x "$1/bin/java" ] || return 0
  if [ -f "$release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
  else
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n1)
  fi
  echo "$v"
}

berth_find_jdk() {
  local v candidate best="" best_v=0
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(berth_java_feature "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -L "$candidate" ] && continue
    v=$(berth_java_feature "$candidate")
    if [ -n "$v" ] && [ "$v" -ge 25 ] && [ "$v" -gt "$best_v" ]; then best="$candidate"; best_v="$v"; fi
  done
  if [ -n "$best" ]; then echo "$best"; return 0; fi
  echo "berth: no JDK 25 or newer found: JAVA_HOME is '${JAVA_HOME:-unset}' and /usr/lib/jvm has none." >&2
  echo "berth: install a JDK 25 (for example Temurin 25) or point JAVA_HOME at one." >&2
  return 1
}

JAVA_HOME="$(berth_find_jdk)" || exit 1
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
