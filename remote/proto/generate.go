package proto

// The procedure table is generated from libvirt 9.0.0's protocol files,
// kept in testdata/libvirt-9.0.0 (remote/internal/gen's test checks that
// the committed output is current):
//
//	go generate ./remote/proto
//
//go:generate go run ../internal/gen -libvirt=../../testdata/libvirt-9.0.0 -proto=procedures.gen.go -wire=../wire/limits.gen.go
