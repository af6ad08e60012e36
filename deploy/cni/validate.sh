#!/usr/bin/env bash
# Checks deploy/cni/ against a real API server: starts the test control plane (test/controlplane), runs
# `kubectl apply --dry-run=server` on the DaemonSet, checks the sample network config is valid JSON, and
# stops the control plane again.
#
#   deploy/cni/validate.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cp="$root/test/controlplane/controlplane.sh"
"$cp" install
kubectl="$("$cp" bin)/kubectl"
dir="$(mktemp -d "${TMPDIR:-/tmp}/berth-cni-validate.XXXXXX")"
trap '"$cp" stop "$dir" >/dev/null 2>&1 || true' EXIT
"$cp" start "$dir" >/dev/null
"$kubectl" --kubeconfig "$dir/admin.kubeconfig" apply --dry-run=server -f "$root/deploy/cni/daemonset.yaml"
python3 -m json.tool "$root/deploy/cni/10-berth.conflist" >/dev/null && echo "10-berth.conflist: valid JSON"
