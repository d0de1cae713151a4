package lxc

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// parseState parses what lxc-info -s -p -H prints: a State line (required)
// and, while the container runs, a PID line. Other lines are skipped: newer
// lxc versions may add some.
func parseState(out []byte) (State, int, error) {
	var st State
	pid := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			return "", 0, fmt.Errorf("lxc-info line %d: no key in %q", n, line)
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch key {
		case "State":
			st = State(val)
			if !st.Valid() {
				return "", 0, fmt.Errorf("lxc-info line %d: unknown state %q", n, val)
			}
		case "PID":
			p, err := strconv.Atoi(val)
			if err != nil || p < 0 {
				return "", 0, fmt.Errorf("lxc-info line %d: bad PID %q", n, val)
			}
			pid = p
		}
	}
	if err := sc.Err(); err != nil {
		return "", 0, err
	}
	if st == "" {
		return "", 0, fmt.Errorf("lxc-info: no State in output %q", out)
	}
	return st, pid, nil
}
