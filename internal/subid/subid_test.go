package subid

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	in := `# comment
alice:100000:65536
bob:165536:65536
1001:300000:1000
alice:bad:10
alice:5:0

alice:400000:10
`
	got, err := Parse(strings.NewReader(in), "alice", 1001)
	if err != nil {
		t.Fatal(err)
	}
	want := []Range{{100000, 65536}, {300000, 1000}, {400000, 10}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got, _ := Parse(strings.NewReader(in), "carol", 1002); len(got) != 0 {
		t.Errorf("carol: got %v", got)
	}
	if s := want[0].String(); s != "100000-165535" {
		t.Errorf("String = %q", s)
	}
}
