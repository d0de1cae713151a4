package lxc

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWithLogTailSkipsNoise: the error carries the lines that say why a
// start failed, not lxc-start's closing lines that only say it did.
func TestWithLogTailSkipsNoise(t *testing.T) {
	log := filepath.Join(t.TempDir(), "lxc.log")
	text := `lxc-start c 1 INFO     cgfsng - x
lxc-start c 1 ERROR    start - ../src/lxc/start.c:print_top_failing_dir:99 - Permission denied - Could not access /home/u. Please grant it x access
lxc-start c 1 ERROR    sync - ../src/lxc/sync.c:sync_wait:34 - An error occurred in another process (expected sequence number 1)
lxc-start c 1 ERROR    lxccontainer - ../src/lxc/lxccontainer.c:wait_on_daemonized_start:878 - Received container state "ABORTING" instead of "RUNNING"
lxc-start c 1 ERROR    lxc_start - ../src/lxc/tools/lxc_start.c:main:306 - The container failed to start
lxc-start c 1 ERROR    lxc_start - ../src/lxc/tools/lxc_start.c:main:309 - To get more details, run the container in foreground mode
lxc-start c 1 ERROR    start - ../src/lxc/start.c:__lxc_start:2107 - Failed to spawn container "c"
`
	if err := os.WriteFile(log, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	base := errors.New("failed")
	err := withLogTail(base, log)
	if !errors.Is(err, base) || !strings.Contains(err.Error(), "Could not access /home/u") || strings.Contains(err.Error(), "foreground") {
		t.Errorf("got %v", err)
	}
}
