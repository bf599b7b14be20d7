package fstree

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWalkAndContent(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "etc/a"), []byte("one\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/a", filepath.Join(root, "etc/link")); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	err := Walk(root, func(e Entry) error {
		d, err := Content(e, 4)
		got[e.Rel] = d
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	uid := strings.Fields(got["."])[1]
	for _, tc := range []struct{ rel, want string }{
		{".", "drwx"},
		{"etc", "drwxr-xr-x " + uid},
		// sha256("one\n") begins 2c8b08da.
		{"etc/a", "-rw-r----- " + uid + " 2c8b08da"},
		{"etc/link", " -> /etc/a"},
	} {
		d, ok := got[tc.rel]
		if !ok {
			t.Errorf("%s not walked: %v", tc.rel, got)
			continue
		}
		if !strings.Contains(d, tc.want) {
			t.Errorf("%s: %q does not contain %q", tc.rel, d, tc.want)
		}
	}
	if len(got) != 4 {
		t.Errorf("walked %d paths, want 4: %v", len(got), got)
	}
	if err := Walk(filepath.Join(root, "missing"), func(Entry) error { return nil }); !os.IsNotExist(err) {
		t.Errorf("missing root: %v, want a not-exist error", err)
	}
}

func TestContentHashLength(t *testing.T) {
	f := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ n, hexLen int }{{8, 16}, {32, 64}, {99, 64}, {0, 2}} {
		d, err := Content(Entry{Path: f, Info: fi}, tc.n)
		if err != nil {
			t.Fatal(err)
		}
		if h := d[strings.LastIndex(d, " ")+1:]; len(h) != tc.hexLen {
			t.Errorf("hashBytes %d: hash %q has %d hex digits, want %d", tc.n, h, len(h), tc.hexLen)
		}
	}
}
