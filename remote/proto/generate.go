package proto

// The procedure table is generated from libvirt's protocol files, which are
// not part of this repository:
//
//	LIBVIRT_SOURCE=/path/to/libvirt-9.0.0 go generate ./remote/proto
//
//go:generate go run ../internal/gen -libvirt=$LIBVIRT_SOURCE -proto=procedures.gen.go -wire=../wire/limits.gen.go
