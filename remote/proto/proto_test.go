package proto

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/remote/wire"
)

func TestProgramNumbers(t *testing.T) {
	// From the wire notes: REMOTE 0x20008086, LXC 0x00068000, KEEPALIVE "keep".
	if RemoteProgram != 0x20008086 || LXCProgram != 0x00068000 || KeepaliveProgram != 0x6b656570 {
		t.Fatalf("programs %#x %#x %#x", RemoteProgram, LXCProgram, KeepaliveProgram)
	}
	for _, tc := range []struct {
		prog uint32
		num  int32
		name string
		api  string
	}{
		{RemoteProgram, 1, "REMOTE_PROC_CONNECT_OPEN", "virConnectOpen"},
		{RemoteProgram, 66, "REMOTE_PROC_AUTH_LIST", "virAuthList"},
		{RemoteProgram, 273, "REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS", "virConnectListAllDomains"},
		{RemoteProgram, 318, "REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE", "virDomainEventCallbackLifecycle"},
		{RemoteProgram, 426, "REMOTE_PROC_DOMAIN_GET_MESSAGES", "virDomainGetMessages"},
		{LXCProgram, 1, "LXC_PROC_DOMAIN_OPEN_NAMESPACE", "virDomainLxcOpenNamespace"},
		{KeepaliveProgram, 1, "KEEPALIVE_PROC_PING", ""},
		{KeepaliveProgram, 2, "KEEPALIVE_PROC_PONG", ""},
	} {
		p, ok := Lookup(tc.prog, tc.num)
		if !ok || p.Name != tc.name || p.API != tc.api {
			t.Errorf("Lookup(%#x, %d) = %+v, want %s %s", tc.prog, tc.num, p, tc.name, tc.api)
		}
	}
	if _, ok := Lookup(RemoteProgram, 100000); ok {
		t.Error("found an unknown procedure")
	}
}

func TestTableIsConsistent(t *testing.T) {
	seen := map[key]bool{}
	count := map[uint32]int{}
	for _, p := range Procedures() {
		k := key{p.Program, p.Number}
		if seen[k] {
			t.Errorf("%s listed twice", p.Name)
		}
		seen[k] = true
		count[p.Program]++
		if p.Unmapped {
			t.Errorf("%s has a payload without a Go type", p.Name)
		}
		if p.Msg != nil && p.Args != nil {
			t.Errorf("%s is both an event and a call", p.Name)
		}
	}
	// libvirt 9.0 numbers REMOTE procedures 1..443 without gaps.
	if count[RemoteProgram] != 443 || count[LXCProgram] != 1 || count[KeepaliveProgram] != 2 {
		t.Fatalf("procedure counts %v", count)
	}
}

func TestReadOnlyFollowsACL(t *testing.T) {
	for num, want := range map[int32]bool{
		ProcConnectOpen:                           true,
		ProcConnectListAllDomains:                 true,
		ProcDomainGetXMLDesc:                      true,
		ProcDomainLookupByName:                    true,
		ProcConnectDomainEventCallbackRegisterAny: true,
		ProcConnectGetAllDomainStats:              true,
		ProcDomainCreate:                          false,
		ProcDomainDefineXML:                       false,
		ProcDomainDestroy:                         false,
		ProcDomainSetAutostart:                    false,
		ProcDomainOpenConsole:                     false,
		ProcDomainUndefineFlags:                   false,
	} {
		p, _ := Lookup(RemoteProgram, num)
		if p.ReadOnly != want {
			t.Errorf("%s ReadOnly = %v, want %v", p.Name, p.ReadOnly, want)
		}
	}
	if p, _ := Lookup(LXCProgram, LXCProcDomainOpenNamespace); p.ReadOnly {
		t.Error("open namespace allowed read-only")
	}
}

// Every payload type of the table must be codable: zero values round-trip.
func TestEveryPayloadTypeCodes(t *testing.T) {
	for _, p := range Procedures() {
		for _, typ := range []reflect.Type{p.Args, p.Ret, p.Msg} {
			if typ == nil || hasUnexported(typ, map[reflect.Type]bool{}) {
				continue
			}
			v := reflect.New(typ)
			b, err := wire.Marshal(v.Interface())
			if err != nil {
				t.Errorf("%s: marshal %v: %v", p.Name, typ, err)
				continue
			}
			if err := wire.Unmarshal(b, reflect.New(typ).Interface()); err != nil {
				t.Errorf("%s: unmarshal %v: %v", p.Name, typ, err)
			}
		}
	}
}

// hasUnexported reports types go-libvirt gave an unexported field
// (DomainDiskError), which no lxcvirtd handler decodes.
func hasUnexported(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			if !t.Field(i).IsExported() || hasUnexported(t.Field(i).Type, seen) {
				return true
			}
		}
	case reflect.Slice, reflect.Array, reflect.Pointer:
		return hasUnexported(t.Elem(), seen)
	}
	return false
}

