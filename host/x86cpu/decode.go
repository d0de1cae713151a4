package x86cpu

import (
	"encoding/binary"
	"errors"
)

// CPU is the decoded host CPU.
type CPU struct {
	Vendor   string // "" when the map does not know the vendor
	Model    string
	Features []string // host features the model lacks, in map order
	Family   uint32
	ModelNum uint32
	Stepping uint32
}

// ErrNoModel means no CPU model of the map fits the data.
var ErrNoModel = errors.New("cannot find a suitable CPU model for the CPU data")

// vendorLeaf is where CPUID reports the vendor string.
var vendorLeaf = Leaf{}

// signatureLeaf is where CPUID reports family, model and stepping.
var signatureLeaf = Leaf{EAX: 1}

// signatureMask drops the reserved and processor type bits of leaf 1 EAX.
const signatureMask = 0x0fff3fff

func vendorData(s string) Data {
	b := []byte(s)
	return Data{vendorLeaf: {
		EBX: binary.LittleEndian.Uint32(b[0:4]),
		EDX: binary.LittleEndian.Uint32(b[4:8]),
		ECX: binary.LittleEndian.Uint32(b[8:12]),
	}}
}

func signature(d Data) (family, model, stepping uint32) {
	sig := d[signatureLeaf].EAX & signatureMask
	family = (sig>>20)&0xff + (sig>>8)&0xf
	model = (sig>>12)&0xf0 + (sig>>4)&0xf
	stepping = sig & 0xf
	return
}

// tsxBroken reports the Intel CPUs whose TSX libvirt drops (hle, rtm).
func tsxBroken(vendor string, family, model, stepping uint32) bool {
	return vendor == "Intel" && family == 6 &&
		(model == 63 && stepping < 4 || model == 60 || model == 69 || model == 70)
}

// Decode describes host CPU data with m: the vendor, the best fitting
// model and the host features beyond it.
func (m *Map) Decode(host Data) (CPU, error) {
	data := host.clone()
	var vendor *Vendor
	for i := range m.Vendors {
		v := vendorData(m.Vendors[i].String)
		if data.has(v) {
			vendor = &m.Vendors[i]
			data.subtract(v)
			break
		}
	}
	cpu := CPU{}
	if vendor != nil {
		cpu.Vendor = vendor.Name
	}
	cpu.Family, cpu.ModelNum, cpu.Stepping = signature(data)
	if tsxBroken(cpu.Vendor, cpu.Family, cpu.ModelNum, cpu.Stepping) {
		for _, name := range []string{"hle", "rtm"} {
			if f := m.feature(name); f != nil {
				data.subtract(f.Data)
			}
		}
	}
	sigMatch := func(md *Model) bool {
		for _, s := range md.Signatures {
			if s.matches(cpu.Family, cpu.ModelNum, cpu.Stepping) {
				return true
			}
		}
		return false
	}
	var best *Model
	var bestExtra []string
	for i := len(m.Models) - 1; i >= 0; i-- { // newest first
		md := &m.Models[i]
		if !md.DecodeHost || vendor != nil && md.Vendor != "" && md.Vendor != vendor.Name {
			continue
		}
		if !data.has(md.Data) { // the host lacks a feature of the model
			continue
		}
		extra := m.features(data, md.Data)
		better := best == nil
		if !better {
			switch bm, cm := sigMatch(best), sigMatch(md); {
			case bm && !cm:
			case !bm && cm:
				better = true
			default:
				better = len(extra) < len(bestExtra)
			}
		}
		if better {
			best, bestExtra = md, extra
		}
	}
	if best == nil {
		return CPU{}, ErrNoModel
	}
	cpu.Model, cpu.Features = best.Name, bestExtra
	return cpu, nil
}

// features lists, in map order, the features whose bits are in data but not
// in model, each feature's bits claimed once.
func (m *Map) features(data, model Data) []string {
	rest := data.clone()
	rest.subtract(model)
	var out []string
	for _, f := range m.Features {
		if !f.Data.empty() && rest.has(f.Data) {
			rest.subtract(f.Data)
			out = append(out, f.Name)
		}
	}
	return out
}
