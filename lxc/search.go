package lxc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/sys/unix"
)

// The POSIX ACL extended attribute (acl(5); the kernel's
// include/uapi/linux/posix_acl_xattr.h): a version, then (tag, perm, id)
// entries sorted by tag and id.
const (
	aclXattr    = "system.posix_acl_access"
	aclVersion  = 2
	aclUserObj  = 0x01
	aclUser     = 0x02
	aclGroupObj = 0x04
	aclGroup    = 0x08
	aclMask     = 0x10
	aclOther    = 0x20
	aclNoID     = 0xffffffff
	aclExecute  = 1
)

type aclEntry struct {
	tag, perm uint16
	id        uint32
}

// grantSearch lets uid, a container's root on the host, search every
// directory from / down to dir that the calling user owns and that would
// stop it, with an ACL entry granting search (x) alone, as LXC's
// documentation asks of an unprivileged lxcpath: lxc-start, in the
// container's user namespace, checks that it can reach its lxcpath. Only
// directories the user owns are touched; the others must already let it
// pass.
func grantSearch(dir string, uid int) error {
	me := uint32(os.Geteuid())
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		var st unix.Stat_t
		if err := unix.Stat(d, &st); err != nil {
			return err
		}
		if st.Uid == me && st.Mode&0o001 == 0 {
			if err := addSearchACL(d, st.Mode, uint32(uid)); err != nil {
				return fmt.Errorf("grant uid %d search of %s: %w", uid, d, err)
			}
		}
		if d == "/" {
			return nil
		}
	}
}

// addSearchACL adds (or widens) the entry of uid in path's access ACL so
// it grants search; the mask widens with it. Without an ACL yet, the
// entries come from mode.
func addSearchACL(path string, mode uint32, uid uint32) error {
	entries, err := readACL(path)
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []aclEntry{
			{aclUserObj, uint16(mode>>6) & 7, aclNoID},
			{aclGroupObj, uint16(mode>>3) & 7, aclNoID},
			{aclOther, uint16(mode) & 7, aclNoID},
		}
	}
	i := slices.IndexFunc(entries, func(e aclEntry) bool { return e.tag == aclUser && e.id == uid })
	if i >= 0 && entries[i].perm&aclExecute != 0 {
		return nil
	}
	if i >= 0 {
		entries[i].perm |= aclExecute
	} else {
		entries = append(entries, aclEntry{aclUser, aclExecute, uid})
	}
	// The mask bounds the group class: the owning group and named entries.
	var mask uint16
	entries = slices.DeleteFunc(entries, func(e aclEntry) bool { return e.tag == aclMask })
	for _, e := range entries {
		if e.tag == aclUser || e.tag == aclGroup || e.tag == aclGroupObj {
			mask |= e.perm
		}
	}
	entries = append(entries, aclEntry{aclMask, mask, aclNoID})
	slices.SortFunc(entries, func(a, b aclEntry) int {
		if a.tag != b.tag {
			return int(a.tag) - int(b.tag)
		}
		return int(int64(a.id) - int64(b.id))
	})
	buf := binary.LittleEndian.AppendUint32(nil, aclVersion)
	for _, e := range entries {
		buf = binary.LittleEndian.AppendUint16(buf, e.tag)
		buf = binary.LittleEndian.AppendUint16(buf, e.perm)
		buf = binary.LittleEndian.AppendUint32(buf, e.id)
	}
	return unix.Setxattr(path, aclXattr, buf, 0)
}

// readACL returns path's access ACL entries, nil when it has none.
func readACL(path string) ([]aclEntry, error) {
	buf := make([]byte, 4096)
	n, err := unix.Getxattr(path, aclXattr, buf)
	if errors.Is(err, unix.ENODATA) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	buf = buf[:n]
	if len(buf) < 4 || (len(buf)-4)%8 != 0 || binary.LittleEndian.Uint32(buf) != aclVersion {
		return nil, fmt.Errorf("%s: malformed ACL", path)
	}
	var out []aclEntry
	for b := buf[4:]; len(b) > 0; b = b[8:] {
		out = append(out, aclEntry{binary.LittleEndian.Uint16(b), binary.LittleEndian.Uint16(b[2:]), binary.LittleEndian.Uint32(b[4:])})
	}
	return out, nil
}
