#!/bin/sh
# Installs CRIU 4.1.1 as /usr/local/sbin/criu for save and restore (lxc-checkpoint), unless a
# criu of at least 4.1 is already on PATH. Debian 12's criu 3.17 cannot dump on kernels from 6.13 on
# (their [vvar_vclock] mapping: "vdso: Unexpected rt vDSO area bounds"); 4.1 knows it. The source is
# Debian's own (trixie's criu_4.1.1), fetched from the Debian archive the host's apt uses and
# checked against its SHA-256; only the criu binary is built. Idempotent; runs as root.
set -eu

version=4.1.1
sha256=f80a66cb3726bb2116266d4759ce3bcbfab7abdb6b6d430bf20dd41911717afe
prefix=/usr/local/sbin

# have_criu: a criu on PATH of version 4.1 or later.
have_criu() {
	v=$(criu --version 2>/dev/null | sed -n 's/^Version: *//p')
	[ -n "$v" ] || return 1
	major=${v%%.*}
	rest=${v#*.}
	minor=${rest%%.*}
	[ "$major" -gt 4 ] || { [ "$major" -eq 4 ] && [ "$minor" -ge 1 ]; }
}
if PATH="$prefix:$PATH" have_criu; then
	exit 0
fi

# The archive apt uses for Debian's main suite (deb822 sources or a one-line list).
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
	awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }')
if [ -z "$mirror" ]; then
	mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }')
fi
mirror=${mirror:-http://deb.debian.org/debian}
mirror=${mirror%/}

"$(dirname "$0")/deps.sh" curl ca-certificates xz-utils build-essential libbsd-dev libcap-dev \
	libgnutls28-dev libnet1-dev libnftables-dev libnl-3-dev libprotobuf-c-dev libprotobuf-dev pkgconf \
	protobuf-c-compiler protobuf-compiler uuid-dev python3-protobuf >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball="$work/criu_$version.orig.tar.xz"
echo "criu: fetching criu $version from $mirror" >&2
curl -fsSL -o "$tarball" "$mirror/pool/main/c/criu/criu_$version.orig.tar.xz"
echo "$sha256  $tarball" | sha256sum -c - >/dev/null
tar -C "$work" -xJf "$tarball"
echo "criu: building criu $version (a few minutes)" >&2
make -C "$work/criu-$version" -j"$(nproc)" criu >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; exit 1; }
install -D -m 755 "$work/criu-$version/criu/criu" "$prefix/criu"
"$prefix/criu" check >/dev/null 2>&1 || echo "criu: warning: 'criu check' reports missing kernel features" >&2
