//go:build integration

package integration

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// clientCall is one procedure call the daemon's debug log shows a client
// making, for the record of what real clients use.
type clientCall struct {
	proc   string // without REMOTE_PROC_
	failed bool
	err    string // the error reply's message, when failed
}

var (
	// A handler's "not supported" answer is logged as "call failed" and
	// (at info, once) as "call not supported": only the first counts.
	callLineRE = regexp.MustCompile(`msg=(call|"call failed") client="pid=(\d+) [^"]*" proc=(?:REMOTE_PROC_)?(\w+)`)
	callErrRE  = regexp.MustCompile(` err=("(?:[^"\\]|\\.)*"|\S+)`)
)

// clientCalls returns the calls client pid made in the daemon's log text,
// in order.
func clientCalls(text string, pid int) []clientCall {
	var out []clientCall
	for line := range strings.Lines(text) {
		m := callLineRE.FindStringSubmatch(line)
		if m == nil || m[2] != strconv.Itoa(pid) {
			continue
		}
		c := clientCall{proc: m[3], failed: m[1] != "call"}
		if c.failed {
			c.err = "(no message)"
			if e := callErrRE.FindStringSubmatch(line); e != nil {
				c.err = e[1]
				if u, err := strconv.Unquote(c.err); err == nil {
					c.err = u
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// callsOf waits until the daemon's log shows every connection of client
// pid closed (the log reaches the test through a pipe, behind the client's
// exit) and returns the calls it made.
func (d *daemon) callsOf(pid int) []clientCall {
	d.t.Helper()
	client := fmt.Sprintf(`client="pid=%d `, pid)
	deadline := time.Now().Add(30 * time.Second)
	for {
		text := d.log()
		opened, closed := 0, 0
		for line := range strings.Lines(text) {
			if !strings.Contains(line, client) {
				continue
			}
			if strings.Contains(line, `msg="client connected"`) {
				opened++
			}
			if strings.Contains(line, `msg="client disconnected"`) {
				closed++
			}
		}
		if opened > 0 && closed == opened {
			return clientCalls(text, pid)
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("the daemon's log does not show client pid %d come and go (%d connected, %d gone)", pid, opened, closed)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// succeeded reports whether calls has a successful call of proc.
func succeeded(calls []clientCall, proc string) bool {
	return slices.ContainsFunc(calls, func(c clientCall) bool { return c.proc == proc && !c.failed })
}

// foldCalls lists each procedure in calls once, in the order of its first
// call, with its count and how many failed (✗): "CONNECT_OPEN,
// DOMAIN_LOOKUP_BY_NAME ×3 (1 ✗)"; then, a line each, every distinct error
// a procedure got.
func foldCalls(calls []clientCall) string {
	var order, errs []string
	count, failed := map[string]int{}, map[string]int{}
	for _, c := range calls {
		if count[c.proc] == 0 {
			order = append(order, c.proc)
		}
		count[c.proc]++
		if c.failed {
			failed[c.proc]++
			if e := fmt.Sprintf("\n  ✗ %s: %s", c.proc, c.err); !slices.Contains(errs, e) {
				errs = append(errs, e)
			}
		}
	}
	out := make([]string, len(order))
	for i, p := range order {
		out[i] = p
		if count[p] > 1 {
			out[i] += fmt.Sprintf(" ×%d", count[p])
		}
		switch {
		case failed[p] == count[p]:
			out[i] += " ✗"
		case failed[p] > 0:
			out[i] += fmt.Sprintf(" (%d ✗)", failed[p])
		}
	}
	return strings.Join(out, ", ") + strings.Join(errs, "")
}

// xmlElements lists the element paths of an XML document, each once in
// document order, with its attribute names in brackets.
func xmlElements(doc string) ([]string, error) {
	dec := xml.NewDecoder(strings.NewReader(doc))
	var path, out []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			path = append(path, tok.Name.Local)
			p := strings.Join(path, "/")
			if len(tok.Attr) > 0 {
				names := make([]string, len(tok.Attr))
				for i, a := range tok.Attr {
					names[i] = a.Name.Local
				}
				p += "[" + strings.Join(names, " ") + "]"
			}
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		case xml.EndElement:
			path = path[:len(path)-1]
		}
	}
}
