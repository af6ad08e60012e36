#!/usr/bin/env bash
# A real, throw-away Kubernetes control plane for Berth's integration tests, demo and benchmarks:
# Debian's etcd-server and kube-apiserver (plus kube-scheduler and kube-proxy as side-by-side
# references, and a version-matched kubectl) built once from Debian's kubernetes source package and cached outside the clone.
#
#   controlplane.sh install          install packages, build and cache the binaries (idempotent)
#   controlplane.sh start DIR        start etcd + kube-apiserver on loopback; state, logs, kubeconfigs in DIR
#   controlplane.sh stop DIR [--keep]   stop what start started and remove DIR (--keep: leave logs and state)
#   controlplane.sh restart-apiserver DIR   restart only kube-apiserver (etcd keeps the data)
#   controlplane.sh bin              print the directory holding the cached binaries
#
# The API server runs with token auth and RBAC on, ServiceAccount and TaintNodesByCondition admission
# off (no controller-manager runs), serving only on 127.0.0.1. DIR/admin.kubeconfig is cluster-admin.
set -euo pipefail

K8S_VERSION="1.20.5+really1.20.2-1.1+deb12u1"
CACHE="${BERTH_CACHE:-$HOME/.cache/berth}"
BIN="$CACHE/kubernetes-1.20.2/bin"

log() { echo "controlplane: $*" >&2; }

apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  if [ ! -f "$CACHE/.apt-updated" ] || [ -n "$(find "$CACHE/.apt-updated" -mmin +720 2>/dev/null)" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    mkdir -p "$CACHE" && touch "$CACHE/.apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_deb_src() {
  local list=/etc/apt/sources.list.d/berth-deb-src.sources
  [ -f "$list" ] && return 0
  log "adding deb-src entries for bookworm"
  cat > "$list" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  rm -f "$CACHE/.apt-updated"
}

