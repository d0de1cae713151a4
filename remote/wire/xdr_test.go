package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
)

func roundTrip[T any](t *testing.T, in T) []byte {
	t.Helper()
	b, err := Marshal(&in)
	if err != nil {
		t.Fatalf("marshal %T: %v", in, err)
	}
	var out T
	if err := Unmarshal(b, &out); err != nil {
		t.Fatalf("unmarshal %T: %v", in, err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip %T:\n in  %+v\n out %+v", in, in, out)
	}
	return b
}

func TestXDRRoundTrips(t *testing.T) {
	uuid := libvirt.UUID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	dom := libvirt.Domain{Name: "ct1", UUID: uuid, ID: -1}

	// remote_nonnull_domain is string + 16 raw bytes + int: the lookup
	// reply libvirtd sends for "ct1" carries 28 payload bytes.
	b := roundTrip(t, libvirt.DomainLookupByNameRet{Dom: dom})
	want := []byte{0, 0, 0, 3, 'c', 't', '1', 0}
	want = append(want, uuid[:]...)
	want = append(want, 0xff, 0xff, 0xff, 0xff)
	if !bytes.Equal(b, want) {
		t.Fatalf("encoding\n got %x\nwant %x", b, want)
	}

	// An optional string is a 0/1 flag, then the string.
	b = roundTrip(t, libvirt.ConnectOpenArgs{Name: libvirt.OptString{"lxc:///system"}, Flags: 1})
	if len(b) != 4+4+16+4 || binary.BigEndian.Uint32(b) != 1 {
		t.Fatalf("open args %x", b)
	}
	if b := roundTrip(t, libvirt.ConnectOpenArgs{}); len(b) != 8 {
		t.Fatalf("null name: %x", b)
	}

	roundTrip(t, libvirt.ConnectListAllDomainsRet{Domains: []libvirt.Domain{dom, {Name: "x", ID: 4242}}, Ret: 2})
	roundTrip(t, libvirt.DomainGetInfoRet{State: 1, MaxMem: 500000, Memory: 1234, NrVirtCPU: 2, CPUTime: math.MaxUint64})
	roundTrip(t, libvirt.NodeGetInfoRet{Model: [32]int8{'x', '8', '6'}, Memory: 1 << 40, Cpus: 8, Mhz: 2000, Nodes: 1, Sockets: 1, Cores: 4, Threads: 2})
	roundTrip(t, libvirt.NodeGetSecurityModelRet{Model: []int8{'n', 'o', 'n', 'e', 0}, Doi: []int8{'0', 0}})
	roundTrip(t, libvirt.ConnectDomainEventCallbackRegisterAnyArgs{EventID: 0, Dom: libvirt.OptDomain{dom}})
	roundTrip(t, libvirt.DomainEventCallbackLifecycleMsg{CallbackID: 3, Msg: libvirt.DomainEventLifecycleMsg{Dom: dom, Event: 2, Detail: 1}})
	roundTrip(t, libvirt.DomainMigratePrepare3ParamsArgs{CookieIn: []byte{1, 2, 3, 4, 5}, Flags: 9})
}

func TestTypedParams(t *testing.T) {
	params := []libvirt.TypedParam{
		{Field: "state.state", Value: *libvirt.NewTypedParamValueInt(1)},
		{Field: "vcpu.current", Value: *libvirt.NewTypedParamValueUint(2)},
		{Field: "x.llong", Value: *libvirt.NewTypedParamValueLlong(-5)},
		{Field: "cpu.time", Value: *libvirt.NewTypedParamValueUllong(1 << 50)},
		{Field: "x.double", Value: *libvirt.NewTypedParamValueDouble(2.5)},
		{Field: "x.bool", Value: *libvirt.NewTypedParamValueBoolean(1)},
		{Field: "net.0.name", Value: *libvirt.NewTypedParamValueString("veth0")},
	}
	rec := libvirt.ConnectGetAllDomainStatsRet{RetStats: []libvirt.DomainStatsRecord{{Dom: libvirt.Domain{Name: "a"}, Params: params}}}
	b := roundTrip(t, rec)

	// The union is the discriminant then the arm: an int param is
	// field + kind(4) + value(4).
	one, err := Marshal(&libvirt.TypedParam{Field: "abcd", Value: *libvirt.NewTypedParamValueInt(7)})
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{0, 0, 0, 4, 'a', 'b', 'c', 'd', 0, 0, 0, 1, 0, 0, 0, 7}; !bytes.Equal(one, want) {
		t.Fatalf("int param %x, want %x", one, want)
	}
	if len(b) == 0 {
		t.Fatal("empty encoding")
	}

	bad := []libvirt.TypedParamValue{
		{D: ParamInt, I: "not an int"},
		{D: ParamString, I: int32(1)},
		{D: 99, I: int32(1)},
		{D: ParamULLong},
	}
	for _, v := range bad {
		if _, err := Marshal(&libvirt.TypedParam{Field: "f", Value: v}); err == nil {
			t.Errorf("marshal of %+v succeeded", v)
		}
	}
	if err := Unmarshal([]byte{0, 0, 0, 1, 'f', 0, 0, 0, 0, 0, 0, 99, 0, 0, 0, 0}, &libvirt.TypedParam{}); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("unknown kind: %v", err)
	}
}

