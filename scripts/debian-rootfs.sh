#!/bin/sh
# Builds a Debian 12 root filesystem that boots systemd with eth0 on DHCP (debootstrap
# minbase with systemd, systemd-sysv, ifupdown and isc-dhcp-client), once per machine: the
# tree in DIR (default /var/cache/lxcvirt/debian12-rootfs) is kept with a stamp naming its
# recipe, and a later run with the same recipe only prints DIR. Containers must run on a copy.
# Packages come from the Debian archive the host's apt uses, which the guest's apt uses too.
# Runs as root; concurrent runs wait for each other. Usage: debian-rootfs.sh [DIR]
set -eu

dir=${1:-/var/cache/lxcvirt/debian12-rootfs}
suite=bookworm
include=systemd,systemd-sysv,ifupdown,isc-dhcp-client
# Bump when what the tree holds changes, so cached trees are rebuilt.
recipe="1 $suite minbase $include"

mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
stamp="$dir/.lxcvirt-rootfs"
if [ -f "$stamp" ] && [ "$(head -n 1 "$stamp")" = "$recipe" ]; then
	echo "$dir"
	exit 0
fi

for tool in debootstrap apt-get; do
	command -v "$tool" >/dev/null || {
		echo "debian-rootfs: needs $tool (make deps installs it)" >&2
		exit 1
	}
done
# The host's Debian archive: apt's own view of its sources (one-line and deb822 files), each
# repository of the suite and its updates and security suites, with its components.
sources=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' 'Created-By: Packages' |
	awk -v s="$suite" '$2 == s || $2 == s "-updates" || $2 == s "-security" { c[$1 " " $2] = c[$1 " " $2] " " $3 }
		END { for (k in c) { n = split(c[k], a, " "); u = ""; for (i = 1; i <= n; i++) if (index(" " u " ", " " a[i] " ") == 0) u = u " " a[i]; print "deb " k u } }' |
	sort)
mirror=$(echo "$sources" | awk -v s="$suite" '$3 == s { print $2; exit }')
if [ -z "$mirror" ]; then
	echo "debian-rootfs: the host's apt has no $suite archive (apt-get indextargets)" >&2
	exit 1
fi

start=$(date +%s)
tmp="$dir.tmp"
rm -rf "$tmp" "$dir"
echo "debian-rootfs: debootstrap $suite ($include) from $mirror into $dir" >&2
if ! debootstrap --variant=minbase --include="$include" "$suite" "$tmp" "$mirror" >"$tmp.log" 2>&1; then
	tail -n 30 "$tmp.log" >&2
	[ ! -f "$tmp/debootstrap/debootstrap.log" ] || tail -n 30 "$tmp/debootstrap/debootstrap.log" >&2
	exit 1
fi
rm -f "$tmp.log"

echo "$sources" >"$tmp/etc/apt/sources.list"
echo debian12 >"$tmp/etc/hostname"
cat >"$tmp/etc/network/interfaces" <<'EOF'
# The container's NIC takes its address from the network's DHCP server.
auto lo
iface lo inet loopback

auto eth0
iface eth0 inet dhcp
EOF
# A machine ID of its own at first boot, as an image's.
: >"$tmp/etc/machine-id"
rm -f "$tmp/var/lib/dbus/machine-id"
rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*

printf '%s\nbuilt %s in %ss from %s\n' "$recipe" "$(date -u +%FT%TZ)" "$(($(date +%s) - start))" "$mirror" >"$tmp/.lxcvirt-rootfs"
mv "$tmp" "$dir"
echo "debian-rootfs: built in $(($(date +%s) - start))s" >&2
echo "$dir"
