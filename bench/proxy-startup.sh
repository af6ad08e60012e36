#!/usr/bin/env bash
# berth-proxy start-up: exec of `ip netns exec NS bin/berth-proxy ...` → the first (full) sync starting and ending,
# against a throw-away control plane with SERVICES Services × 10 endpoints, in a fresh network namespace per run
# that reaches the API server through a Unix-socket forward (socat on each side). Each output line of the proxy
# is stamped on arrival; the first sync's start is its "synced" line minus the durationMs it logs.
#
#   bench/proxy-startup.sh [--runs 5] [--services 1000] [--java-opts OPTS] [--keep-cache] [--root DIR]...
#
# Each --root is a checkout with a built proxy whose bin/berth-proxy is run (default: this one); with several, the
# runs alternate between them so the machine's load falls on all alike. Without --keep-cache each root's AOT
# cache (proxy/target/aot, bin/lib/aot.sh) is removed first, so its run 1 is the training run and the later runs
# use the cache. Everything made is removed on exit; the proxy's rules are removed with --cleanup in the
# namespace before the namespace itself is deleted.
set -euo pipefail
source "$(dirname "$0")/../bin/lib/jdk.sh"
cd "$BERTH_ROOT"
[ "$(id -u)" = 0 ] || { echo "proxy-startup: needs root (network namespaces, iptables)" >&2; exit 1; }
runs=5 services=1000 java_opts="" keep_cache="" roots=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --services) services="$2"; shift 2 ;;
    --java-opts) java_opts="$2"; shift 2 ;;
    --keep-cache) keep_cache=1; shift ;;
    --root) roots+=("$(cd "$2" && pwd)"); shift 2 ;;
    *) echo "proxy-startup: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ ${#roots[@]} -gt 0 ] || roots=("$BERTH_ROOT")
for root in "${roots[@]}"; do
  [ -f "$root/proxy/target/berth-proxy.jar" ] || { echo "proxy-startup: build $root first (bin/build)" >&2; exit 1; }
done
test/controlplane/controlplane.sh install

run=$(mktemp -d /tmp/berth-pstart.XXXXXX)
id=$(basename "$run" | cut -d. -f2 | tr 'A-Z' 'a-z')
cleanup() {
  local rc=$?
  for ns in $(ip netns list | awk '{print $1}' | grep "^berth-pstart-$id-" || true); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  [ -n "${host_socat:-}" ] && kill "$host_socat" 2>/dev/null || true
  [ -d "$run/cp" ] && test/controlplane/controlplane.sh stop "$run/cp" || true
  rm -rf "$run"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

test/controlplane/controlplane.sh start "$run/cp" >/dev/null
kubectl="$(test/controlplane/controlplane.sh bin)/kubectl --kubeconfig=$run/cp/admin.kubeconfig"
port=$(cat "$run/cp/api.port")
python3 - "$services" > "$run/objects.json" <<'PY'
import json, sys
n = int(sys.argv[1])
items = [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "pstart-node"},
          "status": {"addresses": [{"type": "InternalIP", "address": "10.250.0.2"}]}}]
for i in range(n):
    name = f"svc-{i:05d}"
    items.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
                  "spec": {"type": "NodePort" if i % 10 == 0 else "ClusterIP",
                           "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]}})
    items.append({"apiVersion": "discovery.k8s.io/v1beta1", "kind": "EndpointSlice",
                  "metadata": {"name": name + "-a", "namespace": "default",
                               "labels": {"kubernetes.io/service-name": name}},
                  "addressType": "IPv4",
                  "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
                  "endpoints": [{"addresses": [f"10.{64 + i // 250}.{i % 250}.{j + 1}"],
                                 "conditions": {"ready": True}} for j in range(10)]})
print(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
PY
$kubectl create -f "$run/objects.json" >/dev/null
echo "proxy-startup: $services Services × 10 endpoints created; $runs runs" >&2
if [ -z "$keep_cache" ]; then
  for root in "${roots[@]}"; do rm -rf "$root/proxy/target/aot"; done
fi

socat "UNIX-LISTEN:$run/api.sock,fork,unlink-early" "TCP:127.0.0.1:$port" 2>"$run/socat-host.log" &
host_socat=$!

n=0
for i in $(seq 1 "$runs"); do
 for root in "${roots[@]}"; do
  n=$((n + 1))
  ns="berth-pstart-$id-$n"
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip netns exec "$ns" socat "TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$run/api.sock" \
    2>"$run/socat-ns-$i.log" &
  for _ in $(seq 50); do ip netns exec "$ns" ss -ltn | grep -q ":$port " && break; sleep 0.05; done
  python3 - "$ns" "$run/cp/admin.kubeconfig" "$java_opts" "$i" "$root" <<'PY'
import os, subprocess, sys, time, re
ns, kubeconfig, java_opts, run, root = sys.argv[1:6]
env = dict(os.environ, BERTH_JAVA_OPTS=java_opts)
cmd = ["ip", "netns", "exec", ns, root + "/bin/berth-proxy", "--kubeconfig=" + kubeconfig, "--hostname-override=pstart-node",
       "--cluster-cidr=10.244.0.0/14", "--min-sync-period=1s", "--sync-period=30s",
       "--healthz-bind-address=127.0.0.1:10256", "--metrics-bind-address=127.0.0.1:10249"]
t0 = time.monotonic()
p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True, bufsize=1)
marks = {}
deadline = t0 + 120
for line in p.stdout:
    t = time.monotonic() - t0
    for key, pattern in [("start", "starting berth-proxy"), ("services", "listed kind=services"),
                         ("slices", "listed kind=endpointslices")]:
        if pattern in line and key not in marks:
            marks[key] = t
    m = re.search(r"synced kind=full.*durationMs=(\d+)", line)
    if m:
        marks["sync_start"] = t - int(m.group(1)) / 1000
        marks["sync_end"] = t
        break
    if t > 120:
        break
p.terminate()
p.wait(30)
fmt = lambda k: f"{marks[k]:.3f}" if k in marks else "-"
print(f"{root} run {run}: starting-log {fmt('start')} s, services listed {fmt('services')} s, slices listed {fmt('slices')} s, "
      f"first sync start {fmt('sync_start')} s, first sync end {fmt('sync_end')} s", flush=True)
PY
  ip netns exec "$ns" "$root/bin/berth-proxy" --cleanup >/dev/null 2>&1 || echo "proxy-startup: cleanup failed in $ns" >&2
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  sleep 0.2
  ip netns del "$ns"
  if ! kill -0 "$(cat "$run/cp/apiserver.pid")" 2>/dev/null; then
    echo "proxy-startup: kube-apiserver died (see its log); restarting it" >&2
    test/controlplane/controlplane.sh restart-apiserver "$run/cp" >/dev/null
  fi
 done
done
