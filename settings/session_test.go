package settings

import "testing"

func TestSessionDirs(t *testing.T) {
	env := map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000", "XDG_DATA_HOME": "relative/ignored"}
	d, err := SessionDirsFrom(func(k string) string { return env[k] }, "/home/u")
	if err != nil {
		t.Fatal(err)
	}
	want := SessionDirs{Runtime: "/run/user/1000/libvirt", Data: "/home/u/.local/share", Config: "/home/u/.config"}
	if d != want {
		t.Errorf("got %+v, want %+v", d, want)
	}
	// Without XDG_RUNTIME_DIR, libvirt's clients look under the cache dir.
	env = map[string]string{"XDG_CACHE_HOME": "/c"}
	if d, _ = SessionDirsFrom(func(k string) string { return env[k] }, "/home/u"); d.Runtime != "/c/libvirt" {
		t.Errorf("runtime without XDG_RUNTIME_DIR: %q", d.Runtime)
	}
	if _, err := SessionDirsFrom(func(string) string { return "" }, ""); err == nil {
		t.Error("no home and no XDG dirs accepted")
	}
	s := Defaults()
	s.UseSession(want)
	if s.Socket != "/run/user/1000/libvirt/virtlxcd-sock" || s.StateDir != "/home/u/.local/share/lxcvirt" || s.RunDir != "/run/user/1000/libvirt/lxcvirt" {
		t.Errorf("session settings: socket %q state %q run %q", s.Socket, s.StateDir, s.RunDir)
	}
	if f := want.ConfigFile(); f != "/home/u/.config/libvirt/lxcvirtd.conf" {
		t.Errorf("config file %q", f)
	}
}
