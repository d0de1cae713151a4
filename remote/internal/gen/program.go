package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

var (
	reMesonVersion = regexp.MustCompile(`version:\s*'([0-9.]+)'`)
	reDirVersion   = regexp.MustCompile(`^libvirt-([0-9]+\.[0-9]+\.[0-9]+)$`)
)

// program describes one RPC program's .x file and naming.
type program struct {
	file         string // path inside the libvirt tree
	constPrefix  string // LXC_ in LXC_PROGRAM, LXC_PROTOCOL_VERSION
	procPrefix   string // LXC_PROC_
	structPrefix string // lxc_ in lxc_domain_open_namespace_args
	goPrefix     string // prefix of Go identifiers: "" for remote, "LXC"
	handlers     bool   // whether calls of this program get handler fields
	api          func(goName string) string
}

var programs = []program{
	{
		file: "src/remote/remote_protocol.x", constPrefix: "REMOTE_", procPrefix: "REMOTE_PROC_",
		structPrefix: "remote_", handlers: true,
		api: func(n string) string { return "vir" + n },
	},
	{
		file: "src/remote/lxc_protocol.x", constPrefix: "LXC_", procPrefix: "LXC_PROC_",
		structPrefix: "lxc_", goPrefix: "LXC", handlers: true,
		// LXC_PROC_DOMAIN_OPEN_NAMESPACE serves virDomainLxcOpenNamespace.
		api: func(n string) string { return "virDomainLxc" + strings.TrimPrefix(n, "Domain") },
	},
	{
		file: "src/rpc/virkeepaliveprotocol.x", constPrefix: "KEEPALIVE_", procPrefix: "KEEPALIVE_PROC_",
		structPrefix: "keepalive_", goPrefix: "Keepalive",
		api: func(string) string { return "" },
	},
}

// progOut is a program ready to emit.
type progOut struct {
	program
	number, version int64
	procs           []procOut
	limits          []limitOut
}

type procOut struct {
	xname, goName, api string
	number             int32
	args, ret, msg     *goType
	unmapped           []string // .x payload structs go-libvirt has no type for
	high, readOnly     bool
	stream             bool
}

type limitOut struct {
	typ   goType
	field string
	bound string // the constant's Go name
}

// readPerms are the permissions libvirt lets a read-only connection use:
// its public APIs that need any other permission call
// virCheckReadOnlyGoto.
func readPerm(acl string) bool {
	perm := acl
	if i := strings.IndexByte(acl, ':'); i >= 0 {
		perm = acl[i+1:]
	}
	return perm == "none" || perm == "getattr" || perm == "read" || strings.HasPrefix(perm, "search_")
}

func (p program) build(s *spec, names *goNames, roChecked map[string]bool) (*progOut, error) {
	out := &progOut{program: p}
	var ok bool
	if out.number, ok = s.consts[p.constPrefix+"PROGRAM"]; !ok {
		return nil, fmt.Errorf("%s: no %sPROGRAM", p.file, p.constPrefix)
	}
	if out.version, ok = s.consts[p.constPrefix+"PROTOCOL_VERSION"]; !ok {
		return nil, fmt.Errorf("%s: no %sPROTOCOL_VERSION", p.file, p.constPrefix)
	}
	seen := map[int32]string{}
	for _, xp := range s.procs {
		if prev, dup := seen[xp.number]; dup {
			return nil, fmt.Errorf("%s: %s and %s share number %d", p.file, prev, xp.name, xp.number)
		}
		seen[xp.number] = xp.name
		base := strings.TrimPrefix(xp.name, p.procPrefix)
		po := procOut{xname: xp.name, number: xp.number, high: xp.high, stream: xp.stream, goName: camel(base)}
		if gp, ok := names.procs[xp.name]; ok {
			if gp.number != int64(xp.number) {
				return nil, fmt.Errorf("%s is %d in %s but %d in go-libvirt", xp.name, xp.number, p.file, gp.number)
			}
			po.goName = gp.name
		}
		po.api = p.api(po.goName)
		po.readOnly = !roChecked[po.api]
		for _, a := range xp.acl {
			po.readOnly = po.readOnly && readPerm(a)
		}
		for _, slot := range []struct {
			suffix string
			dst    **goType
		}{{"_args", &po.args}, {"_ret", &po.ret}, {"_msg", &po.msg}} {
			xs := p.structPrefix + strings.ToLower(base) + slot.suffix
			if _, exists := s.structs[xs]; !exists {
				continue
			}
			gt, ok := names.types[xs]
			if !ok {
				po.unmapped = append(po.unmapped, xs)
				continue
			}
			*slot.dst = &gt
		}
		out.procs = append(out.procs, po)
	}
	sort.Slice(out.procs, func(i, j int) bool { return out.procs[i].number < out.procs[j].number })
	lim, err := limits(s, names, p.structPrefix)
	if err != nil {
		return nil, err
	}
	out.limits = lim
	return out, nil
}

// limits lists every bounded variable-length array field of the program's
// structs that has a Go type, with the Go name of its bound constant.
func limits(s *spec, names *goNames, prefix string) ([]limitOut, error) {
	var out []limitOut
	for xname, st := range s.structs {
		if !strings.HasPrefix(xname, prefix) {
			continue
		}
		gt, ok := names.types[xname]
		if !ok {
			continue
		}
		if len(gt.fields) != len(st.fields) {
			return nil, fmt.Errorf("%s has %d fields but %s has %d", xname, len(st.fields), gt.expr(), len(gt.fields))
		}
		for i, f := range st.fields {
			if !f.variable || f.bound == "" {
				continue
			}
			if _, err := s.resolve(f.bound); err != nil {
				return nil, fmt.Errorf("%s.%s: %w", xname, f.name, err)
			}
			out = append(out, limitOut{typ: gt, field: gt.fields[i], bound: constName(f.bound)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].typ.name != out[j].typ.name {
			return out[i].typ.name < out[j].typ.name
		}
		return out[i].field < out[j].field
	})
	return out, nil
}

// constName is the Go name emitted for an .x constant:
// REMOTE_DOMAIN_LIST_MAX → DomainListMax, VIR_NET_MESSAGE_MAX → wire.MessageMax.
func constName(x string) string {
	switch {
	case strings.HasPrefix(x, "REMOTE_"):
		return camel(strings.TrimPrefix(x, "REMOTE_"))
	case strings.HasPrefix(x, "VIR_NET_"):
		return "wire." + camel(strings.TrimPrefix(x, "VIR_NET_"))
	}
	return camel(x)
}
