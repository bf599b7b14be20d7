package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The test's own package, served from a local apt repository inside the
// image tree: version 1.0-1 is installed on purpose, 1.0-2 fixes the feed's
// advisory. No real Debian package can be pinned old without the network;
// this one behaves the same way for dpkg, apt and the scanner.
const (
	demoPkg    = "hardened-vulns-demo"
	demoAdv    = "HARDENED-E2E-0001"
	demoRepo   = "/srv/hardened-e2e-repo"
	demoRecord = `{"schema_version":"1.6.0","id":"` + demoAdv + `","modified":"2026-11-20T00:00:00Z","published":"2026-10-01T00:00:00Z",
  "summary":"test advisory: hardened-vulns-demo before 1.0-2",
  "affected":[{"package":{"ecosystem":"Debian:12","name":"` + demoPkg + `"},
    "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0-2"}]}],
    "database_specific":{"severity":"high"}}]}`
)

type vulnsGate struct {
	Summary struct {
		Findings int `json:"findings"`
		Fixable  int `json:"fixable"`
	} `json:"summary"`
	Findings []struct {
		ID               string `json:"id"`
		Package          string `json:"package"`
		InstalledVersion string `json:"installed_version"`
		FixedVersion     string `json:"fixed_version"`
	} `json:"findings"`
	Failing []string `json:"failing"`
}

// TestVulnsGateDebian12: in an unbooted Debian 12 tree with an old package
// pinned on purpose, `harden vulns` finds the advisory; `harden apply`
// with the package held back (apt-mark hold) fails its gate naming it;
// released, apply installs the fix and passes; a re-scan is clean.
func TestVulnsGateDebian12(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	dir := imageRoot(t, ctx, "bookworm")
	demoRepoIn(t, ctx, dir)
	chroot(t, ctx, dir, "dpkg", "-i", demoRepo+"/"+demoPkg+"_1.0-1_all.deb")
	feed := filepath.Join(t.TempDir(), "osv.json")
	if err := os.WriteFile(feed, []byte(demoRecord), 0o644); err != nil {
		t.Fatal(err)
	}

	var scan vulnsGate
	if code := runHardenInto(t, ctx, &scan, "vulns", "--root", dir, "--feed", feed, "--format", "json"); code != 1 ||
		len(scan.Findings) != 1 || scan.Findings[0].ID != demoAdv || scan.Findings[0].InstalledVersion != "1.0-1" || scan.Findings[0].FixedVersion != "1.0-2" {
		t.Fatalf("scan before apply: exit %d %+v", code, scan)
	}

	// Held back: patching cannot install the fix, so the gate fails.
	chroot(t, ctx, dir, "apt-mark", "hold", demoPkg)
	var held struct {
		report
		Vulns *vulnsGate `json:"vulns"`
	}
	start := time.Now()
	code := runHardenInto(t, ctx, &held, "apply", "--root", dir, "--update", "all", "--vulns-feed", feed, "--fail-on-fixable", "high", "--format", "json")
	t.Logf("apply with the package held: %.1fs exit %d", time.Since(start).Seconds(), code)
	requireNoFailures(t, "apply (held)", held.report)
	want := demoAdv + " " + demoPkg + " (high, fixed in 1.0-2)"
	if code != 1 || held.Vulns == nil || strings.Join(held.Vulns.Failing, ";") != want {
		t.Fatalf("apply with %s held: exit %d, vulns %+v; want exit 1 failing %q", demoPkg, code, held.Vulns, want)
	}
	if v := installedVersion(t, ctx, dir); v != "1.0-1" {
		t.Fatalf("held package upgraded to %s", v)
	}

	// Released: the update installs 1.0-2 and the gate passes.
	chroot(t, ctx, dir, "apt-mark", "unhold", demoPkg)
	var patched struct {
		report
		Vulns *vulnsGate `json:"vulns"`
	}
	code = runHardenInto(t, ctx, &patched, "apply", "--root", dir, "--update", "all", "--vulns-feed", feed, "--fail-on-fixable", "high", "--format", "json")
	if code != 0 || patched.Vulns == nil || len(patched.Vulns.Failing) != 0 || patched.Vulns.Summary.Findings != 0 || patched.Packages.UpdatedAt == nil {
		t.Fatalf("apply after unhold: exit %d vulns %+v packages %+v error %q", code, patched.Vulns, patched.Packages, patched.Error)
	}
	if v := installedVersion(t, ctx, dir); v != "1.0-2" {
		t.Fatalf("apply left %s at %s, want 1.0-2", demoPkg, v)
	}
	var rescan vulnsGate
	if code := runHardenInto(t, ctx, &rescan, "vulns", "--root", dir, "--feed", feed, "--format", "json"); code != 0 || len(rescan.Findings) != 0 {
		t.Fatalf("re-scan: exit %d %+v", code, rescan)
	}
}

// demoRepoIn builds the two package versions and a flat apt repository of
// them under root's demoRepo, and adds it to root's apt sources.
func demoRepoIn(t *testing.T, ctx context.Context, root string) {
	t.Helper()
	repo := filepath.Join(root, demoRepo)
	for _, ver := range []string{"1.0-1", "1.0-2"} {
		pkg := filepath.Join(t.TempDir(), "pkg")
		doc := filepath.Join(pkg, "usr/share/doc", demoPkg)
		if err := os.MkdirAll(filepath.Join(pkg, "DEBIAN"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(doc, 0o755); err != nil {
			t.Fatal(err)
		}
		control := fmt.Sprintf("Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: hardened e2e <e2e@example.invalid>\n"+
			"Section: misc\nPriority: optional\nDescription: package the vulnerability gate test pins old\n", demoPkg, ver)
		if err := os.WriteFile(filepath.Join(pkg, "DEBIAN/control"), []byte(control), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(doc, "VERSION"), []byte(ver+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(repo, 0o755); err != nil {
			t.Fatal(err)
		}
		run(t, ctx, "", "dpkg-deb", "--root-owner-group", "--build", pkg, filepath.Join(repo, demoPkg+"_"+ver+"_all.deb"))
	}
	out := run(t, ctx, repo, "dpkg-scanpackages", "--multiversion", ".")
	if err := os.WriteFile(filepath.Join(repo, "Packages"), []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	src := "deb [trusted=yes] file:" + demoRepo + " ./\n"
	if err := os.WriteFile(filepath.Join(root, "etc/apt/sources.list.d/hardened-e2e.list"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

func installedVersion(t *testing.T, ctx context.Context, root string) string {
	t.Helper()
	return strings.TrimSpace(chroot(t, ctx, root, "dpkg-query", "-W", "-f", "${Version}", demoPkg))
}

func chroot(t *testing.T, ctx context.Context, root string, args ...string) string {
	t.Helper()
	return run(t, ctx, "", append([]string{"chroot", root}, args...)...)
}

func run(t *testing.T, ctx context.Context, dir string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}
