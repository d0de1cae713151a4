package x86cpu

import (
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// DefaultMapDir is where Debian's libvirt0 installs the CPU map.
const DefaultMapDir = "/usr/share/libvirt/cpu_map"

// Map is the x86 part of libvirt's CPU map.
type Map struct {
	Vendors  []Vendor
	Features []Feature // in map order, which is the order features are listed in
	Models   []Model   // in map order, oldest first
}

// Vendor is a CPU vendor and its CPUID leaf 0 string.
type Vendor struct {
	Name   string
	String string // e.g. GenuineIntel
}

// Feature is a named set of CPUID or MSR bits.
type Feature struct {
	Name string
	Data Data
}

// Model is a named CPU model: a feature set, optionally tied to a vendor
// and to the signatures of the CPUs it describes.
type Model struct {
	Name       string
	DecodeHost bool
	Vendor     string
	Signatures []Signature
	Data       Data
}

// Signature is a family and model, with the steppings it covers (nil: all).
type Signature struct {
	Family, Model uint32
	Steppings     []uint32
}

func (s Signature) matches(family, model, stepping uint32) bool {
	if s.Family != family || s.Model != model {
		return false
	}
	if s.Steppings == nil {
		return true
	}
	for _, st := range s.Steppings {
		if st == stepping {
			return true
		}
	}
	return false
}

type xmlIndex struct {
	Arches []struct {
		Name     string `xml:"name,attr"`
		Includes []struct {
			File string `xml:"filename,attr"`
		} `xml:"include"`
	} `xml:"arch"`
}

type xmlRegs struct {
	EAXIn string `xml:"eax_in,attr"`
	ECXIn string `xml:"ecx_in,attr"`
	EAX   string `xml:"eax,attr"`
	EBX   string `xml:"ebx,attr"`
	ECX   string `xml:"ecx,attr"`
	EDX   string `xml:"edx,attr"`
	Index string `xml:"index,attr"`
}

type xmlFile struct {
	Vendors []struct {
		Name   string `xml:"name,attr"`
		String string `xml:"string,attr"`
	} `xml:"vendor"`
	Features []struct {
		Name  string    `xml:"name,attr"`
		CPUID []xmlRegs `xml:"cpuid"`
		MSR   []xmlRegs `xml:"msr"`
	} `xml:"feature"`
	Models []struct {
		Name   string `xml:"name,attr"`
		Decode *struct {
			Host string `xml:"host,attr"`
		} `xml:"decode"`
		Ancestor *struct {
			Name string `xml:"name,attr"`
		} `xml:"model"`
		Vendor *struct {
			Name string `xml:"name,attr"`
		} `xml:"vendor"`
		Signatures []struct {
			Family   string `xml:"family,attr"`
			Model    string `xml:"model,attr"`
			Stepping string `xml:"stepping,attr"`
		} `xml:"signature"`
		Features []struct {
			Name    string `xml:"name,attr"`
			Removed string `xml:"removed,attr"`
		} `xml:"feature"`
	} `xml:"model"`
}

// maxMapFile bounds one CPU map file.
const maxMapFile = 1 << 20

// LoadMap reads the x86 CPU map from dir (index.xml and its includes).
func LoadMap(dir string) (*Map, error) {
	var idx xmlIndex
	if err := readXML(filepath.Join(dir, "index.xml"), &idx); err != nil {
		return nil, err
	}
	m := &Map{}
	found := false
	for _, a := range idx.Arches {
		if a.Name != "x86" {
			continue
		}
		found = true
		for _, inc := range a.Includes {
			if inc.File != filepath.Base(inc.File) {
				return nil, fmt.Errorf("cpu map: include %q leaves the map directory", inc.File)
			}
			var f xmlFile
			if err := readXML(filepath.Join(dir, inc.File), &f); err != nil {
				return nil, err
			}
			if err := m.add(&f); err != nil {
				return nil, fmt.Errorf("cpu map %s: %w", inc.File, err)
			}
		}
	}
	if !found {
		return nil, errors.New("cpu map: no x86 architecture in index.xml")
	}
	return m, nil
}

func readXML(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cpu map: %w", err)
	}
	if len(b) > maxMapFile {
		return fmt.Errorf("cpu map: %s is larger than %d bytes", path, maxMapFile)
	}
	if err := xml.Unmarshal(b, v); err != nil {
		return fmt.Errorf("cpu map: %s: %w", path, err)
	}
	return nil
}

