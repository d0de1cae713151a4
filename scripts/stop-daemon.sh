#!/bin/sh
# make stop: stop the lxcvirtd that make run started. Containers keep running.
set -eu
SOCKET="${SOCKET:-/run/lxcvirt/lxcvirt-sock}"
PIDFILE="$(dirname "$SOCKET")/lxcvirtd.pid"
if [ ! -f "$PIDFILE" ] || ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
	echo "lxcvirtd is not running"
	rm -f "$PIDFILE"
	exit 0
fi
pid=$(cat "$PIDFILE")
kill -TERM "$pid"
i=0
while kill -0 "$pid" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "lxcvirtd ($pid) did not stop" >&2; exit 1; }
	sleep 0.1
done
rm -f "$PIDFILE"
echo "lxcvirtd stopped"
