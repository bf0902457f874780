#!/bin/bash
# Installs the Debian packages doca and its suite need; does nothing when all
# are there (one `apt-get update` only when something is missing).
set -eu
PKGS="python3.11 python3.11-venv busybox-static iproute2 iptables procps util-linux tini runc crun gcc libc6-dev skopeo umoci podman docker-registry"
[ "$(id -u)" = 0 ] || { echo "setup-host: run as root (doca manages namespaces and cgroups)" >&2; exit 1; }
missing=
for p in $PKGS; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup-host: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -q
  # shellcheck disable=SC2086
  apt-get -o DPkg::Lock::Timeout=600 install -y -q $missing
fi
