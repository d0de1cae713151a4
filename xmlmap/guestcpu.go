package xmlmap

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// The guest <cpu> element. libvirt-lxc parses and validates it with
// libvirt's generic code (virCPUDefParseXML, virDomainNumaDefParseXML, the
// post-parse and validate steps) and otherwise ignores it: a container runs
// on the host's CPUs, so there is no CPU model, feature set, topology or
// guest NUMA layout to give it. The one effect is libvirt's generic one:
// without <memory>, the NUMA cells' memory is the domain's memory
// (numaMemoryKiB). The checks and error codes below are those of libvirt
// 9.0; libvirt's generic code does not compare the topology with the vCPU
// count (only its QEMU driver does), so neither does this.

var (
	cpuModes         = []string{"custom", "host-model", "host-passthrough", "maximum"}
	cpuMatches       = []string{"exact", "minimum", "strict"}
	cpuChecks        = []string{"default", "none", "partial", "full"}
	cpuFallbacks     = []string{"allow", "forbid"}
	cpuPolicies      = []string{"force", "require", "optional", "disable", "forbid"}
	cpuCacheModes    = []string{"emulate", "passthrough", "disable"}
	cpuPhysAddrModes = []string{"emulate", "passthrough"}
	onOff            = []string{"on", "off"}
	numaAccess       = []string{"shared", "private"}
	yesNo            = []string{"yes", "no"}
	cacheAssoc       = []string{"none", "direct", "full"}
	cachePolicies    = []string{"none", "writeback", "writethrough"}
	latencyTypes     = []string{"access", "read", "write"}
)

// cpuVendorIDLen is the length of a <model vendor_id> (the CPUID vendor
// string).
const cpuVendorIDLen = 12

// NUMA distances (ACPI SLIT): 10 is a cell's distance to itself, 255 means
// unreachable.
const (
	localDistance = 10
	unreachable   = 255
)

// guestCPU validates <cpu> as libvirt's parser does and records it as
// ignored.
func (mp *mapper) guestCPU() error {
	c := mp.d.CPU
	if c == nil {
		return nil
	}
	if err := refuseOthers("cpu", c, "Match", "Mode", "Check", "Migratable", "DeprecatedFeatures",
		"Model", "Vendor", "Topology", "Cache", "MaxPhysAddr", "Features", "Numa"); err != nil {
		return err
	}
	mode := c.Mode
	if mode == "" {
		mode = "custom"
	}
	if !slices.Contains(cpuModes, mode) {
		return unsupported("<cpu mode='%s'>: invalid mode (expected %s)", c.Mode, strings.Join(cpuModes, ", "))
	}
	if err := enumAttr("<cpu match>", c.Match, cpuMatches); err != nil {
		return err
	}
	if err := enumAttr("<cpu check>", c.Check, cpuChecks); err != nil {
		return err
	}
	if err := enumAttr("<cpu deprecated_features>", c.DeprecatedFeatures, onOff); err != nil {
		return err
	}
	if err := enumAttr("<cpu migratable>", c.Migratable, onOff); err != nil {
		return err
	}
	model := ""
	if c.Model != nil {
		model = c.Model.Value
	}
	passthrough := mode == "host-passthrough" || mode == "maximum"
	if c.Migratable != "" && !passthrough {
		return unsupported("<cpu migratable>: only allowed for 'host-passthrough' / 'maximum' CPU mode")
	}
	if mode == "custom" && model == "" && c.Check != "" && c.Check != "default" {
		return unsupported("<cpu check='%s'>: check attribute specified for CPU with no model", c.Check)
	}
	if m := c.Model; m != nil && !passthrough {
		if m.Fallback != "" && !slices.Contains(cpuFallbacks, m.Fallback) {
			return unsupported("<cpu><model fallback='%s'>: invalid fallback attribute (expected allow or forbid)", m.Fallback)
		}
		if m.VendorID != "" && len(m.VendorID) != cpuVendorIDLen {
			return xmlErr("<cpu><model vendor_id>: vendor_id must be exactly %d characters long", cpuVendorIDLen)
		}
		if strings.Contains(m.VendorID, ",") {
			return xmlErr("<cpu><model vendor_id>: vendor id is invalid")
		}
	}
	if c.Vendor != "" && model == "" {
		return xmlErr("<cpu><vendor>: CPU vendor specified without CPU model")
	}
	if err := cpuTopology(c.Topology); err != nil {
		return err
	}
	if err := cpuFeatures(c.Features, mode == "custom" && model == ""); err != nil {
		return err
	}
	if ch := c.Cache; ch != nil {
		if ch.Level > 3 {
			return xmlErr("<cpu><cache level='%d'>: invalid CPU cache level, must be in range [1,3]", ch.Level)
		}
		if err := requiredEnum("<cpu><cache mode>", ch.Mode, cpuCacheModes); err != nil {
			return err
		}
	}
	if a := c.MaxPhysAddr; a != nil {
		if err := requiredEnum("<cpu><maxphysaddr mode>", a.Mode, cpuPhysAddrModes); err != nil {
			return err
		}
	}
	if err := mp.guestNUMA(c.Numa); err != nil {
		return err
	}
	if c.Mode != "" {
		mp.ignore("<cpu mode='%s'>", c.Mode)
	} else {
		mp.ignore("<cpu>")
	}
	if c.Numa != nil {
		mp.ignore("<cpu><numa>")
	}
	return nil
}

