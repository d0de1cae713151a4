package main

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestScaleSteps(t *testing.T) {
	for _, tc := range []struct {
		n, step int
		want    []int
	}{
		{1000, 0, []int{100, 200, 300, 400, 500, 600, 700, 800, 900, 1000}},
		{4, 2, []int{2, 4}},
		{5, 2, []int{2, 4, 5}},
		{3, 0, []int{1, 2, 3}},
		{7, 10, []int{7}},
	} {
		if got := scaleSteps(tc.n, tc.step); !slices.Equal(got, tc.want) {
			t.Errorf("scaleSteps(%d, %d) = %v, want %v", tc.n, tc.step, got, tc.want)
		}
	}
}

// TestPairAlternatesAndSurvivesOneSide checks the pairing the ratios rest
// on: one sample of each side per round, the order swapped every round,
// and a failing side dropped while the other carries on.
func TestPairAlternatesAndSurvivesOneSide(t *testing.T) {
	var order []string
	failB := false
	var aErr, bErr error
	a := trial{name: "a", run: func(context.Context, bool) error { order = append(order, "a"); return nil }, fail: func(err error) { aErr = err }}
	b := trial{name: "b", run: func(context.Context, bool) error {
		order = append(order, "b")
		if failB {
			return errors.New("boom")
		}
		return nil
	}, fail: func(err error) { bErr = err }}
	p := pair("ab", a, b)
	ctx := context.Background()
	for range 3 {
		if err := p.run(ctx, true); err != nil {
			t.Fatal(err)
		}
	}
	if got := strings.Join(order, ""); got != "abbaab" {
		t.Fatalf("order = %s, want abbaab", got)
	}
	failB = true
	err := p.run(ctx, true)
	var sd *sideDropped
	if !errors.As(err, &sd) || bErr == nil || aErr != nil {
		t.Fatalf("one side failing: err %v, a's fail %v, b's fail %v", err, aErr, bErr)
	}
	order = nil
	if err := p.run(ctx, true); err != nil || strings.Join(order, "") != "a" {
		t.Fatalf("after b was dropped: err %v, ran %v, want a alone", err, order)
	}
}

func TestCapacityNotesNamesTheFirstLimit(t *testing.T) {
	u0 := hostUse{tasks: 1000, ptys: 0, ports: 0, memAvail: 20 << 20, daemonNOFD: 1 << 20, daemonFDs: 50}
	u1 := hostUse{tasks: 1300, ptys: 400, ports: 100, memAvail: 20<<20 - 100<<10, daemonNOFD: 1 << 20, daemonFDs: 850}
	notes := capacityNotes(u0, u1, 100, 200, errors.New("start x: no space"))
	all := strings.Join(notes, "\n")
	if !strings.Contains(all, "stopped at 100 of the 200 asked: start x: no space") {
		t.Errorf("no reason for the stop in:\n%s", all)
	}
	if !strings.Contains(all, "The first limit this machine reaches is") {
		t.Errorf("no first limit named in:\n%s", all)
	}
}

func TestParseFlagsScale(t *testing.T) {
	c, err := parseFlags([]string{"--quick"})
	if err != nil {
		t.Fatal(err)
	}
	if c.scale != 4 || c.scaleStep != 2 || c.scaleDefined != 20 || c.readoptReps != 1 || len(c.phases) != len(phaseNames) {
		t.Fatalf("quick defaults: %+v", c)
	}
	c, err = parseFlags([]string{"--scale", "1000", "--scale-defined", "10000", "--phases", "scale"})
	if err != nil {
		t.Fatal(err)
	}
	if c.scale != 1000 || c.scaleStep != 0 || c.scaleDefined != 10000 || !c.phases["scale"] || c.phases["latency"] {
		t.Fatalf("lead's scale run: %+v", c)
	}
	if _, err := parseFlags([]string{"--phases", "nope"}); err == nil {
		t.Fatal("unknown phase accepted")
	}
}

func TestNestedPairKeepsTheSurvivingSides(t *testing.T) {
	var ran []string
	mk := func(name string, fail bool) trial {
		return trial{name: name, run: func(context.Context, bool) error {
			ran = append(ran, name)
			if fail {
				return errors.New(name + " failed")
			}
			return nil
		}, fail: func(error) {}}
	}
	p := pair("outer", pair("inner", mk("a", false), mk("b", true)), mk("c", false))
	ctx := context.Background()
	if err := p.run(ctx, true); err == nil {
		t.Fatal("b's failure not reported")
	}
	ran = nil
	if err := p.run(ctx, true); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ran, ""); got != "ca" {
		t.Fatalf("second round ran %q, want c then a (b dropped, order swapped)", got)
	}
}
