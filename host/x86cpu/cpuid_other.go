//go:build !amd64

package x86cpu

const haveCPUID = false

func readCPUID(Leaf) Regs { return Regs{} }