// enumAttr refuses an attribute value outside allowed (an empty value is
// an absent attribute).
func enumAttr(field, v string, allowed []string) error {
	if v == "" || slices.Contains(allowed, v) {
		return nil
	}
	return xmlErr("%s: invalid value %q (expected %s)", field, v, strings.Join(allowed, ", "))
}

// requiredEnum is enumAttr for an attribute libvirt requires.
func requiredEnum(field, v string, allowed []string) error {
	if v == "" {
		return xmlErr("%s: missing required attribute", field)
	}
	return enumAttr(field, v, allowed)
}

// cpuTopology checks <topology>: sockets, cores and threads are required,
// and every count is a positive 32-bit number whose product fits in one.
func cpuTopology(t *libvirtxml.DomainCPUTopology) error {
	if t == nil {
		return nil
	}
	product := uint64(1)
	for _, f := range []struct {
		name     string
		v        int
		required bool
	}{
		{"sockets", t.Sockets, true}, {"dies", t.Dies, false}, {"clusters", t.Clusters, false},
		{"cores", t.Cores, true}, {"threads", t.Threads, true},
	} {
		switch {
		case f.v == 0 && f.required:
			return xmlErr("<cpu><topology %s>: missing or zero (a positive number is required)", f.name)
		case f.v == 0:
			continue
		case f.v < 0 || f.v > math.MaxUint32:
			return xmlErr("<cpu><topology %s='%d'>: expected a positive 32-bit number", f.name, f.v)
		}
		product *= uint64(f.v)
		if product > math.MaxUint32 {
			return unsupported("<cpu><topology>: cpu topology results in more than %d cpus", uint64(math.MaxUint32))
		}
	}
	return nil
}

// cpuFeatures checks the <feature> list: names present and unique, known
// policies, and (in custom mode) a model to apply them to.
func cpuFeatures(fs []libvirtxml.DomainCPUFeature, noModel bool) error {
	if len(fs) > 0 && noModel {
		return xmlErr("<cpu><feature>: non-empty feature list specified without CPU model")
	}
	seen := make(map[string]bool, len(fs))
	for _, f := range fs {
		if f.Policy != "" && !slices.Contains(cpuPolicies, f.Policy) {
			return unsupported("<cpu><feature name='%s' policy='%s'>: invalid CPU feature policy (expected %s)",
				f.Name, f.Policy, strings.Join(cpuPolicies, ", "))
		}
		if f.Name == "" {
			return xmlErr("<cpu><feature>: invalid CPU feature name")
		}
		if seen[f.Name] {
			return xmlErr("<cpu><feature name='%s'>: CPU feature specified more than once", f.Name)
		}
		seen[f.Name] = true
	}
	return nil
}

