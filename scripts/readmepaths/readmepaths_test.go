package readmepaths

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestREADMEPathsExist is the project check: every relative path a tracked
// README names in backticks exists in the checkout.
func TestREADMEPathsExist(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	problems, err := Check(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) == 0 {
		readmes, _ := TrackedREADMEs(root)
		if len(readmes) == 0 {
			t.Fatal("found no tracked README.md: the check would pass vacuously")
		}
	}
	for _, p := range problems {
		t.Errorf("README names paths that do not exist (fix the path or the text): %s", p)
	}
}

func TestMissing(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"pkg/sub", "scripts"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "scripts/test.sh"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, readme, text string
		want               []string
	}{
		{"existing from root", "README.md", "see `scripts/test.sh` and `pkg/`", nil},
		{"existing from the README's dir", "pkg/README.md", "see `sub/`", nil},
		{"root-relative from a sub README", "pkg/README.md", "run `scripts/test.sh`", nil},
		{"made-up path", "README.md", "notes in `design/` and `scripts/test.sh`", []string{"design/"}},
		{"made-up file in a sub README", "pkg/README.md", "`sub/nothere.go` twice `sub/nothere.go`", []string{"sub/nothere.go"}},
		{"ignored: parent, absolute, home, URL, glob, CIDR", "pkg/README.md",
			"`../shared/DESIGN.md` `/etc/passwd` `~/.cache/x` `https://example.com/a` `pkg/*.go` `a/{b,c}` `10.77.0.0/16`", nil},
		{"no slash is no path", "README.md", "`make test` `harden`", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Missing(root, tt.readme, []byte(tt.text))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Missing(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}
