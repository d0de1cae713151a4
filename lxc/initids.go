package lxc

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrUnknownID is what an UnknownIDError is.
var ErrUnknownID = errors.New("unknown user or group")

// UnknownIDError is returned by InitIDs for a name the container's
// /etc/passwd or /etc/group lacks.
type UnknownIDError struct {
	Kind string // "User" or "Group"
	Name string
}

func (e *UnknownIDError) Error() string {
	return fmt.Sprintf("%s %s is not in the container's /etc/%s", strings.ToLower(e.Kind), e.Name, map[string]string{"User": "passwd", "Group": "group"}[e.Kind])
}

func (e *UnknownIDError) Is(target error) bool { return target == ErrUnknownID }

// InitIDs is the package's InitIDs, for the driver's Runtime.
func (rt *Runtime) InitIDs(rootfs, user, group string) (uid, gid string, err error) {
	return InitIDs(rootfs, user, group)
}

// InitIDs resolves the names of a container init's user and group (either
// may be "") as libvirt-lxc does inside the container, from the root
// filesystem rootfs ("" is the host's /): its /etc/passwd and /etc/group,
// opened with every path component, symlinks included, resolved within
// rootfs. It returns the numeric ids as decimal strings ("" where the name
// was ""); an *UnknownIDError for a name that is not there.
func InitIDs(rootfs, user, group string) (uid, gid string, err error) {
	if rootfs == "" {
		rootfs = "/"
	}
	if user != "" {
		if uid, err = lookupID(rootfs, "etc/passwd", user); err != nil {
			return "", "", idError("User", user, err)
		}
	}
	if group != "" {
		if gid, err = lookupID(rootfs, "etc/group", group); err != nil {
			return "", "", idError("Group", group, err)
		}
	}
	return uid, gid, nil
}

func idError(kind, name string, err error) error {
	if errors.Is(err, ErrUnknownID) {
		return &UnknownIDError{Kind: kind, Name: name}
	}
	return fmt.Errorf("%s %s: %w", strings.ToLower(kind), name, err)
}

// lookupID finds name in the colon-separated database file (passwd or
// group: name:password:id:…) under root and returns its id field.
func lookupID(root, file, name string) (string, error) {
	dir, err := os.Open(root)
	if err != nil {
		return "", err
	}
	defer dir.Close()
	fd, err := unix.Openat2(int(dir.Fd()), file, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != nil {
		return "", fmt.Errorf("open the container's /%s: %w", file, err)
	}
	f := os.NewFile(uintptr(fd), file)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) >= 3 && fields[0] == name {
			if _, err := strconv.ParseUint(fields[2], 10, 32); err != nil {
				return "", fmt.Errorf("the container's /%s gives %s the id %q", file, name, fields[2])
			}
			return fields[2], nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("read the container's /%s: %w", file, err)
	}
	return "", fmt.Errorf("not in the container's /%s: %w", file, ErrUnknownID)
}