// guestNUMA checks <cpu><numa> as libvirt's parser and validator do: cells
// numbered 0..n-1 at most once, disjoint vCPU sets within the domain's
// vCPUs, valid distances, caches and interconnects. Cell CPU sets are
// normalised like every other set.
func (mp *mapper) guestNUMA(n *libvirtxml.DomainNuma) error {
	if n == nil {
		return nil
	}
	if len(n.Cell) == 0 {
		return xmlErr("<cpu><numa>: NUMA topology defined without NUMA cells")
	}
	count := uint(len(n.Cell))
	byID := make([]*libvirtxml.DomainCell, count)
	cpus := make([][]int, count)
	var seen []uint
	total := 0
	for i := range n.Cell {
		cell := &n.Cell[i]
		id := uint(i)
		if cell.ID != nil {
			id = *cell.ID
		}
		if id >= count {
			return xmlErr("<cpu><numa><cell id='%d'>: exactly one 'cell' element per guest NUMA cell allowed, non-contiguous ranges or ranges not starting from 0 are not allowed", id)
		}
		if byID[id] != nil {
			return xmlErr("<cpu><numa><cell id='%d'>: duplicate NUMA cell info", id)
		}
		byID[id] = cell
		if cell.CPUs != "" {
			set, err := parseSet("<cpu><numa><cell cpus>", cell.CPUs)
			if err != nil {
				return virterror.New(libvirt.ErrInvalidArg, "<cpu><numa><cell id='%d' cpus=%q>: invalid CPU set", id, cell.CPUs)
			}
			cpus[id] = set
			cell.CPUs = formatSet(set)
			total += len(set)
		}
		for _, j := range seen {
			if overlaps(cpus[id], cpus[j]) {
				return unsupported("<cpu><numa>: NUMA cells %d and %d have overlapping vCPU ids", id, j)
			}
		}
		seen = append(seen, id)
		if _, err := scaleKiB("<cpu><numa><cell memory>", uint64(cell.Memory), cell.Unit); err != nil {
			return err
		}
		if err := enumAttr("<cpu><numa><cell memAccess>", cell.MemAccess, numaAccess); err != nil {
			return err
		}
		if err := enumAttr("<cpu><numa><cell discard>", cell.Discard, yesNo); err != nil {
			return err
		}
	}
	if uint(total) > mp.out.VCPUs {
		return virterror.New(libvirt.ErrInternalError, "<cpu><numa>: Number of CPUs in <numa> exceeds the <vcpu> count (%d)", mp.out.VCPUs)
	}
	for _, set := range cpus {
		if len(set) > 0 && uint(set[len(set)-1]) >= mp.out.VCPUs {
			return xmlErr("<cpu><numa>: CPU IDs in <numa> exceed the <vcpu> count (%d)", mp.out.VCPUs)
		}
	}
	for id, cell := range byID {
		if err := numaCell(uint(id), count, cell); err != nil {
			return err
		}
	}
	return numaInterconnects(n.Interconnects, byID, cpus)
}

// overlaps reports whether two sorted sets share a member.
func overlaps(a, b []int) bool {
	for _, x := range a {
		if _, found := slices.BinarySearch(b, x); found {
			return true
		}
	}
	return false
}

// numaCell checks one cell's <distances> and <cache> children.
func numaCell(id, count uint, cell *libvirtxml.DomainCell) error {
	if d := cell.Distances; d != nil {
		if len(d.Siblings) == 0 {
			return xmlErr("<cpu><numa><cell id='%d'><distances>: NUMA distances defined without siblings", id)
		}
		for _, s := range d.Siblings {
			if s.ID >= count {
				return xmlErr("<cpu><numa><cell id='%d'><distances><sibling id='%d'>: does not refer to a valid cell", id, s.ID)
			}
			if s.Value < localDistance || s.Value > unreachable || (s.ID == id) != (s.Value == localDistance) {
				return xmlErr("<cpu><numa><cell id='%d'><distances><sibling id='%d' value='%d'>: invalid distance (%d to itself, %d-%d to another cell)",
					id, s.ID, s.Value, localDistance, localDistance+1, unreachable)
			}
		}
	}
	levels := map[uint]bool{}
	for _, c := range cell.Caches {
		field := fmt.Sprintf("<cpu><numa><cell id='%d'><cache", id)
		switch {
		case c.Level == 0:
			return xmlErr("%s>: invalid 'level' attribute", field)
		case c.Level > 3:
			return xmlErr("%s level='%d'>: no such cache level", field, c.Level)
		case levels[c.Level]:
			return xmlErr("%s level='%d'>: cache level already defined", field, c.Level)
		}
		levels[c.Level] = true
		if err := requiredEnum(field+" associativity>", c.Associativity, cacheAssoc); err != nil {
			return err
		}
		if err := requiredEnum(field+" policy>", c.Policy, cachePolicies); err != nil {
			return err
		}
		if err := scaledValue(field+"><size>", c.Size.Value, c.Size.Unit, "KiB"); err != nil {
			return err
		}
		if err := scaledValue(field+"><line>", c.Line.Value, c.Line.Unit, "b"); err != nil {
			return err
		}
	}
	return nil
}

