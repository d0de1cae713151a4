package xmlmap

import (
	"math/bits"
	"strings"
)

// MaxMemoryKiB is the largest memory size accepted anywhere (memory,
// memtune, tmpfs): the kernel's memory cgroup counts pages in a signed long,
// so no limit above 2^63 bytes (less a page) can be written.
const MaxMemoryKiB = (1<<63-1)/1024 - 4

// unitScale returns the byte multiplier of a libvirt scaled-integer unit
// (virScaleInteger): "b"/"bytes", "k"/"KiB" (1024), "KB" (1000), … up to
// exabytes; "" is defUnit.
func unitScale(unit, defUnit string) (uint64, bool) {
	if unit == "" {
		unit = defUnit
	}
	if strings.EqualFold(unit, "b") || strings.EqualFold(unit, "bytes") {
		return 1, true
	}
	i := strings.IndexByte("kmgtpe", lower(unit[0]))
	if i < 0 {
		return 0, false
	}
	var base uint64
	switch rest := unit[1:]; {
	case rest == "" || strings.EqualFold(rest, "ib"):
		base = 1024
	case strings.EqualFold(rest, "b"):
		base = 1000
	default:
		return 0, false
	}
	m := uint64(1)
	for range i + 1 {
		m *= base
	}
	return m, true
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// scaleKiB converts value in unit (default KiB) to KiB, rounding up as
// libvirt does, and refuses anything above MaxMemoryKiB. field names the
// element for the error.
func scaleKiB(field string, value uint64, unit string) (uint64, error) {
	m, ok := unitScale(unit, "KiB")
	if !ok {
		return 0, xmlErr("%s: unknown unit %q", field, unit)
	}
	hi, lo := bits.Mul64(value, m)
	if hi != 0 {
		return 0, xmlErr("%s: value %d %s is too large (maximum %d KiB)", field, value, unitName(unit), uint64(MaxMemoryKiB))
	}
	kib := lo / 1024
	if lo%1024 != 0 {
		kib++
	}
	if kib > MaxMemoryKiB {
		return 0, xmlErr("%s: value %d %s is too large (maximum %d KiB)", field, value, unitName(unit), uint64(MaxMemoryKiB))
	}
	return kib, nil
}

func unitName(u string) string {
	if u == "" {
		return "KiB"
	}
	return u
}
