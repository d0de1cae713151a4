package plugin

import (
	"context"
	"os"
	"testing"
)

// TestFileChannelHandsOverTheAnnouncedFiles sends descriptors as the plugin
// does and receives them as the host does: a message of an abandoned call
// is dropped, a wrong count is an error, and the files are the ones sent.
func TestFileChannelHandsOverTheAnnouncedFiles(t *testing.T) {
	hostEnd, pluginEnd, err := filePair()
	if err != nil {
		t.Fatal(err)
	}
	host, err := newFileChannel(hostEnd)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	plugin, err := newFileChannel(pluginEnd)
	if err != nil {
		t.Fatal(err)
	}
	defer plugin.Close()

	dir := t.TempDir()
	open := func(name string) *os.File {
		f, err := os.Create(dir + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	a, b, stale := open("a"), open("b"), open("stale")
	if _, err := plugin.send([]*os.File{stale}); err != nil { // a call the host gave up on
		t.Fatal(err)
	}
	files, err := host.receive(t.Context(), func() (uint64, int, error) {
		id, err := plugin.send([]*os.File{a, b})
		return id, 2, err
	})
	if err != nil {
		t.Fatal(err)
	}
	defer closeFiles(files)
	for i, want := range []*os.File{a, b} {
		gi, err := files[i].Stat()
		if err != nil {
			t.Fatal(err)
		}
		wi, _ := want.Stat()
		if !os.SameFile(gi, wi) {
			t.Errorf("file %d is %s; want %s", i, gi.Name(), wi.Name())
		}
	}

	_, err = host.receive(t.Context(), func() (uint64, int, error) {
		id, err := plugin.send([]*os.File{a})
		return id, 2, err
	})
	if err == nil {
		t.Fatal("received one file where two were announced")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := host.receive(ctx, func() (uint64, int, error) { return 99, 1, nil }); err == nil {
		t.Fatal("received a message that was never sent")
	}
}
