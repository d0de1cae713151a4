package xmlmap

import (
	"slices"
	"strconv"
	"strings"
)

// maxCPUID bounds CPU and NUMA node numbers in sets (libvirt's bitmap
// limit).
const maxCPUID = 8192

// parseSet reads libvirt's set syntax ("0-3,5,^2") and returns the members
// in order; LXC's cpuset files take no exclusions, so the set is
// normalised before it is written.
func parseSet(field, s string) ([]int, error) {
	in := map[int]bool{}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		neg := strings.HasPrefix(part, "^")
		part = strings.TrimPrefix(part, "^")
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := setNum(lo)
		if err != nil {
			return nil, xmlErr("%s: invalid set %q", field, s)
		}
		b := a
		if isRange {
			if neg {
				return nil, xmlErr("%s: invalid set %q", field, s)
			}
			if b, err = setNum(hi); err != nil || b < a {
				return nil, xmlErr("%s: invalid set %q", field, s)
			}
		}
		for n := a; n <= b; n++ {
			if neg {
				delete(in, n)
			} else {
				in[n] = true
			}
		}
	}
	if len(in) == 0 {
		return nil, xmlErr("%s: set %q is empty", field, s)
	}
	out := make([]int, 0, len(in))
	for n := range in {
		out = append(out, n)
	}
	slices.Sort(out)
	return out, nil
}

func setNum(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n >= maxCPUID || s == "" || s[0] == '+' {
		return 0, strconv.ErrSyntax
	}
	return n, nil
}

// formatSet renders sorted members the way libvirt does: "1-2,5-7".
func formatSet(ns []int) string {
	var b strings.Builder
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(ns[i]))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(ns[j]))
		}
		i = j + 1
	}
	return b.String()
}

// canonicalSet parses and re-formats a set.
func canonicalSet(field, s string) (string, error) {
	ns, err := parseSet(field, s)
	if err != nil {
		return "", err
	}
	return formatSet(ns), nil
}
