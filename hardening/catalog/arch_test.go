package catalog

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestTargetArch(t *testing.T) {
	root := t.TempDir()
	tg := openTarget(t, root)
	if got := targetArch(tg); got != archX86 {
		t.Errorf("root without a shell: %q, want the x86_64 default", got)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "usr/bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "usr/bin/dash"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	// /bin/sh -> dash through a relative link, as on Debian (resolved inside the root).
	if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/usr/bin/dash", filepath.Join(root, "bin/sh")); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"amd64": archX86, "arm64": archARM64}[runtime.GOARCH]
	if want == "" {
		t.Skipf("no expectation for GOARCH %s", runtime.GOARCH)
	}
	if got := targetArch(openTarget(t, root)); got != want {
		t.Errorf("targetArch = %q, want %q", got, want)
	}
}
