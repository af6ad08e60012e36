# Sourced by the demos after jdk.sh: builds Berth when a jar is missing or any source or pom is newer.
berth_build_if_stale() {
  local jar="$BERTH_ROOT/scheduler-framework/target/berth-scheduler.jar"
  if [ ! -f "$jar" ] || [ ! -f "$BERTH_ROOT/examples/plugins/prefer-label/target/prefer-label.jar" ] \
     || [ -n "$(cd "$BERTH_ROOT" && find pom.xml */pom.xml */src examples/cluster examples/plugins/*/pom.xml examples/plugins/*/src -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
    echo "== building Berth (mvn package -DskipTests) =="
    (cd "$BERTH_ROOT" && mvn -B -q package -DskipTests)
  fi
}

# Sourced by berth-cni-install: builds the CNI plugin (and the modules it needs) when its jar is missing or a
# source or pom it is built from is newer. A tree with built jars and no pom (an image) is left as it is.
berth_build_cni_if_stale() {
  local jar="$BERTH_ROOT/cni-plugin/target/berth-cni-plugin.jar"
  [ -f "$BERTH_ROOT/pom.xml" ] || return 0
  if [ ! -f "$jar" ] || [ -n "$(cd "$BERTH_ROOT" && find pom.xml native/pom.xml native/src/main cni-plugin/pom.xml cni-plugin/src/main -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
    echo "== building the CNI plugin (mvn package -DskipTests -pl cni-plugin -am) ==" >&2
    (cd "$BERTH_ROOT" && mvn -B -q package -DskipTests -pl cni-plugin -am) >&2
  fi
}
