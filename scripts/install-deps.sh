#!/bin/sh
# Install every build and test dependency of vipd with apt-get (Debian 12).
# Idempotent: a second run installs nothing new.
set -eu
PKGS="build-essential meson ninja-build pkg-config clang libclang-rt-14-dev \
clang-format libyaml-dev libnl-3-dev libnl-route-3-dev libevent-dev \
libjansson-dev libcap-ng-dev libcmocka-dev python3 python3-pytest python3-yaml python3-jsonschema \
iproute2 util-linux scdoc \
iputils-ping keepalived frr user-mode-linux kmod procps tcpdump valgrind \
chromium chromium-driver python3-selenium"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
# keepalived and frr (bfdd: tests/topo/test_bfd_frr.py; vrrpd:
# tests/topo/test_interop_vmac.py) are test peers only; never let the
# packages' own services run.
if command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now keepalived >/dev/null 2>&1 || true
    systemctl disable --now frr >/dev/null 2>&1 || true
fi