func num(s string) (uint32, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(s, 0, 32)
	return uint32(n), err
}

func (m *Map) feature(name string) *Feature {
	for i := range m.Features {
		if m.Features[i].Name == name {
			return &m.Features[i]
		}
	}
	return nil
}

func (m *Map) model(name string) *Model {
	for i := range m.Models {
		if m.Models[i].Name == name {
			return &m.Models[i]
		}
	}
	return nil
}

func (m *Map) vendor(name string) *Vendor {
	for i := range m.Vendors {
		if m.Vendors[i].Name == name {
			return &m.Vendors[i]
		}
	}
	return nil
}

func (m *Map) add(f *xmlFile) error {
	for _, v := range f.Vendors {
		if len(v.String) != 12 {
			return fmt.Errorf("vendor %s: string %q is not 12 characters", v.Name, v.String)
		}
		m.Vendors = append(m.Vendors, Vendor{Name: v.Name, String: v.String})
	}
	for _, xf := range f.Features {
		ft := Feature{Name: xf.Name, Data: Data{}}
		for _, r := range xf.CPUID {
			var vals [6]uint32
			for i, s := range []string{r.EAXIn, r.ECXIn, r.EAX, r.EBX, r.ECX, r.EDX} {
				n, err := num(s)
				if err != nil {
					return fmt.Errorf("feature %s: %w", xf.Name, err)
				}
				vals[i] = n
			}
			ft.Data.or(Leaf{EAX: vals[0], ECX: vals[1]}, Regs{vals[2], vals[3], vals[4], vals[5]})
		}
		for _, r := range xf.MSR {
			var vals [3]uint32
			for i, s := range []string{r.Index, r.EAX, r.EDX} {
				n, err := num(s)
				if err != nil {
					return fmt.Errorf("feature %s: %w", xf.Name, err)
				}
				vals[i] = n
			}
			ft.Data.or(Leaf{MSR: true, EAX: vals[0]}, Regs{EAX: vals[1], EDX: vals[2]})
		}
		m.Features = append(m.Features, ft)
	}
	for _, xm := range f.Models {
		md := Model{Name: xm.Name, Data: Data{}}
		if xm.Decode != nil {
			md.DecodeHost = xm.Decode.Host == "on"
		}
		if xm.Ancestor != nil {
			a := m.model(xm.Ancestor.Name)
			if a == nil {
				return fmt.Errorf("model %s: unknown ancestor %s", xm.Name, xm.Ancestor.Name)
			}
			md.Vendor, md.Signatures, md.Data = a.Vendor, a.Signatures, a.Data.clone()
		}
		if len(xm.Signatures) > 0 {
			md.Signatures = nil
		}
		for _, s := range xm.Signatures {
			fam, err1 := num(s.Family)
			mod, err2 := num(s.Model)
			if err := errors.Join(err1, err2); err != nil {
				return fmt.Errorf("model %s: signature: %w", xm.Name, err)
			}
			sig := Signature{Family: fam, Model: mod}
			if s.Stepping != "" {
				st, err := steppings(s.Stepping)
				if err != nil {
					return fmt.Errorf("model %s: %w", xm.Name, err)
				}
				sig.Steppings = st
			}
			md.Signatures = append(md.Signatures, sig)
		}
		if xm.Vendor != nil {
			if m.vendor(xm.Vendor.Name) == nil {
				return fmt.Errorf("model %s: unknown vendor %s", xm.Name, xm.Vendor.Name)
			}
			md.Vendor = xm.Vendor.Name
		}
		for _, xf := range xm.Features {
			ft := m.feature(xf.Name)
			if ft == nil {
				return fmt.Errorf("model %s: unknown feature %s", xm.Name, xf.Name)
			}
			if xf.Removed == "yes" {
				continue
			}
			md.Data.add(ft.Data)
		}
		m.Models = append(m.Models, md)
	}
	return nil
}

// steppings parses a stepping list such as "0-4" or "5-7,10".
func steppings(s string) ([]uint32, error) {
	var out []uint32
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.ParseUint(lo, 10, 4)
		if err != nil {
			return nil, fmt.Errorf("stepping %q: %w", s, err)
		}
		b := a
		if isRange {
			if b, err = strconv.ParseUint(hi, 10, 4); err != nil || b < a {
				return nil, fmt.Errorf("stepping %q: bad range", s)
			}
		}
		for i := a; i <= b; i++ {
			out = append(out, uint32(i))
		}
	}
	return out, nil
}
