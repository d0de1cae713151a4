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

if [ ! -x "$DEMO_ROOT/sbin/init" ]; then
	echo "building a busybox root filesystem in $DEMO_ROOT"
	./bin/lxcvirt-rootfs -init shell "$DEMO_ROOT"
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

# Start from a clean slate when the demo ran before.
virsh -c "$URI" destroy mycontainer >/dev/null 2>&1 || true
virsh -c "$URI" undefine mycontainer >/dev/null 2>&1 || true

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

cat <<MSG

lxcvirtd keeps running (pid $(cat "$PIDFILE")), and so does mycontainer. Try:
  virsh -c '$URI' console mycontainer      (Ctrl+] leaves)
  virsh -c '$URI' destroy mycontainer
Stop the daemon with: make stop   (containers keep running, as with libvirtd)
MSG
