#!/bin/sh
# make run: start lxcvirtd in the background (if it is not running) and walk
# the seed demo through stock virsh, printing each command and its output.
set -eu
cd "$(dirname "$0")/.."

SOCKET="${SOCKET:-/run/lxcvirt/lxcvirt-sock}"
STATE_DIR="${STATE_DIR:-/var/lib/lxcvirt}"
LXCPATH="${LXCPATH:-$STATE_DIR/lxc}"
DEMO_ROOT="${DEMO_ROOT:-/srv/mycontainer}"
RUNDIR=$(dirname "$SOCKET")
PIDFILE="$RUNDIR/lxcvirtd.pid"
LOG="${LOG:-/var/log/lxcvirt/lxcvirtd.log}"
URI="lxc:///system?socket=$SOCKET"

mkdir -p "$RUNDIR" "$(dirname "$LOG")"
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
	echo "lxcvirtd already running (pid $(cat "$PIDFILE"))"
else
	echo "starting lxcvirtd on $SOCKET (log: $LOG)"
	nohup ./bin/lxcvirtd --socket "$SOCKET" --state-dir "$STATE_DIR" --lxcpath "$LXCPATH" \
		>>"$LOG" 2>&1 </dev/null &
	echo $! >"$PIDFILE"
	i=0
	until [ -S "$SOCKET" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
			echo "lxcvirtd did not come up; last log lines:" >&2
			tail -n 20 "$LOG" >&2
			exit 1
		fi
		sleep 0.1
	done
fi


# The seed XML names /srv/mycontainer; point it at DEMO_ROOT if that differs.
XML=$(mktemp /tmp/mycontainer.XXXXXX.xml)
trap 'rm -f "$XML"' EXIT
sed "s|/srv/mycontainer|$DEMO_ROOT|" testdata/demo/mycontainer.xml >"$XML"

v() {
	echo
	echo "\$ virsh $*"
	virsh -c "$URI" "$@" || true
}

# Start from a clean slate when the demo ran before, with the current busybox root filesystem
# (written over the old one once its container is gone).
virsh -c "$URI" destroy mycontainer >/dev/null 2>&1 || true
virsh -c "$URI" undefine mycontainer >/dev/null 2>&1 || true
echo "writing a busybox root filesystem in $DEMO_ROOT"
./bin/lxcvirt-rootfs -init shell "$DEMO_ROOT"

echo "== seed demo: virsh -c '$URI'"
v define "$XML"
v list --inactive
v start mycontainer
v list
v dominfo mycontainer
v domstate --reason mycontainer
v dumpxml mycontainer
v suspend mycontainer
v domstate --reason mycontainer
v resume mycontainer
v shutdown mycontainer
sleep 1
v list --all
v start mycontainer
v list

# mycontainer's init keeps a DHCP lease on eth0 (busybox udhcpc), from lxc-net's dnsmasq on
# lxcbr0: the demo ends when virsh domifaddr shows that address. Its default source is the
# network's leases; the ARP source finds the address in the host's ARP table.
addr=""
deadline=$(($(date +%s) + 60))
while [ -z "$addr" ]; do
	for src in lease arp; do
		out=$(virsh -c "$URI" domifaddr mycontainer --source "$src" 2>&1) || true
		addr=$(echo "$out" | awk '$3 == "ipv4" { print $4; exit }')
		[ -z "$addr" ] || break
	done
	if [ -z "$addr" ] && [ "$(date +%s)" -ge "$deadline" ]; then
		echo "mycontainer got no IPv4 address within 60 s; virsh domifaddr --source arp says:" >&2
		echo "$out" >&2
		exit 1
	fi
	[ -n "$addr" ] || sleep 0.5
done
echo
echo "\$ virsh domifaddr mycontainer --source $src"
echo "$out"

cat <<MSG

lxcvirtd keeps running (pid $(cat "$PIDFILE")), and so does mycontainer, at ${addr%/*}. Try:
  virsh -c '$URI' console mycontainer      (Ctrl+] leaves)
  virsh -c '$URI' destroy mycontainer
Stop the daemon with: make stop   (containers keep running, as with libvirtd)
MSG
