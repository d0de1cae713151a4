// Package subid reads the subordinate id ranges /etc/subuid and /etc/subgid
// grant a user (subuid(5)): the host ids a user may map into the user
// namespaces of their containers with newuidmap and newgidmap.
package subid

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Files are where the ranges are kept.
const (
	UIDFile = "/etc/subuid"
	GIDFile = "/etc/subgid"
)

// Range is Count host ids from Start.
type Range struct {
	Start, Count uint32
}

// End is one past the range's last id.
func (r Range) End() uint64 { return uint64(r.Start) + uint64(r.Count) }

func (r Range) String() string { return fmt.Sprintf("%d-%d", r.Start, r.End()-1) }

// Parse returns the ranges of r's lines ("login-or-uid:start:count") that
// name user or its numeric uid, in file order. Comments, blank and
// malformed lines are skipped, as newuidmap skips them.
func Parse(r io.Reader, user string, uid int) ([]Range, error) {
	var out []Range
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ":")
		if len(f) != 3 || (f[0] != user && f[0] != strconv.Itoa(uid)) {
			continue
		}
		start, err1 := strconv.ParseUint(f[1], 10, 32)
		count, err2 := strconv.ParseUint(f[2], 10, 32)
		if err1 != nil || err2 != nil || count == 0 || start+count > 1<<32 {
			continue
		}
		out = append(out, Range{Start: uint32(start), Count: uint32(count)})
	}
	return out, sc.Err()
}

// Load reads the ranges file grants user (uid); a missing file grants
// none.
func Load(file, user string, uid int) ([]Range, error) {
	f, err := os.Open(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rs, err := Parse(f, user, uid)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return rs, nil
}