// Fill every handler with a stub and check that each call procedure binds to
// the field whose argument and result types are the table's.
func TestHandlersBindToTheirProcedures(t *testing.T) {
	var h Handlers[int]
	hv := reflect.ValueOf(&h).Elem()
	for i := range hv.NumField() {
		ft := hv.Field(i).Type()
		hv.Field(i).Set(reflect.MakeFunc(ft, func(args []reflect.Value) []reflect.Value {
			out := make([]reflect.Value, ft.NumOut())
			if ft.NumOut() == 2 {
				out[0] = reflect.New(ft.Out(0).Elem())
			}
			out[len(out)-1] = reflect.Zero(ft.Out(ft.NumOut() - 1))
			return out
		}))
	}
	bound := 0
	for _, p := range Procedures() {
		inv := h.Invoker(p.Program, p.Number)
		callable := p.Program != KeepaliveProgram && p.Msg == nil
		if (inv != nil) != callable {
			t.Errorf("%s: invoker present = %v", p.Name, inv != nil)
			continue
		}
		if inv == nil {
			continue
		}
		bound++
		var payload []byte
		if p.Args != nil {
			var err error
			if payload, err = wire.Marshal(reflect.New(p.Args).Interface()); err != nil {
				t.Fatal(err)
			}
		}
		ret, err := inv(context.Background(), 0, payload)
		if err != nil {
			t.Errorf("%s: %v", p.Name, err)
			continue
		}
		if p.Ret == nil && ret != nil || p.Ret != nil && reflect.TypeOf(ret) != reflect.PointerTo(p.Ret) {
			t.Errorf("%s returned %T, want %v", p.Name, ret, p.Ret)
		}
	}
	if bound != hv.NumField() {
		t.Errorf("%d procedures bound, %d handler fields", bound, hv.NumField())
	}
}

func TestInvokerDecodeError(t *testing.T) {
	h := Handlers[int]{DomainLookupByName: func(context.Context, int, *libvirt.DomainLookupByNameArgs) (*libvirt.DomainLookupByNameRet, error) {
		t.Fatal("handler ran on a bad payload")
		return nil, nil
	}}
	_, err := h.Invoker(RemoteProgram, ProcDomainLookupByName)(context.Background(), 0, []byte{0, 0, 1})
	if _, ok := err.(*DecodeError); !ok {
		t.Fatalf("err = %T %v", err, err)
	}
	if h.Invoker(RemoteProgram, ProcDomainCreate) != nil {
		t.Fatal("nil handler has an invoker")
	}
}

// FuzzDecodeCall decodes arbitrary packets as calls of the procedure their
// header names. Nothing may panic; an accepted payload re-encodes to the
// same bytes.
func FuzzDecodeCall(f *testing.F) {
	seed := func(num int32, args any) {
		payload, err := wire.Marshal(args)
		if err != nil {
			f.Fatal(err)
		}
		b, _ := wire.AppendPacket(nil, wire.Header{Program: RemoteProgram, Version: 1, Procedure: num}, payload)
		f.Add(b)
	}
	seed(ProcConnectOpen, &libvirt.ConnectOpenArgs{Name: libvirt.OptString{"lxc:///system"}})
	seed(ProcDomainLookupByName, &libvirt.DomainLookupByNameArgs{Name: "ct1"})
	seed(ProcConnectGetAllDomainStats, &libvirt.ConnectGetAllDomainStatsArgs{Doms: []libvirt.Domain{{Name: "a"}}, Stats: 1})
	seed(ProcDomainSetSchedulerParameters, &libvirt.DomainSetSchedulerParametersArgs{Params: []libvirt.TypedParam{{Field: "cpu_shares", Value: *libvirt.NewTypedParamValueUllong(5)}}})
	seed(ProcConnectDomainEventCallbackRegisterAny, &libvirt.ConnectDomainEventCallbackRegisterAnyArgs{Dom: libvirt.OptDomain{{Name: "x"}}})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, _, err := wire.DecodePacket(b)
		if err != nil {
			return
		}
		proc, ok := Lookup(p.Program, p.Procedure)
		if !ok || proc.Args == nil || hasUnexported(proc.Args, map[reflect.Type]bool{}) {
			return
		}
		v := reflect.New(proc.Args)
		if err := wire.Unmarshal(p.Payload, v.Interface()); err != nil {
			return
		}
		again, err := wire.Marshal(v.Interface())
		if err != nil {
			t.Fatalf("%s: re-encode of decoded args: %v", proc.Name, err)
		}
		w := reflect.New(proc.Args)
		if err := wire.Unmarshal(again, w.Interface()); err != nil {
			t.Fatalf("%s: decode of re-encoded args: %v", proc.Name, err)
		}
		if third, err := wire.Marshal(w.Interface()); err != nil || !bytes.Equal(third, again) {
			t.Fatalf("%s: round trip differs (%v)", proc.Name, err)
		}
	})
}