install() {
  apt_install etcd-server golang-go rsync make dpkg-dev ca-certificates curl
  if [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/kube-scheduler" ] && [ -x "$BIN/kube-proxy" ] && [ -x "$BIN/kubectl" ]; then
    return 0
  fi
  ensure_deb_src
  apt_install dpkg-dev
  [ -f "$CACHE/.apt-updated" ] || { DEBIAN_FRONTEND=noninteractive apt-get update -qq; touch "$CACHE/.apt-updated"; }
  local src="$CACHE/src"
  rm -rf "$src" && mkdir -p "$src"
  log "fetching the kubernetes $K8S_VERSION source package"
  (cd "$src" && apt-get source -qq --download-only "kubernetes=$K8S_VERSION" >/dev/null && dpkg-source -x --no-check ./*.dsc tree >/dev/null)
  log "building kube-apiserver, kube-scheduler, kube-proxy, kubectl (several minutes on 2 cores)"
  (cd "$src/tree" && GOFLAGS=-mod=vendor GOCACHE="$CACHE/gocache" make WHAT="cmd/kube-apiserver cmd/kube-scheduler cmd/kube-proxy cmd/kubectl" >"$CACHE/build.log" 2>&1) || {
    tail -40 "$CACHE/build.log" >&2; log "build failed; full log in $CACHE/build.log"; exit 1; }
  mkdir -p "$BIN"
  for b in kube-apiserver kube-scheduler kube-proxy kubectl; do
    cp "$(find "$src/tree/_output" -type f -name "$b" -perm -u+x | head -n1)" "$BIN/$b"
  done
  rm -rf "$src"
  log "binaries cached in $BIN"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

kubeconfig() { # file server token user
  cat > "$1" <<KC
apiVersion: v1
kind: Config
clusters:
- name: berth-test
  cluster:
    server: $2
    insecure-skip-tls-verify: true
users:
- name: $4
  user:
    token: $3
contexts:
- name: berth-test
  context: {cluster: berth-test, user: $4}
current-context: berth-test
KC
}

start_apiserver() { # dir: (re)starts kube-apiserver with the ports recorded in dir
  local dir="$1" etcd_port api_port
  etcd_port=$(cat "$dir/etcd.port"); api_port=$(cat "$dir/api.port")
  "$BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --cert-dir "$dir/certs" --token-auth-file "$dir/tokens.csv" --authorization-mode RBAC \
    --disable-admission-plugins ServiceAccount,TaintNodesByCondition \
    --service-account-issuer https://berth.test --service-account-key-file "$dir/sa.crt" \
    --service-account-signing-key-file "$dir/sa.key" --service-cluster-ip-range 10.96.0.0/16 \
    --allow-privileged=true --enable-priority-and-fairness=false >>"$dir/apiserver.log" 2>&1 &
  echo $! > "$dir/apiserver.pid"
}

wait_ready() { # dir
  local dir="$1" token api_port
  token=$(head -n1 "$dir/tokens.csv" | cut -d, -f1); api_port=$(cat "$dir/api.port")
  for _ in $(seq 1 240); do
    if curl -sfk -H "Authorization: Bearer $token" "https://127.0.0.1:$api_port/readyz" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  return 1
}

restart_apiserver() { # dir
  local dir="$1"
  kill "$(cat "$dir/apiserver.pid")" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$(cat "$dir/apiserver.pid")" 2>/dev/null || break; sleep 0.1; done
  start_apiserver "$dir"
  wait_ready "$dir" || { tail -20 "$dir/apiserver.log" >&2; log "API server did not come back"; exit 1; }
  log "API server restarted"
}

start() {
  local dir="$1"
  install
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  local etcd_port peer_port api_port token
  etcd_port=$(free_port); peer_port=$(free_port); api_port=$(free_port)
  token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  # Tokens: an admin, and a scheduler user whose only rights are what deploy/ RBAC grants it.
  cat > "$dir/tokens.csv" <<TOK
$token,admin,admin,system:masters
${token}s,berth-scheduler,berth-scheduler
${token}p,berth-proxy,berth-proxy
TOK
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=berth-test-sa" \
    -keyout "$dir/sa.key" -out "$dir/sa.crt" >/dev/null 2>&1
  etcd --data-dir "$dir/etcd" --listen-client-urls "http://127.0.0.1:$etcd_port" \
    --advertise-client-urls "http://127.0.0.1:$etcd_port" --listen-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "default=http://127.0.0.1:$peer_port" >"$dir/etcd.log" 2>&1 &
  echo $! > "$dir/etcd.pid"
  echo "$etcd_port" > "$dir/etcd.port"; echo "$api_port" > "$dir/api.port"
  start_apiserver "$dir"
  kubeconfig "$dir/admin.kubeconfig" "https://127.0.0.1:$api_port" "$token" admin
  kubeconfig "$dir/scheduler.kubeconfig" "https://127.0.0.1:$api_port" "${token}s" berth-scheduler
  kubeconfig "$dir/proxy.kubeconfig" "https://127.0.0.1:$api_port" "${token}p" berth-proxy
  echo "https://127.0.0.1:$api_port" > "$dir/server"
  if wait_ready "$dir"; then
    log "API server ready at https://127.0.0.1:$api_port (state in $dir)"
    return 0
  fi
  tail -20 "$dir/apiserver.log" >&2
  log "API server did not become ready"
  stop "$dir"
  exit 1
}

stop() {
  local dir="$1"
  for p in apiserver etcd; do
    if [ -f "$dir/$p.pid" ]; then
      kill "$(cat "$dir/$p.pid")" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$(cat "$dir/$p.pid")" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$(cat "$dir/$p.pid")" 2>/dev/null || true
      rm -f "$dir/$p.pid"
    fi
  done
  # The directory holds only what start made (data, logs, credentials): nothing to keep unless asked.
  [ "${2:-}" = "--keep" ] || rm -rf "$dir"
}

case "${1:-}" in
  install) install ;;
  start) start "${2:?usage: controlplane.sh start DIR}" ;;
  stop) stop "${2:?usage: controlplane.sh stop DIR [--keep]}" "${3:-}" ;;
  restart-apiserver) restart_apiserver "${2:?usage: controlplane.sh restart-apiserver DIR}" ;;
  bin) echo "$BIN" ;;
  *) echo "usage: controlplane.sh install | start DIR | stop DIR | bin" >&2; exit 2 ;;
esac
