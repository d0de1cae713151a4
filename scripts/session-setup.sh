#!/bin/sh
# What root sets up once (and again after each boot, for the cgroups) so that USER may run
# containers through their own session daemon (lxc:///session):
#   - subordinate uid and gid ranges in /etc/subuid and /etc/subgid (useradd makes them;
#     usermod --add-subuids/--add-subgids for an older user), and newuidmap/newgidmap (uidmap);
#   - veths on BRIDGE through lxc-user-nic: "USER veth BRIDGE N" in /etc/lxc/lxc-usernet;
#   - a cgroup delegated to the user, lxcvirt-session/USER, on every cgroup v1 hierarchy and on
#     the v2 one, owned by the user. The driver moves itself into it (v1); on a pure v2 host
#     the user's session must be started in it by root (systemd's user@.service does the same
#     with Delegate=yes), since v2 lets no process move itself out of root's cgroups.
# Usage: session-setup.sh [--create] USER [BRIDGE [N]]; --create makes USER if missing.
# Idempotent; runs as root.
set -eu

create=0
if [ "${1:-}" = "--create" ]; then
	create=1
	shift
fi
user="${1:?usage: session-setup.sh [--create] USER [BRIDGE [N]]}"
bridge="${2:-lxcbr0}"
quota="${3:-10}"

if ! id -u "$user" >/dev/null 2>&1; then
	[ "$create" = 1 ] || { echo "session-setup: no user $user" >&2; exit 1; }
	useradd --create-home --shell /bin/sh "$user"
fi
for f in /etc/subuid /etc/subgid; do
	if ! grep -q "^$user:" "$f" 2>/dev/null; then
		echo "session-setup: $user has no range in $f (usermod --add-subuids/--add-subgids)" >&2
		exit 1
	fi
done
command -v newuidmap >/dev/null || { echo "session-setup: newuidmap missing (apt-get install uidmap)" >&2; exit 1; }

mkdir -p /etc/lxc
touch /etc/lxc/lxc-usernet
grep -q "^$user veth $bridge " /etc/lxc/lxc-usernet || echo "$user veth $bridge $quota" >>/etc/lxc/lxc-usernet

# One delegated cgroup per hierarchy: each v1 mount under /sys/fs/cgroup and the v2 one.
awk '$9 == "cgroup" || $9 == "cgroup2" { print $5, $9 }' /proc/self/mountinfo | while read -r mnt type; do
	dir="$mnt/lxcvirt-session/$user"
	mkdir -p "$dir"
	if [ -e "$mnt/cpuset.cpus" ]; then
		# v1 cpuset: a cgroup takes no task before its cpus and mems are set.
		for d in "$mnt/lxcvirt-session" "$dir"; do
			for k in cpuset.cpus cpuset.mems; do
				[ -n "$(cat "$d/$k")" ] || cat "$(dirname "$d")/$k" >"$d/$k"
			done
		done
	fi
	if [ "$type" = cgroup2 ]; then
		# Hand the v2 controllers down to the user's subtree.
		for d in "$mnt" "$mnt/lxcvirt-session"; do
			for c in $(cat "$d/cgroup.controllers"); do
				echo "+$c" >"$d/cgroup.subtree_control" 2>/dev/null || true
			done
		done
		chown "$user" "$dir" "$dir/cgroup.procs" "$dir/cgroup.threads" "$dir/cgroup.subtree_control"
	else
		chown -R "$user" "$dir"
	fi
done
