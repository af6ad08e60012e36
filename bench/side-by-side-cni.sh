#!/usr/bin/env bash
# Side-by-side CNI latency (issue 4): ADD and DEL wall time of the reference bridge + host-local
# (/usr/lib/cni, Debian's containernetworking-plugins) and of the installed berth-bridge, with and without
# its AOT cache, alternating in one run; then a profile of where berth's time goes. Every plugin runs in a
# scratch "host" namespace and attaches scratch "pod" namespaces, so the machine's network is untouched.
# Prints a table, writes bench/results/cni-side-by-side.json and the generated block of bench/RESULTS.md.
#
#   bench/side-by-side-cni.sh [--runs 50] [--profile-runs 10] [--berth-bin DIR] [--note TEXT] [--no-results-md]
#
# Without --berth-bin it installs berth-cni (bin/berth-cni-install, AOT training included) into a temporary
# bin dir first and removes it afterwards. BERTH_SBS_BUILD=1 forces a rebuild of cni-plugin and bench.
set -euo pipefail
source "$(dirname "$0")/../bin/lib/jdk.sh"
cd "$BERTH_ROOT"
[ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/host-local ] \
  || { echo "side-by-side-cni: the reference plugins are missing: apt-get install containernetworking-plugins" >&2; exit 1; }
jar=bench/target/benchmarks.jar
if [ -n "${BERTH_SBS_BUILD:-}" ] || [ ! -f "$jar" ] || [ ! -f cni-plugin/target/berth-cni-plugin.jar ] \
   || [ -n "$(find pom.xml bench/pom.xml bench/src/main cni-plugin/src/main native/src/main -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  mvn -B -q package -DskipTests -pl cni-plugin,bench -am
fi
berth_bin=""
for arg in "$@"; do [ "$arg" = --berth-bin ] && berth_bin=given; done
tmp=""
if [ -z "$berth_bin" ]; then
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/berth-cni-bench-bin.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  BERTH_CNI_NO_BUILD=1 bin/berth-cni-install --bin-dir "$tmp/bin"
  set -- --berth-bin "$tmp/bin" "$@"
fi
"$JAVA_HOME/bin/java" -cp "$jar" dev.berth.bench.cni.CniSideBySide --root "$BERTH_ROOT" "$@"
