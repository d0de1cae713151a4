package lxc

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseInfo parses lxc-info output, with or without -H: sizes may be raw
// ("684032") or human ("668.00 KiB"), CPU use raw nanoseconds or "0.01
// seconds". Missing fields stay zero; a State line is required. Each "Link:"
// starts a new interface whose indented TX/RX/Total lines follow it.
func ParseInfo(out []byte) (Info, error) {
	var info Info
	var link *Link
	sc := bufio.NewScanner(bytes.NewReader(out))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			return Info{}, fmt.Errorf("lxc-info line %d: no key in %q", n, line)
		}
		indented := strings.HasPrefix(key, " ")
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		var err error
		switch {
		case indented && link != nil:
			err = parseLinkField(link, key, val)
		case key == "Name":
			info.Name = val
		case key == "State":
			info.State = State(val)
			if !info.State.Valid() {
				err = fmt.Errorf("unknown state %q", val)
			}
		case key == "PID":
			info.PID, err = strconv.Atoi(val)
		case key == "IP":
			info.IPs = append(info.IPs, val)
		case key == "CPU use":
			info.CPUUse, err = parseCPU(val)
		case key == "BlkIO use":
			info.BlkIOUse, err = parseSize(val)
		case key == "Memory use":
			info.MemUse, err = parseSize(val)
		case key == "KMem use":
			info.KMemUse, err = parseSize(val)
		case key == "Link":
			info.Links = append(info.Links, Link{Name: val})
			link = &info.Links[len(info.Links)-1]
		}
		// Unknown keys are skipped: newer lxc versions may add some.
		if err != nil {
			return Info{}, fmt.Errorf("lxc-info line %d %q: %w", n, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return Info{}, err
	}
	if info.State == "" {
		return Info{}, fmt.Errorf("lxc-info: no State in output %q", out)
	}
	if len(info.Links) > 0 {
		first := info.Links[0]
		info.Link, info.TxBytes, info.RxBytes = first.Name, first.TxBytes, first.RxBytes
	}
	return info, nil
}

func parseLinkField(l *Link, key, val string) error {
	v, err := parseSize(val)
	switch key {
	case "TX bytes":
		l.TxBytes = v
	case "RX bytes":
		l.RxBytes = v
	case "Total bytes":
		l.TotalBytes = v
	default:
		return nil
	}
	return err
}

var sizeUnits = map[string]float64{
	"bytes": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40, "PiB": 1 << 50,
}

// parseSize reads "684032", "0 bytes" or "668.00 KiB" as bytes.
func parseSize(s string) (uint64, error) {
	num, unit, _ := strings.Cut(s, " ")
	if unit == "" {
		return strconv.ParseUint(num, 10, 64)
	}
	mult, ok := sizeUnits[unit]
	if !ok {
		return 0, fmt.Errorf("unknown size unit %q", unit)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || f*mult >= math.MaxUint64 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return uint64(math.Round(f * mult)), nil
}

// parseCPU reads raw nanoseconds ("12086878") or "0.01 seconds".
func parseCPU(s string) (time.Duration, error) {
	num, unit, _ := strings.Cut(s, " ")
	if unit == "" {
		ns, err := strconv.ParseInt(num, 10, 64)
		return time.Duration(ns), err
	}
	if unit != "seconds" {
		return 0, fmt.Errorf("unknown CPU unit %q", unit)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 || f > math.MaxInt64/1e9 {
		return 0, fmt.Errorf("bad CPU time %q", s)
	}
	return time.Duration(math.Round(f * 1e9)), nil
}