func TestUnmarshalRejects(t *testing.T) {
	u32 := func(vs ...uint32) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.BigEndian.AppendUint32(b, v)
		}
		return b
	}
	tests := []struct {
		name string
		in   []byte
		into any
		want error
	}{
		{"string longer than the payload", u32(1000, 0), &libvirt.DomainLookupByNameArgs{}, ErrShortPayload},
		{"string over the limit", u32(StringMax + 1), &libvirt.DomainLookupByNameArgs{}, ErrShortPayload},
		{"array count beyond the payload", u32(1 << 30), &libvirt.ConnectListDomainsRet{}, ErrShortPayload},
		{"trailing bytes", u32(1, 'a'<<24, 0), &libvirt.DomainLookupByNameArgs{}, ErrTrailing},
		{"empty payload", nil, &libvirt.DomainLookupByIDArgs{}, ErrShortPayload},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Unmarshal(tc.in, tc.into)
			var ce *CodecError
			if !errors.As(err, &ce) || !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// An optional's flag is a bool where any non-zero value means present, as
// rpcgen's xdr_bool reads it; go-libvirt's client sends 0x01000000.
func TestOptionalFlagIsABool(t *testing.T) {
	var args libvirt.ConnectOpenArgs
	in := []byte{1, 0, 0, 0, 0, 0, 0, 1, 'x', 0, 0, 0, 0, 0, 0, 5}
	if err := Unmarshal(in, &args); err != nil {
		t.Fatal(err)
	}
	if len(args.Name) != 1 || args.Name[0] != "x" || args.Flags != 5 {
		t.Fatalf("%+v", args)
	}
}

type limited struct {
	Names []string
	Flags uint32
}

func TestArrayLimits(t *testing.T) {
	RegisterLimit(reflect.TypeFor[limited](), "Names", 2)
	if _, err := Marshal(&limited{Names: []string{"a", "b", "c"}}); !errors.Is(err, ErrArrayTooLong) {
		t.Fatalf("marshal over the limit: %v", err)
	}
	b, err := Marshal(&limited{Names: []string{"a", "b"}, Flags: 1})
	if err != nil {
		t.Fatal(err)
	}
	var out limited
	if err := Unmarshal(b, &out); err != nil || len(out.Names) != 2 {
		t.Fatalf("at the limit: %v %+v", err, out)
	}
	b[3] = 3 // claim three names
	b = append(b, 0, 0, 0, 0)
	if err := Unmarshal(b, &out); !errors.Is(err, ErrArrayTooLong) {
		t.Fatalf("unmarshal over the limit: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("RegisterLimit on a missing field did not panic")
		}
	}()
	RegisterLimit(reflect.TypeFor[limited](), "Nope", 1)
}

func TestMarshalRefusesLongStrings(t *testing.T) {
	long := strings.Repeat("x", StringMax+1)
	if _, err := Marshal(&libvirt.DomainGetXMLDescRet{XML: long}); !errors.Is(err, ErrStringTooLong) {
		t.Fatalf("err = %v", err)
	}
	if _, err := Marshal(&libvirt.ConnectOpenArgs{Name: libvirt.OptString{"a", "b"}}); !errors.Is(err, ErrOptionalTooMany) {
		t.Fatalf("err = %v", err)
	}
}

func TestErrorPayload(t *testing.T) {
	e := NewError(42, 17, "Domain not found: no domain with matching name 'x'", "no domain with matching name 'x'")
	b := roundTrip(t, *e)
	// code, domain, then the optional message: flag 1 and the string.
	if binary.BigEndian.Uint32(b) != 42 || binary.BigEndian.Uint32(b[4:]) != 17 || binary.BigEndian.Uint32(b[8:]) != 1 {
		t.Fatalf("error payload %x", b[:12])
	}
	if e.Text() != "Domain not found: no domain with matching name 'x'" || e.Level != LevelError {
		t.Fatalf("%+v", e)
	}
}
