#!/bin/sh
# Installs the Debian packages lxcvirt needs and creates the host bridge.
# Idempotent and non-interactive; runs as root (CI does).
set -eu

# Build, run and test lxcvirt itself.
packages="lxc lxcfs busybox-static libvirt-clients libvirt-dev pkg-config iproute2 gcc make tmux prometheus-libvirt-exporter"
# protoc, for make generated (the .proto -> Go check in make test) and make proto.
packages="$packages protobuf-compiler"
# The Debian package test checks its units with systemd-analyze.
packages="$packages systemd"
# The real clients the integration tests drive: virt-install/virt-xml, virt-manager under Xvfb
# (driven through AT-SPI with dogtail; xauth is what xvfb-run needs, only a Recommends of xvfb),
# OpenStack Nova, libvirt-python and Sys::Virt.
packages="$packages virtinst virt-manager gir1.2-vte-2.91 gir1.2-gtksource-4 gir1.2-libosinfo-1.0 python3-gi-cairo"
packages="$packages python3-nova python3-libvirt libsys-virt-perl"
packages="$packages xvfb xauth dbus dbus-x11 at-spi2-core gir1.2-atspi-2.0 python3-dogtail xdotool imagemagick"
# Debian's libvirtd with its QEMU driver, for the side-by-side test (TCG; no KVM needed). Its LXC
# driver (a Recommends) is not needed here: a client asks lxcvirtd's --listen-default socket for
# lxc:///system first (the bench installs that driver for its own private libvirtd).
packages="$packages libvirt-daemon-system libvirt-daemon-driver-qemu qemu-system-x86"
# Unprivileged users' containers (lxc:///session): newuidmap and newgidmap.
packages="$packages uidmap"
[ $# -gt 0 ] && packages="$packages $*"

missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	# Packages must not start their services (libvirtd, virtlogd…): the tests start the daemons they
	# need and stop them again. An image's own policy-rc.d is kept.
	policy=/usr/sbin/policy-rc.d
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		trap 'rm -f "$policy"' EXIT
	fi
	apt-get update -q </dev/null
	apt-get install -y -q --no-install-recommends $missing </dev/null
fi

bridge="${LXCVIRT_BRIDGE:-lxcbr0}"
if [ ! -e "/sys/class/net/$bridge" ]; then
	echo "deps: creating bridge $bridge" >&2
	ip link add "$bridge" type bridge
fi
ip link set "$bridge" up

# lxcfs's /proc views: the driver adds LXC's lxcfs hooks to a container while lxcfs serves
# /var/lib/lxcfs. Package services are not started above, so start it here, through systemd where
# systemd runs, else as a daemon of its own (lxcfs stays in the foreground; a mount left by a dead
# instance is lazily unmounted first). It keeps running, as the packaged service would.
if command -v lxcfs >/dev/null && [ ! -e /var/lib/lxcfs/proc/meminfo ]; then
	echo "deps: starting lxcfs" >&2
	if [ -d /run/systemd/system ]; then
		systemctl start lxcfs
	else
		umount -l /var/lib/lxcfs 2>/dev/null || true
		mkdir -p /var/lib/lxcfs
		setsid lxcfs /var/lib/lxcfs </dev/null >>/var/log/lxcfs.log 2>&1 &
	fi
	i=0
	until [ -e /var/lib/lxcfs/proc/meminfo ]; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "deps: lxcfs did not come up" >&2
			exit 1
		fi
		sleep 0.1
	done
fi

# A demo user for lxc:///session (README, "Unprivileged users"): subordinate ids, veths on the
# bridge, delegated cgroups. The cgroups live in sysfs, so this runs again after a reboot.
"$(dirname "$0")/session-setup.sh" --create "${LXCVIRT_DEMO_USER:-lxcvirt-demo}" "$bridge"