// scaledValue checks a required value with an optional unit.
func scaledValue(field, value, unit, defUnit string) error {
	if value == "" {
		return xmlErr("%s: missing value", field)
	}
	if _, err := strconv.ParseUint(value, 10, 64); err != nil {
		return xmlErr("%s: invalid value %q", field, value)
	}
	if _, ok := unitScale(unit, defUnit); !ok {
		return xmlErr("%s: unknown unit %q", field, unit)
	}
	return nil
}

// numaInterconnects checks <interconnects>: known access types, existing
// initiator (with CPUs), target and target cache, no duplicate and no
// link given in both directions.
func numaInterconnects(ic *libvirtxml.DomainNUMAInterconnects, cells []*libvirtxml.DomainCell, cpus [][]int) error {
	if ic == nil {
		return nil
	}
	type link struct {
		kind                     string
		initiator, target, cache uint
		access                   string
	}
	var links []link
	for _, l := range ic.Latencies {
		links = append(links, link{"latency", l.Initiator, l.Target, l.Cache, l.Type})
	}
	for _, b := range ic.Bandwidths {
		if _, ok := unitScale(b.Unit, "KiB"); !ok {
			return xmlErr("<cpu><numa><interconnects><bandwidth unit>: unknown unit %q", b.Unit)
		}
		links = append(links, link{"bandwidth", b.Initiator, b.Target, b.Cache, b.Type})
	}
	count := uint(len(cells))
	for i, l := range links {
		field := "<cpu><numa><interconnects><" + l.kind
		if err := requiredEnum(field+" type>", l.access, latencyTypes); err != nil {
			return err
		}
		if l.initiator >= count {
			return xmlErr("%s initiator='%d'>: refers to a non-existent NUMA node", field, l.initiator)
		}
		if l.target >= count {
			return xmlErr("%s target='%d'>: refers to a non-existent NUMA node", field, l.target)
		}
		if len(cpus[l.initiator]) == 0 {
			return xmlErr("%s initiator='%d'>: NUMA nodes without CPUs can't be initiator", field, l.initiator)
		}
		if l.cache > 0 && !slices.ContainsFunc(cells[l.target].Caches, func(c libvirtxml.DomainCellCache) bool { return c.Level == l.cache }) {
			return xmlErr("%s cache='%d'>: refers to a non-existent NUMA node cache", field, l.cache)
		}
		for _, o := range links[:i] {
			if o == l {
				return xmlErr("%s initiator='%d' target='%d'>: duplicate info for NUMA latencies", field, l.initiator, l.target)
			}
			if l.initiator != l.target && l.initiator == o.target && l.target == o.initiator {
				return xmlErr("%s initiator='%d' target='%d'>: link already defined", field, l.initiator, l.target)
			}
		}
	}
	return nil
}

// numaMemoryKiB is the sum of the NUMA cells' memory, which libvirt takes
// as the domain's memory when <memory> is absent.
func numaMemoryKiB(c *libvirtxml.DomainCPU) (uint64, error) {
	if c == nil || c.Numa == nil {
		return 0, nil
	}
	var sum uint64
	for _, cell := range c.Numa.Cell {
		k, err := scaleKiB("<cpu><numa><cell memory>", uint64(cell.Memory), cell.Unit)
		if err != nil {
			return 0, err
		}
		if sum += k; sum > MaxMemoryKiB {
			return 0, xmlErr("<cpu><numa>: the cells' memory is too large (maximum %d KiB)", uint64(MaxMemoryKiB))
		}
	}
	return sum, nil
}
