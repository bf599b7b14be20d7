package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandbox"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/catalog"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/internal/fstree"
)

// imageRoot copies the pristine debootstrapped root of release into a
// scratch directory: an unbooted image tree as `harden apply --root` sees
// it in a chroot-based image build. apt inside it goes through the
// sandboxes' caching proxy.
func imageRoot(tb testing.TB, ctx context.Context, release string) string {
	tb.Helper()
	return imageRootIn(tb, ctx, release, tb.TempDir())
}

func imageRootIn(tb testing.TB, ctx context.Context, release, parent string) string {
	tb.Helper()
	// A sandbox makes sure the apt proxy runs (and skips when not root).
	_ = sandbox.NewForTest(tb, sandbox.Options{Release: release})
	base, err := sandbox.BaseRoot(ctx, release)
	if err != nil {
		tb.Fatalf("base root: %v", err)
	}
	dir, err := os.MkdirTemp(parent, "image-") //nolint:usetesting // BenchmarkAudit's tree must outlive one invocation

	if err != nil {
		tb.Fatal(err)
	}
	if out, err := exec.CommandContext(ctx, "cp", "-a", base+"/.", dir).CombinedOutput(); err != nil {
		tb.Fatalf("copy base root: %v %s", err, out)
	}
	proxy := fmt.Sprintf("Acquire::http::Proxy %q;\n", sandbox.ProxyURL())
	if err := os.WriteFile(filepath.Join(dir, "etc/apt/apt.conf.d/00e2e-proxy"), []byte(proxy), 0o644); err != nil {
		tb.Fatal(err)
	}
	return dir
}

func runHarden(tb testing.TB, ctx context.Context, args ...string) (report, int) {
	tb.Helper()
	var r report
	code := runHardenInto(tb, ctx, &r, args...)
	return r, code
}

// runHardenInto runs the bundle and decodes its JSON output into r.
func runHardenInto(tb testing.TB, ctx context.Context, r any, args ...string) int {
	tb.Helper()
	cmd := exec.CommandContext(ctx, hardenBin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		tb.Fatalf("harden %v: %v", args, err)
	}
	if jerr := json.Unmarshal(out, r); jerr != nil {
		tb.Fatalf("harden %v: exit %d, %v\n%s\n%s", args, code, jerr, out, lastLines(stderr.String(), 30))
	}
	return code
}

// TestImageRootFromHost hardens an unbooted Debian 12 tree with --root from
// the host: image mode, zero failures, idempotent, and the host's kernel
// parameters, modules, mounts and firewall stay exactly as they were.
func TestImageRootFromHost(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dir := imageRoot(t, ctx, "bookworm")
	host := snapshotHost(t)
	start := time.Now()
	// --no-update: patching is covered by the sandbox tests; here the point
	// is the package transaction's maintainer scripts running from the host.
	first, code := runHarden(t, ctx, "apply", "--root", dir, "--no-update", "--format", "json")
	t.Logf("apply --root: %.1fs exit %d %v", time.Since(start).Seconds(), code, first.Summary)
	if first.Profile != "debian-12" || first.Error != "" {
		t.Fatalf("apply: profile %q error %q", first.Profile, first.Error)
	}
	requireNoFailures(t, "apply --root", first)
	snapshotHost(t).requireEqual(t, host)

	before := hostTreeHash(t, dir)
	second, _ := runHarden(t, ctx, "apply", "--root", dir, "--no-update", "--format", "json")
	if c := second.Changes; c == nil || len(c.Files)+len(c.Installed)+len(c.Removed) > 0 {
		t.Errorf("second apply --root reports changes: %+v", second.Changes)
	}
	if diff := diffTrees(before, hostTreeHash(t, dir)); len(diff) > 0 {
		t.Errorf("second apply --root changed %d paths: %s", len(diff), strings.Join(firstN(diff, 20), "\n"))
	}
	audit, code := runHarden(t, ctx, "audit", "--root", dir, "--format", "json")
	if code != 0 {
		t.Errorf("audit --root exit %d", code)
	}
	requireNoFailures(t, "audit --root", audit)
	snapshotHost(t).requireEqual(t, host)
}

// hostTreeHash hashes the trees a second apply must not change, read from the host.
func hostTreeHash(t *testing.T, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, d := range []string{"etc", "usr/lib", "usr/lib/systemd", "var/spool/cron"} {
		base := filepath.Join(root, d)
		err := fstree.Walk(base, func(e fstree.Entry) error {
			v, err := fstree.Content(e, 32)
			m[strings.TrimPrefix(e.Path, root)] = v
			return err
		})
		if err != nil && !os.IsNotExist(err) {
			t.Fatalf("hash %s: %v", base, err)
		}
	}
	return m
}

// hardenedOnce holds the hardened image tree BenchmarkAudit shares across
// its runs (the testing package calls a benchmark several times).
var hardenedOnce struct {
	sync.Once
	dir string
	err error
}

// BenchmarkAudit measures a full debian-12 profile audit of a hardened root
// (target: well under a second). Setup hardens a fresh image tree once.
func BenchmarkAudit(b *testing.B) {
	ctx := context.Background()
	hardenedOnce.Do(func() {
		// Not b.TempDir: the tree must outlive this invocation; TestMain's
		// scratch directory is removed at exit.
		dir := imageRootIn(b, ctx, "bookworm", scratch)
		start := time.Now()
		if r, _ := runHarden(b, ctx, "apply", "--root", dir, "--format", "json"); r.Error != "" {
			hardenedOnce.err = fmt.Errorf("apply: %s", r.Error)
			return
		}
		b.Logf("setup apply --root: %.1fs", time.Since(start).Seconds())
		hardenedOnce.dir = dir
	})
	if hardenedOnce.err != nil || hardenedOnce.dir == "" {
		b.Fatalf("hardened root: %v", hardenedOnce.err)
	}
	dir := hardenedOnce.dir
	cat, err := catalog.New()
	if err != nil {
		b.Fatal(err)
	}
	res, err := cat.Resolve("debian-12", engine.Platform{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// A new Target per run: no cached package database between audits.
		tg, err := engine.NewTarget(dir, engine.TargetOptions{Mode: engine.ModeImage})
		if err != nil {
			b.Fatal(err)
		}
		results := engine.Audit(ctx, tg, res.Rules, engine.RunOptions{Waivers: res.Waivers})
		if s := engine.Summarize(results); s.Failed() {
			b.Fatalf("hardened root fails: %v", s)
		}
	}
	b.ReportMetric(float64(len(res.Rules)), "rules")
}

// BenchmarkApply measures `harden apply` wall time on a pristine Debian 12
// root with a warm package cache (target ≤ 30 s). Run with -benchtime=1x.
func BenchmarkApply(b *testing.B) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := imageRoot(b, ctx, "bookworm")
		b.StartTimer()
		if r, _ := runHarden(b, ctx, "apply", "--root", dir, "--format", "json"); r.Error != "" {
			b.Fatal(r.Error)
		}
	}
}
