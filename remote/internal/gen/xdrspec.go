package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// spec is what the generator reads from one of libvirt's rpcgen (.x) files.
type spec struct {
	consts  map[string]int64
	order   []string // const names in file order
	structs map[string]*xstruct
	procs   []xproc
}

// xstruct is an XDR struct: its fields in order.
type xstruct struct {
	name   string
	fields []xfield
}

// xfield is one struct member. bound names the constant in "<BOUND>" for a
// variable-length array; it is empty for scalars, fixed arrays and "<>".
type xfield struct {
	typ, name, bound string
	variable         bool
}

// xproc is one procedure of a program's procedure enum, with the
// annotations of the comment above it.
type xproc struct {
	name     string
	number   int32
	generate string
	high     bool
	stream   bool
	acl      []string // unconditional "object:permission" rules
}

var (
	reConst     = regexp.MustCompile(`^const\s+(\w+)\s*=\s*([\w]+)\s*;`)
	reStruct    = regexp.MustCompile(`^struct\s+(\w+)\s*\{`)
	reField     = regexp.MustCompile(`^\s*(.+?)\s+\*?(\w+)\s*(<(\w*)>|\[(\w+)\])?\s*;`)
	reEnumStart = regexp.MustCompile(`^enum\s+(\w+_procedure)\s*\{`)
	reEnumItem  = regexp.MustCompile(`^\s*(\w+)\s*=\s*(\d+)\s*,?`)
	reAnnot     = regexp.MustCompile(`@(\w+):\s*(\S+)`)
)

// cHeaderConsts are the C macros (include/libvirt/libvirt-host.h) that some
// .x constants are defined as.
var cHeaderConsts = map[string]int64{
	"VIR_SECURITY_LABEL_BUFLEN": 4096 + 1,
	"VIR_SECURITY_MODEL_BUFLEN": 256 + 1,
	"VIR_SECURITY_DOI_BUFLEN":   256 + 1,
	"VIR_UUID_BUFLEN":           16,
}

// parseSpec reads one .x file. It understands the subset libvirt uses:
// constants, structs (field per line), and the annotated procedure enum.
// Unions and typedefs are skipped: unions are coded by hand in wire.
func parseSpec(path string) (*spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := &spec{consts: map[string]int64{}, structs: map[string]*xstruct{}}
	var (
		cur     *xstruct
		inEnum  bool
		inBlock bool
		pending xproc
		lineNo  int
	)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		trim := strings.TrimSpace(line)
		if inEnum {
			if strings.HasPrefix(trim, "/**") {
				pending = xproc{} // a new procedure's annotation block
			}
			for _, m := range reAnnot.FindAllStringSubmatch(trim, -1) {
				annotate(&pending, m[1], m[2])
			}
			if strings.HasPrefix(trim, "/*") || strings.HasPrefix(trim, "*") {
				continue
			}
			if strings.HasPrefix(trim, "}") {
				inEnum = false
				continue
			}
			if m := reEnumItem.FindStringSubmatch(line); m != nil {
				n, err := strconv.ParseInt(m[2], 10, 32)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: %w", path, lineNo, err)
				}
				pending.name, pending.number = m[1], int32(n)
				s.procs = append(s.procs, pending)
				pending = xproc{}
			}
			continue
		}
		// Skip block comments outside the enum.
		if inBlock {
			if strings.Contains(trim, "*/") {
				inBlock = false
			}
			continue
		}
		if strings.HasPrefix(trim, "/*") && !strings.Contains(trim, "*/") {
			inBlock = true
			continue
		}
		trim = stripComment(trim)
		if cur != nil {
			if strings.HasPrefix(trim, "}") {
				s.structs[cur.name] = cur
				cur = nil
				continue
			}
			if trim == "" {
				continue
			}
			m := reField.FindStringSubmatch(trim)
			if m == nil {
				return nil, fmt.Errorf("%s:%d: cannot parse struct field %q", path, lineNo, trim)
			}
			cur.fields = append(cur.fields, xfield{typ: m[1], name: m[2], bound: m[4], variable: strings.HasPrefix(m[3], "<")})
			continue
		}
		if m := reConst.FindStringSubmatch(trim); m != nil {
			v, err := s.resolve(m[2])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", path, lineNo, err)
			}
			s.consts[m[1]] = v
			s.order = append(s.order, m[1])
			continue
		}
		if m := reStruct.FindStringSubmatch(trim); m != nil {
			cur = &xstruct{name: m[1]}
			continue
		}
		if reEnumStart.MatchString(trim) {
			inEnum = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

func stripComment(s string) string {
	if i := strings.Index(s, "/*"); i >= 0 {
		if j := strings.Index(s[i:], "*/"); j >= 0 {
			return strings.TrimSpace(s[:i] + s[i+j+2:])
		}
		return strings.TrimSpace(s[:i])
	}
	return s
}

func annotate(p *xproc, key, val string) {
	switch key {
	case "generate":
		p.generate = val
	case "priority":
		p.high = val == "high"
	case "readstream", "writestream":
		p.stream = true
	case "acl":
		// object:perm is unconditional; object:perm:FLAG and
		// object:perm::param:value apply only to some calls.
		if parts := strings.Split(val, ":"); len(parts) <= 2 {
			p.acl = append(p.acl, val)
		}
	}
}

// resolve turns a constant's value (a number, or the name of a constant
// defined earlier or in libvirt's C headers) into a number.
func (s *spec) resolve(v string) (int64, error) {
	if n, err := strconv.ParseInt(v, 0, 64); err == nil {
		return n, nil
	}
	if n, ok := s.consts[v]; ok {
		return n, nil
	}
	if n, ok := cHeaderConsts[v]; ok {
		return n, nil
	}
	return 0, fmt.Errorf("unknown constant %q", v)
}

// merge adds another file's constants and structs (for cross-file names such
// as REMOTE_STRING_MAX used by lxc_protocol.x).
func (s *spec) merge(o *spec) {
	for k, v := range o.consts {
		if _, ok := s.consts[k]; !ok {
			s.consts[k] = v
		}
	}
	for k, v := range o.structs {
		if _, ok := s.structs[k]; !ok {
			s.structs[k] = v
		}
	}
}
