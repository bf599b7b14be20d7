package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A root with only a text package database (what fixture roots carry) must
// not get a backend that edits that database: production code has no fake
// package transaction, so the apply fails and says what is missing.
func TestDefaultBackendHasNoFixtureFallback(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // backend type, or "" for the error
	}{
		{"dpkg status only", map[string]string{"/var/lib/dpkg/status": "Package: bash\nStatus: install ok installed\n"}, ""},
		{"rpm manifest only", map[string]string{RPMManifestPath: "bash 5.1\n"}, ""},
		{"apt-get present", map[string]string{"/usr/bin/apt-get": "#!/bin/sh\n"}, "engine.AptBackend"},
		{"dnf present", map[string]string{"/usr/bin/dnf": "#!/bin/sh\n"}, "engine.DnfBackend"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for p, c := range tc.files {
				hp := filepath.Join(dir, p)
				if err := os.MkdirAll(filepath.Dir(hp), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(hp, []byte(c), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			tg, err := NewTarget(dir, TargetOptions{Mode: ModeImage})
			if err != nil {
				t.Fatal(err)
			}
			be, err := DefaultBackend(tg)
			if tc.want == "" {
				if err == nil || !strings.Contains(err.Error(), "no apt-get or dnf") {
					t.Fatalf("DefaultBackend = %T, %v; want the no apt-get or dnf error", be, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%T", be); got != tc.want {
				t.Errorf("backend %s, want %s", got, tc.want)
			}
		})
	}
}
