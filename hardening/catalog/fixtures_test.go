package catalog

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine/enginetest"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/internal/fstree"
)

// fixtureDir holds vendor-default roots: os-release, a text package
// database and the configuration files the rules touch.
const fixtureDir = "../testdata/fixtures"

var fixturePlatforms = []string{"ubuntu-22.04", "ubuntu-24.04", "rhel-8", "rhel-9"}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("fixture roots need root: rules check and fix root ownership (run as root, as CI does)")
	}
}

// copyTree copies a tree into dst keeping modes, mtimes, owners and
// symlinks (the caller must be root for the owners).
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		if err := copyEntry(p, out, fi); err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		return os.Lchown(out, int(st.Uid), int(st.Gid))
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}

// copyEntry copies one file, directory or symlink with its mode and mtime.
func copyEntry(p, out string, fi fs.FileInfo) error {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		l, err := os.Readlink(p)
		if err != nil {
			return err
		}
		return os.Symlink(l, out)
	case fi.IsDir():
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
		return os.Chmod(out, fi.Mode().Perm()|fi.Mode()&(fs.ModeSticky|fs.ModeSetgid))
	default:
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(out, data, fi.Mode().Perm()); err != nil {
			return err
		}
		if err := os.Chmod(out, fi.Mode().Perm()); err != nil {
			return err
		}
		return os.Chtimes(out, fi.ModTime(), fi.ModTime())
	}
}

// treeHash records content, mode, owner and link target of every path.
func treeHash(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := fstree.Walk(root, func(e fstree.Entry) error {
		desc, err := fstree.Content(e, 8)
		out[e.Rel] = desc
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func diffTrees(a, b map[string]string) []string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, fmt.Sprintf("%s: %q -> %q", k, v, b[k]))
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k+": new")
		}
	}
	sort.Strings(out)
	return out
}

