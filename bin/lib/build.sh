# Sourced by the demos after jdk.sh: builds Berth when a jar is missing or any source or pom is newer.
berth_build_if_stale() {
  local jar="$BERTH_ROOT/scheduler-framework/target/berth-scheduler.jar"
  if [ ! -f "$jar" ] || [ ! -f "$BERTH_ROOT/examples/plugins/prefer-label/target/prefer-label.jar" ] \
     || [ -n "$(cd "$BERTH_ROOT" && find pom.xml */pom.xml */src examples/cluster examples/plugins/*/pom.xml examples/plugins/*/src -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
    echo "== building Berth (mvn package -DskipTests) =="
    (cd "$BERTH_ROOT" && mvn -B -q package -DskipTests)
  fi
}
