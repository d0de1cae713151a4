#!/bin/sh
# Installs the Debian packages lxcvirt needs and creates the host bridge.
# Idempotent and non-interactive; runs as root (CI does).
set -eu

packages="lxc busybox-static libvirt-clients libvirt-dev pkg-config iproute2 gcc make tmux prometheus-libvirt-exporter python3-libvirt virtinst libvirt-daemon-system python3-nova"
[ $# -gt 0 ] && packages="$packages $*"

missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q </dev/null
	apt-get install -y -q --no-install-recommends $missing </dev/null
fi

bridge="${LXCVIRT_BRIDGE:-lxcbr0}"
if [ ! -e "/sys/class/net/$bridge" ]; then
	echo "deps: creating bridge $bridge" >&2
	ip link add "$bridge" type bridge
fi
ip link set "$bridge" up