func openTarget(t *testing.T, root string) *engine.Target {
	t.Helper()
	tg, err := engine.NewTarget(root, engine.TargetOptions{Mode: engine.ModeImage})
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

var fixtureExec = engine.ExecOptions{Packages: enginetest.FixtureBackend{}}

// hardenFixture copies a fixture, checks it detects the right profile and
// fails many rules, applies the profile and requires a clean audit and a
// byte-identical second apply. It returns the hardened root.
func hardenFixture(t *testing.T, cat *engine.Catalog, platform string) (string, *engine.Resolved) {
	t.Helper()
	ctx := context.Background()
	root := t.TempDir()
	copyTree(t, filepath.Join(fixtureDir, platform), root)
	tg := openTarget(t, root)
	osr, err := tg.OSRelease()
	if err != nil {
		t.Fatal(err)
	}
	pl, err := engine.DetectPlatform(osr)
	if err != nil {
		t.Fatal(err)
	}
	prof, ok := cat.ProfileForPlatform(pl)
	if !ok || prof.ID != platform {
		t.Fatalf("%s (%s %s) selects profile %v, want %s", platform, osr.ID, osr.VersionID, prof, platform)
	}
	res, err := cat.Resolve(prof.ID, engine.Platform{})
	if err != nil {
		t.Fatal(err)
	}
	opts := engine.RunOptions{Waivers: res.Waivers, Exec: fixtureExec}
	before := engine.Summarize(engine.Audit(ctx, tg, res.Rules, opts))
	if before[engine.StatusFail] < 60 {
		t.Errorf("vendor fixture fails only %d rules: it should look like an unhardened image", before[engine.StatusFail])
	}
	ar := engine.Apply(ctx, tg, res.Rules, opts)
	if ar.Err != nil {
		t.Fatalf("apply: %v", ar.Err)
	}
	requireClean(t, "after apply", ar.After)
	t.Logf("%s: before %v; after %v; %d files changed, installed %v, removed %v",
		platform, before, engine.Summarize(ar.After), len(ar.Outcome.Changed), ar.Outcome.Installed, ar.Outcome.Removed)

	snap := treeHash(t, root)
	again := engine.Apply(ctx, openTarget(t, root), res.Rules, opts)
	if again.Err != nil {
		t.Fatalf("second apply: %v", again.Err)
	}
	requireClean(t, "second apply", again.After)
	if len(again.Planned) > 0 || (again.Outcome != nil && len(again.Outcome.Changed)+len(again.Outcome.Installed)+len(again.Outcome.Removed) > 0) {
		t.Errorf("second apply planned %v, outcome %+v", again.Planned, again.Outcome)
	}
	if d := diffTrees(snap, treeHash(t, root)); len(d) > 0 {
		t.Errorf("second apply changed the tree:\n%s", strings.Join(d, "\n"))
	}
	return root, res
}

func requireClean(t *testing.T, what string, rs []engine.Result) {
	t.Helper()
	for _, r := range rs {
		if r.Status == engine.StatusFail || r.Status == engine.StatusError {
			var cs []string
			for _, c := range r.Checks {
				if c.Status != engine.StatusPass && c.Status != engine.StatusNotApplicable {
					cs = append(cs, string(c.Status)+": "+c.Detail)
				}
			}
			t.Errorf("%s: %s %s: %s", what, r.Rule.ID, r.Status, strings.Join(cs, " | "))
		}
	}
}

// TestFixtureApply: every fixture root is detected, hardened without
// failures and re-applied without a single change.
func TestFixtureApply(t *testing.T) {
	requireRoot(t)
	cat := mustCatalog(t)
	for _, pl := range fixturePlatforms {
		t.Run(pl, func(t *testing.T) { hardenFixture(t, cat, pl) })
	}
}

// statTree is a cheap snapshot (lstat only): a rewrite with the same bytes
// still changes the mtime, so it is at least as strict as a content hash.
func statTree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := fstree.Walk(root, func(e fstree.Entry) error {
		fi := e.Info
		desc := fmt.Sprintf("%v %d:%d %d %d", fi.Mode(), e.UID, e.GID, fi.Size(), fi.ModTime().UnixNano())
		if fi.Mode()&fs.ModeSymlink != 0 {
			l, _ := os.Readlink(e.Path)
			desc = fmt.Sprintf("%v %d:%d -> %s", fi.Mode(), e.UID, e.GID, l)
		}
		if fi.IsDir() {
			desc = fmt.Sprintf("%v %d:%d", fi.Mode(), e.UID, e.GID)
		}
		out[e.Rel] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// resetTree makes work identical to pristine again, copying only what a
// test changed (copying whole trees per rule is slow on this file system).
func resetTree(t *testing.T, pristine, work string, pristineStat map[string]string) {
	t.Helper()
	cur := statTree(t, work)
	var extra []string
	for rel := range cur {
		if _, ok := pristineStat[rel]; !ok {
			extra = append(extra, rel)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(extra)))
	for _, rel := range extra {
		if err := os.RemoveAll(filepath.Join(work, rel)); err != nil {
			t.Fatal(err)
		}
	}
	var todo []string
	for rel, want := range pristineStat {
		if cur[rel] != want {
			todo = append(todo, rel)
		}
	}
	sort.Strings(todo)
	for _, rel := range todo {
		src, dst := filepath.Join(pristine, rel), filepath.Join(work, rel)
		fi, err := os.Lstat(src)
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if fi.IsDir() {
			if err := os.MkdirAll(dst, 0o755); err != nil {
				t.Fatal(err)
			}
		} else {
			_ = os.RemoveAll(dst)
			if fi.Mode()&fs.ModeSymlink != 0 {
				l, _ := os.Readlink(src)
				if err := os.Symlink(l, dst); err != nil {
					t.Fatal(err)
				}
			} else {
				data, err := os.ReadFile(src)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(dst, data, 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chtimes(dst, fi.ModTime(), fi.ModTime()); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := os.Lchown(dst, int(st.Uid), int(st.Gid)); err != nil {
			t.Fatal(err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			if err := os.Chmod(dst, fi.Mode().Perm()|fi.Mode()&(fs.ModeSticky|fs.ModeSetuid|fs.ModeSetgid)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if d := diffTrees(pristineStat, statTree(t, work)); len(d) > 0 {
		t.Fatalf("reset left differences: %s", strings.Join(d, "; "))
	}
}
