package testenv

import (
	"testing"
	"time"
)

// Eventually polls cond, every interval, until it holds; once timeout has
// passed the test fails naming what and the last detail cond gave. It is
// how tests wait for a condition instead of sleeping and hoping.
func Eventually(t testing.TB, timeout, interval time.Duration, what string, cond func() (ok bool, detail string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, detail := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %v: %s", what, timeout, detail)
		}
		time.Sleep(interval)
	}
}
