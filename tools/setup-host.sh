#!/bin/bash
# Installs the Debian packages doca and its suite need; does nothing when all
# are there (one `apt-get update` only when something is missing).
set -eu
PKGS="python3.11 python3.11-venv busybox-static iproute2 iptables procps util-linux tini runc crun gcc libc6-dev skopeo umoci podman docker-registry prometheus docker.io"
[ "$(id -u)" = 0 ] || { echo "setup-host: run as root (doca manages namespaces and cgroups)" >&2; exit 1; }
missing=
for p in $PKGS; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup-host: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  # On a systemd host, prometheus (and docker-registry, docker.io) would
  # start their system services as they install, listening on every address
  # (dockerd: docker0 and iptables rules): the suite starts its own.
  # policy-rc.d keeps them stopped now ...
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get -o DPkg::Lock::Timeout=600 update -q
  # shellcheck disable=SC2086
  apt-get -o DPkg::Lock::Timeout=600 install -y -q $missing
  # ... and not at the next boot either (a no-op without systemd).
  if [ -d /run/systemd/system ]; then
    systemctl disable --now prometheus prometheus-node-exporter docker-registry \
      docker.socket docker containerd >/dev/null 2>&1 || true
  fi
fi
