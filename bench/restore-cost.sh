#!/usr/bin/env bash
# Cost of writing berth-proxy's full ruleset for N Services × 10 endpoints into an empty network namespace with
# iptables-restore --noflush (what a proxy's first sync does): as one restore, and split into chunks with the
# same final rules (KUBE-SEP chains in batches of 1,000, then KUBE-SVC/SVL, then KUBE-EXT/FW, then the dispatch
# chains and the filter table last, so no Service is reachable before all of it is written).
#
#   bench/restore-cost.sh [N=1000] [single-restore timeout seconds=120]
#
# Uses the iptables backend `iptables` points at (nf_tables on Debian 12). Makes one namespace per measurement,
# berth-pbench-cost-*, and deletes it, also on failure.
set -euo pipefail
source "$(dirname "$0")/../bin/lib/jdk.sh"
cd "$BERTH_ROOT"
n=${1:-1000}
limit=${2:-120}
[ -f bench/target/benchmarks.jar ] || mvn -B -q package -DskipTests -pl bench -am
work=$(mktemp -d /tmp/berth-pbench-cost.XXXXXX)
ns=""
cleanup() { [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
restore=$(basename "$(readlink -f "$(command -v iptables)")" | sed 's/^xtables-\(nft\|legacy\)-multi$/iptables-\1-restore/')
[ "$restore" = "iptables-nft-restore" ] || [ "$restore" = "iptables-legacy-restore" ] || restore=iptables-restore
"$JAVA_HOME/bin/java" -cp bench/target/benchmarks.jar dev.berth.bench.proxy.RuleGenerationBenchmark "$n" 10 "$work/full.txt" | head -1
python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
text = open(f"{work}/full.txt").read()
filt, nat = text.split("*nat\n")
nat = nat.replace("COMMIT\n", "")
decl, rules, order = {}, {}, []
for l in nat.split("\n"):
    if l.startswith(":"):
        c = l[1:].split(" ")[0]; decl[c] = l; order.append(c); rules.setdefault(c, [])
    elif l.startswith("-A "):
        rules.setdefault(l.split(" ")[1], []).append(l)
seps = [c for c in order if c.startswith("KUBE-SEP-")]
svcs = [c for c in order if c.startswith(("KUBE-SVC-", "KUBE-SVL-"))]
exts = [c for c in order if c.startswith(("KUBE-EXT-", "KUBE-FW-"))]
rest = [c for c in order if c not in set(seps) | set(svcs) | set(exts)]
def chunk(cs):
    return "*nat\n" + "".join(decl[c] + "\n" for c in cs) + "".join(r + "\n" for c in cs for r in rules[c]) + "COMMIT\n"
parts = [chunk(["KUBE-MARK-MASQ"])]
parts += [chunk(seps[i:i + 1000]) for i in range(0, len(seps), 1000)]
parts += [chunk(svcs[i:i + 1000]) for i in range(0, len(svcs), 1000)]
parts += [chunk(exts), filt + chunk(rest)]
for i, p in enumerate(parts):
    open(f"{work}/chunk-{i:03d}.txt", "w").write(p)
PY
now() { date +%s.%N; }
ns="berth-pbench-cost-$$-1"; ip netns add "$ns"
t=$(now)
if timeout "$limit" nsenter --net="/run/netns/$ns" "$restore" --noflush < "$work/full.txt"; then
  echo "single restore: $(echo "$(now) - $t" | bc) s"
else
  echo "single restore: not done after ${limit} s (stopped)"
fi
ip netns del "$ns"; ns="berth-pbench-cost-$$-2"; ip netns add "$ns"
t=$(now); count=0
for f in "$work"/chunk-*.txt; do nsenter --net="/run/netns/$ns" "$restore" --noflush < "$f"; count=$((count + 1)); done
echo "chunked restore: $(echo "$(now) - $t" | bc) s in $count restores; nat rules in the kernel: $(nsenter --net="/run/netns/$ns" iptables-save -t nat | grep -c '^-A')"
t=$(now); nsenter --net="/run/netns/$ns" "$restore" --noflush < "$work/chunk-$(printf %03d $((count - 1))).txt"
echo "then the dispatch chains and filter table alone (a partial sync's fixed part): $(echo "$(now) - $t" | bc) s"
