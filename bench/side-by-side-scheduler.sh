#!/usr/bin/env bash
# Side-by-side throughput of kube-scheduler and berth-scheduler on a real kube-apiserver + etcd (issue 3).
# For each scale and scheduler: a fresh loopback control plane, nodes and pods created first, then the
# scheduler started; prints a table, writes bench/results/scheduler-side-by-side.json and the generated
# block of bench/RESULTS.md. Several minutes at 5,000 nodes / 10,000 pods.
#
#   bench/side-by-side-scheduler.sh [--scales 1000x3000,5000x10000] [--schedulers kube-scheduler,berth-scheduler]
#                                   [--berth-java-opts OPTS] [--note TEXT] [--no-results-md] [--keep] ...
#   BERTH_SBS_BUILD=1 forces a rebuild of scheduler-framework and bench first.
set -euo pipefail
source "$(dirname "$0")/../bin/lib/jdk.sh"
cd "$BERTH_ROOT"
test/controlplane/controlplane.sh install
if [ -n "${BERTH_SBS_BUILD:-}" ] || [ ! -f bench/target/benchmarks.jar ] || [ ! -f scheduler-framework/target/berth-scheduler.jar ]; then
  mvn -B -q package -DskipTests -pl scheduler-framework,bench -am
fi
exec "$JAVA_HOME/bin/java" -Xmx2g -cp bench/target/benchmarks.jar dev.berth.bench.sidebyside.SideBySide --root "$BERTH_ROOT" "$@"
