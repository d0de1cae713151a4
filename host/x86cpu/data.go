package x86cpu

// Leaf addresses one CPUID leaf and subleaf (EAX, ECX inputs), or with MSR
// set one model-specific register (EAX is its index).
type Leaf struct {
	EAX, ECX uint32
	MSR      bool
}

// Regs are the four output registers of a CPUID leaf; an MSR uses EAX
// (low half) and EDX (high half).
type Regs struct {
	EAX, EBX, ECX, EDX uint32
}

func (r Regs) and(o Regs) Regs {
	return Regs{r.EAX & o.EAX, r.EBX & o.EBX, r.ECX & o.ECX, r.EDX & o.EDX}
}
func (r Regs) or(o Regs) Regs {
	return Regs{r.EAX | o.EAX, r.EBX | o.EBX, r.ECX | o.ECX, r.EDX | o.EDX}
}
func (r Regs) andNot(o Regs) Regs {
	return Regs{r.EAX &^ o.EAX, r.EBX &^ o.EBX, r.ECX &^ o.ECX, r.EDX &^ o.EDX}
}

// Data is a set of CPUID and MSR bits: a CPU's, a feature's or a model's.
type Data map[Leaf]Regs

func (d Data) or(l Leaf, r Regs) { d[l] = d[l].or(r) }

func (d Data) add(o Data) {
	for l, r := range o {
		d.or(l, r)
	}
}

func (d Data) clone() Data {
	c := make(Data, len(d))
	c.add(d)
	return c
}

// subtract clears o's bits from d.
func (d Data) subtract(o Data) {
	for l, r := range o {
		if v, ok := d[l]; ok {
			d[l] = v.andNot(r)
		}
	}
}

// has reports whether every bit of o is set in d.
func (d Data) has(o Data) bool {
	for l, r := range o {
		if d[l].and(r) != r {
			return false
		}
	}
	return true
}

// empty reports whether d has no bit set.
func (d Data) empty() bool {
	for _, r := range d {
		if r != (Regs{}) {
			return false
		}
	}
	return true
}
