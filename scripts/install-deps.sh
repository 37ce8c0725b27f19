#!/usr/bin/env bash
# Installs what building, running and testing yiwang needs on Debian 12, checking first so
# that a second run does nothing. Run as root (or with sudo available).
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(gcc make pkg-config ca-certificates clang-format
      libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev libsodium-dev
      libxlsxwriter-dev libzip-dev libexpat1-dev libcmocka-dev libhpdf-dev fonts-arphic-uming poppler-utils
      clang libclang-rt-14-dev
      postgresql postgresql-contrib pgbackrest sqlite3 nginx wrk chromium
      patroni etcd-server etcd-client haproxy pgbouncer   # the cluster (deploy/cluster, make test-cluster)
      fonts-noto-cjk)   # Chinese glyphs for the headless browser (tests, screenshots)
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  # The postgresql package starts a system cluster; yiwang's tests bring their own.
fi

# Front-end and test modules, pinned by package-lock.json.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
