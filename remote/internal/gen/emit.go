package main

import (
	"fmt"
	"go/format"
	"os"
	"strings"
)

func writeGo(path, code string) error {
	src, err := format.Source([]byte(code))
	if err != nil {
		return fmt.Errorf("format %s: %w", path, err)
	}
	return os.WriteFile(path, src, 0o644)
}

// emitWire writes the framing constants of virnetprotocol.x.
func emitWire(net *spec) string {
	var b strings.Builder
	b.WriteString("package wire\n\n// Framing limits and sizes from virnetprotocol.x.\nconst (\n")
	for _, c := range net.order {
		fmt.Fprintf(&b, "\t%s = %d // %s\n", camel(strings.TrimPrefix(c, "VIR_NET_")), net.consts[c], c)
	}
	b.WriteString(")\n")
	return b.String()
}

func emitProto(progs []*progOut, remote *spec) (string, error) {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	wireImport := ""
	for _, p := range progs {
		for _, l := range p.limits {
			if strings.HasPrefix(l.bound, "wire.") {
				wireImport = "\n\t\"github.com/lxcvirt/lxcvirt/remote/wire\"\n"
			}
		}
	}
	w("package proto\n\nimport (\n\t\"context\"\n\t\"reflect\"\n\n\tlibvirt %q\n%s)\n\n", goLibvirtPath, wireImport)

	w("// RPC programs and their versions.\nconst (\n")
	for _, p := range progs {
		w("\t%sProgram uint32 = %#x // %sPROGRAM\n", progName(p), p.number, p.constPrefix)
		w("\t%sProtocolVersion uint32 = %d\n", progName(p), p.version)
	}
	w(")\n\n")

	w("// Limits and sizes from remote_protocol.x.\nconst (\n")
	for _, c := range remote.order {
		if !strings.HasPrefix(c, "REMOTE_") || c == "REMOTE_PROGRAM" || c == "REMOTE_PROTOCOL_VERSION" {
			continue
		}
		w("\t%s = %d // %s\n", constName(c), remote.consts[c], c)
	}
	w(")\n\n")

	w("// Procedure numbers.\nconst (\n")
	for _, p := range progs {
		for _, pr := range p.procs {
			w("\t%s int32 = %d // %s\n", procConst(p, pr), pr.number, pr.xname)
		}
	}
	w(")\n\n")

	w("var procedures = []Procedure{\n")
	for _, p := range progs {
		for _, pr := range p.procs {
			w("\t{Program: %sProgram, Number: %s, Name: %q, API: %q", progName(p), procConst(p, pr), pr.xname, pr.api)
			for _, t := range []struct {
				field string
				typ   *goType
			}{{"Args", pr.args}, {"Ret", pr.ret}, {"Msg", pr.msg}} {
				if t.typ != nil {
					w(", %s: reflect.TypeFor[%s]()", t.field, t.typ.expr())
				}
			}
			if pr.high {
				w(", HighPriority: true")
			}
			if pr.readOnly {
				w(", ReadOnly: true")
			}
			if pr.stream {
				w(", Stream: true")
			}
			if len(pr.unmapped) > 0 {
				w(", Unmapped: true")
			}
			w("},\n")
		}
	}
	w("}\n\n")

	w("// Handlers holds one optional handler per call of the REMOTE and LXC\n")
	w("// programs; C is the server's per-connection type. A nil handler makes the\n")
	w("// call answer VIR_ERR_NO_SUPPORT.\ntype Handlers[C any] struct {\n")
	for _, p := range progs {
		if !p.handlers {
			continue
		}
		for _, pr := range p.procs {
			if !callable(pr) {
				continue
			}
			w("\t// %s serves %s (%s).\n", handlerName(p, pr), pr.xname, pr.api)
			w("\t%s %s\n", handlerName(p, pr), handlerSig(pr))
		}
	}
	w("}\n\n")

	w("func (h *Handlers[C]) invoker(program uint32, proc int32) Invoker[C] {\n\tswitch program {\n")
	for _, p := range progs {
		if !p.handlers {
			continue
		}
		w("\tcase %sProgram:\n\t\tswitch proc {\n", progName(p))
		for _, pr := range p.procs {
			if !callable(pr) {
				continue
			}
			w("\t\tcase %s:\n\t\t\treturn %s(h.%s)\n", procConst(p, pr), binder(pr), handlerName(p, pr))
		}
		w("\t\t}\n")
	}
	w("\t}\n\treturn nil\n}\n\n")

	w("var arrayLimits = []ArrayLimit{\n")
	for _, p := range progs {
		for _, l := range p.limits {
			w("\t{Type: reflect.TypeFor[%s](), Field: %q, Max: %s},\n", l.typ.expr(), l.field, l.bound)
		}
	}
	w("}\n")
	return b.String(), nil
}

func progName(p *progOut) string {
	if p.goPrefix == "" {
		return "Remote"
	}
	return p.goPrefix
}

func procConst(p *progOut, pr procOut) string { return p.goPrefix + "Proc" + pr.goName }

func handlerName(p *progOut, pr procOut) string { return p.goPrefix + pr.goName }

// callable reports whether a procedure is a call a client makes whose
// payload types all exist in Go (events are server-to-client messages).
func callable(pr procOut) bool { return pr.msg == nil && len(pr.unmapped) == 0 }

func handlerSig(pr procOut) string {
	params := "ctx context.Context, c C"
	if pr.args != nil {
		params += ", args *" + pr.args.expr()
	}
	if pr.ret != nil {
		return fmt.Sprintf("func(%s) (*%s, error)", params, pr.ret.expr())
	}
	return fmt.Sprintf("func(%s) error", params)
}

func binder(pr procOut) string {
	switch {
	case pr.args != nil && pr.ret != nil:
		return "bindArgsRet"
	case pr.args != nil:
		return "bindArgs"
	case pr.ret != nil:
		return "bindRet"
	}
	return "bindNone"
}
