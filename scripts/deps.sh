#!/bin/sh
# Installs the Debian packages lxcvirt needs and starts the default network
# (LXC's lxc-net) and lxcfs. Idempotent and non-interactive; runs as root (CI does).
set -eu

# Build, run and test lxcvirt itself.
packages="lxc lxcfs busybox-static libvirt-clients libvirt-dev pkg-config iproute2 gcc make tmux prometheus-libvirt-exporter"
# The default network is LXC's lxc-net: its bridge lxcbr0, dnsmasq for DHCP and DNS (also libvirt's
# NAT networks' DHCP, in the network tests), NAT by
# nftables (or iptables where nft cannot be used).
packages="$packages dnsmasq-base nftables iptables"
# The Debian 12 guest test builds its root filesystem with debootstrap.
packages="$packages debootstrap debian-archive-keyring"
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
# Snapshots copy a container's root filesystem with rsync, as LXC copies a dir rootfs (only a
# Recommends of lxc, which --no-install-recommends leaves out).
packages="$packages rsync"
# Unprivileged users' containers (lxc:///session): newuidmap and newgidmap.
packages="$packages uidmap"
# Open vSwitch, for <virtualport type='openvswitch'> (what Neutron's OVS agent writes); the tests use
# its userspace datapath, which needs no kernel module.
packages="$packages openvswitch-switch"
# Migration tests reach a second daemon as virsh reaches another host, over ssh (lxc+ssh://): the
# test runs its own sshd on a loopback port, whose remote end is netcat (nc -U SOCKET).
packages="$packages openssh-server openssh-client netcat-openbsd"
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

# The default network: LXC's lxc-net (lxcbr0 10.0.3.1/24, dnsmasq DHCP and DNS, NAT), whose bridge
# the driver's "default" network and default bridge are. Package services are not started
# above, so start it here, through systemd where systemd runs, else by its own script (it stays
# up: dnsmasq runs on). A bare lxcbr0 that older versions of this script made is taken over by
# lxc-net's start (it addresses the bridge, keeping the ports on it). lxc-net reads
# /etc/default/lxc, which reads /etc/default/lxc-net; Debian's lxc-net file turns it on.
lxcnet=/usr/libexec/lxc/lxc-net
bridge=lxcbr0
lxcnet_setting() {
	(
		USE_LXC_BRIDGE=true LXC_BRIDGE=lxcbr0
		[ ! -f /etc/default/lxc ] || . /etc/default/lxc
		eval echo "\$$1"
	)
}
lxcnet_up() {
	[ -f /run/lxc/network_up ] && [ -e "/sys/class/net/$bridge" ] &&
		kill -0 "$(cat /run/lxc/dnsmasq.pid 2>/dev/null)" 2>/dev/null
}
if [ ! -f /etc/default/lxc-net ]; then
	echo "deps: writing /etc/default/lxc-net (USE_LXC_BRIDGE=\"true\", as Debian's lxc ships it)" >&2
	echo 'USE_LXC_BRIDGE="true"' >/etc/default/lxc-net
fi
if [ "$(lxcnet_setting USE_LXC_BRIDGE)" != true ]; then
	echo "deps: lxc-net is turned off (USE_LXC_BRIDGE in /etc/default/lxc-net); lxcvirt's default network is lxc-net's bridge: set USE_LXC_BRIDGE=\"true\"" >&2
	exit 1
fi
if [ "$(lxcnet_setting LXC_BRIDGE)" != "$bridge" ]; then
	echo "deps: lxc-net's bridge is $(lxcnet_setting LXC_BRIDGE) (LXC_BRIDGE in /etc/default/lxc-net), lxcvirt's default network is $bridge" >&2
	exit 1
fi
mkdir -p /run/lock
exec 9>/run/lock/lxcvirt-deps-lxc-net.lock
flock 9
if ! lxcnet_up; then
	echo "deps: starting lxc-net (bridge $bridge, dnsmasq, NAT)" >&2
	if [ -d /run/systemd/system ]; then
		systemctl restart lxc-net.service
	else
		# A stale run (its dnsmasq gone) is stopped first; start refuses while its marker
		# exists. dnsmasq stays: it must not inherit the lock.
		[ ! -f /run/lxc/network_up ] || "$lxcnet" stop </dev/null 9>&-
		"$lxcnet" start </dev/null 9>&-
	fi
	if ! lxcnet_up; then
		echo "deps: lxc-net did not come up (no dnsmasq serving $bridge)" >&2
		exit 1
	fi
fi
exec 9>&-

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

# Open vSwitch's database and switch daemons, started as its packaged service would start them
# (ovs-ctl; through systemd where systemd runs). They keep running.
if command -v ovs-vsctl >/dev/null && ! ovs-vsctl --timeout=5 show >/dev/null 2>&1; then
	echo "deps: starting Open vSwitch" >&2
	if [ -d /run/systemd/system ]; then
		systemctl start openvswitch-switch
	else
		/usr/share/openvswitch/scripts/ovs-ctl start --system-id=random >&2
	fi
	ovs-vsctl --timeout=30 show >/dev/null
fi

# A demo user for lxc:///session (README, "Unprivileged users"): subordinate ids, veths on the
# bridge, delegated cgroups. The cgroups live in sysfs, so this runs again after a reboot.
"$(dirname "$0")/session-setup.sh" --create "${LXCVIRT_DEMO_USER:-lxcvirt-demo}" "$bridge"
