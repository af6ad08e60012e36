#!/usr/bin/env bash
# Side by side, kube-proxy 1.20 (iptables mode) and berth-proxy against one real kube-apiserver + etcd (issue 5):
# for each scale, Services × 10 endpoints created through the API, each proxy in a network namespace of its own
# reaching the API server through a Unix-socket forward; measures the first full sync, endpoint change → rule in
# the kernel, rule counts, and whether both route a sample of flows the same way. Prints a table, writes
# bench/results/proxy-side-by-side.json and the generated block of bench/RESULTS.md.
#
#   bench/side-by-side-proxy.sh [--services 1000,5000] [--samples 20] [--pause SECONDS] [--flow-services 50]
#                               [--berth-java-opts OPTS] [--note TEXT] [--no-results-md] [--out FILE] [--berth-only]
#   BERTH_SBS_BUILD=1 forces a rebuild of proxy and bench first.
#
# Everything it makes (namespaces, processes, socket files, the control plane's directory) is removed on exit,
# also when the harness fails or is interrupted; the host's iptables and namespaces are checked before and after.
set -euo pipefail
source "$(dirname "$0")/../bin/lib/jdk.sh"
cd "$BERTH_ROOT"
[ "$(id -u)" = 0 ] || { echo "side-by-side-proxy: needs root (network namespaces, iptables)" >&2; exit 1; }
test/controlplane/controlplane.sh install
missing=()
for p in socat conntrack iptables iproute2 util-linux; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ -n "${BERTH_SBS_BUILD:-}" ] || [ ! -f bench/target/benchmarks.jar ] || [ ! -f proxy/target/berth-proxy.jar ]; then
  mvn -B -q package -DskipTests -pl proxy,bench -am
fi

host_rules() { (iptables-save; iptables-legacy-save) 2>/dev/null | { grep -v '^#' || true; } | sed -E 's/\[[0-9]+:[0-9]+\]/[0:0]/'; }
before=$(host_rules)
run=$(mktemp -d /tmp/berth-pbench.XXXXXX)
id=$(basename "$run" | cut -d. -f2)
cleanup() {
  local rc=$?
  # The harness cleans up after itself; this catches what a killed JVM left behind.
  for ns in $(ip netns list | awk '{print $1}' | grep "^berth-pbench-$id-" || true); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  if [ -f "$run/pids" ]; then
    for pid in $(cat "$run/pids"); do
      if grep -qa "$run" "/proc/$pid/cmdline" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
    done
  fi
  [ -d "$run/cp" ] && test/controlplane/controlplane.sh stop "$run/cp" || true
  rm -rf "$run"
  after=$(host_rules)
  if [ "$before" = "$after" ] && ! ip netns list | grep -q "^berth-pbench-$id-"; then
    echo "side-by-side-proxy: cleaned up; host iptables and network namespaces as before" >&2
  else
    echo "side-by-side-proxy: WARNING: host iptables or namespaces differ from before the run" >&2
    rc=1
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$JAVA_HOME/bin/java" -Xmx2g -cp bench/target/benchmarks.jar dev.berth.bench.proxy.ProxySideBySide \
  --root "$BERTH_ROOT" --run-dir "$run" "$@"
