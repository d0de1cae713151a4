#!/bin/sh
# Builds the lxcvirt Debian package from a tree staged by make install
# (PREFIX=/usr): writes DEBIAN/ (control, conffiles, maintainer scripts from
# dist/debian/) and runs dpkg-deb. Usage: deb.sh STAGE OUTDIR VERSION DEPENDS
# Reproducible: file times are the commit's, owners root (no fakeroot).
set -eu
stage=$1 out=$2 version=$3 depends=$4

arch=$(dpkg --print-architecture)
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
export SOURCE_DATE_EPOCH="$epoch"

mkdir -p "$stage/DEBIAN" "$out"
for s in postinst prerm postrm; do
	install -m 0755 "dist/debian/$s" "$stage/DEBIAN/$s"
done
# Every file under /etc is a conffile: dpkg keeps an admin's changes.
(cd "$stage" && find etc -type f | sort | sed 's|^|/|') >"$stage/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<CONTROL
Package: lxcvirt
Version: $version
Architecture: $arch
Maintainer: lxcvirt maintainers <maintainers@lxcvirt.invalid>
Installed-Size: $size
Depends: $depends
Recommends: libvirt-clients, lxcfs
Section: admin
Priority: optional
Description: libvirt API for LXC containers (a drop-in virtlxcd)
 lxcvirtd serves libvirt's remote protocol on a unix socket, so stock virsh,
 virt-manager, virt-install, libvirt-python and OpenStack Nova manage LXC
 containers through libvirt's object model. Its domain driver runs in a
 separate process and drives the upstream lxc-* tools.
CONTROL
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/conffiles"
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -exec touch -h -d "@$epoch" {} +
deb="$out/lxcvirt_${version}_$arch.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
