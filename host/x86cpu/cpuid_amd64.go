package x86cpu

// cpuid executes the CPUID instruction.
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

const haveCPUID = true

func readCPUID(l Leaf) Regs {
	a, b, c, d := cpuid(l.EAX, l.ECX)
	return Regs{a, b, c, d}
}
