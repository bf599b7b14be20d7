package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine/enginetest"
)

// TestBundleOnFixtureRoots runs the bundle contract end to end, with the
// embedded catalog, on every vendor fixture root: apply --root exits 0,
// audit passes, and a second apply changes nothing.
func TestBundleOnFixtureRoots(t *testing.T) {
	fixtures, _ := filepath.Glob("../../testdata/fixtures/*")
	if len(fixtures) == 0 {
		t.Skip("no fixture roots under hardening/testdata/fixtures")
	}
	for _, fx := range fixtures {
		want := filepath.Base(fx)
		t.Run(want, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "root")
			if out, err := exec.Command("cp", "-a", fx, root).CombinedOutput(); err != nil {
				t.Fatalf("copy fixture: %v %s", err, out)
			}
			bundle := func(args ...string) (int, string, string) {
				var out, errb bytes.Buffer
				code := run(context.Background(), args, env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }, packages: enginetest.FixtureBackend{}})
				return code, out.String(), errb.String()
			}
			code, out, stderr := bundle("apply", "--root", root, "--no-update", "--format", "json")
			first := decode(t, out)
			if code != exitOK || first.Profile != want {
				t.Fatalf("apply: exit %d profile %q\n%s", code, first.Profile, lastFails(first, stderr))
			}
			code, out, stderr = bundle("audit", "--root", root, "--format", "json")
			if code != exitOK {
				t.Fatalf("audit after apply: exit %d\n%s", code, lastFails(decode(t, out), stderr))
			}
			code, out, _ = bundle("apply", "--root", root, "--no-update", "--format", "json")
			second := decode(t, out)
			if code != exitOK || len(second.Changes.Files)+len(second.Changes.Installed)+len(second.Changes.Removed) > 0 {
				t.Fatalf("second apply: exit %d changes %+v", code, second.Changes)
			}
			if _, err := os.Stat(filepath.Join(root, "etc/os-release")); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func lastFails(r jsonReport, stderr string) string {
	var b bytes.Buffer
	for _, rr := range r.Rules {
		if rr.Status == "fail" || rr.Status == "error" {
			b.WriteString(rr.Status + " " + rr.ID + ": " + rr.Detail + "\n")
		}
	}
	b.WriteString(stderr)
	return b.String()
}
