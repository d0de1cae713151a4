// Package x86cpu describes an x86 host CPU the way libvirt's capabilities
// XML does: it reads CPUID (and the IA32_ARCH_CAPABILITIES MSR) and decodes
// the data against libvirt's CPU map (cpu_map/index.xml and the x86_*.xml it
// includes) into a vendor, the best matching CPU model and the features the
// host has beyond that model, following libvirt's x86Decode: the newest
// model of the host's vendor whose features the host all has and that
// leaves the fewest features to list, preferring models whose signature
// (family, model, stepping) matches the host's.
package x86cpu
