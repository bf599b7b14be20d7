package vulns

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// benchStatus picks the most realistic dpkg status available: a cached
// debootstrapped sandbox root (acctest/sandbox keeps them under
// <cache>/hardened/roots), else this host's own, else the fixture.
func benchStatus(b *testing.B) string {
	cache := filepath.Join(os.Getenv("XDG_CACHE_HOME"), "hardened")
	if os.Getenv("XDG_CACHE_HOME") == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "hardened")
	}
	roots, _ := filepath.Glob(filepath.Join(cache, "roots", "*", "var", "lib", "dpkg", "status"))
	for _, p := range append(roots, "/var/lib/dpkg/status") {
		if _, err := os.Stat(p); err == nil {
			return filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(p))))
		}
	}
	return "testdata/root"
}

// writeSyntheticFeed writes n OSV records, one file each like an osv.dev
// export: most name installed source packages (so that ranges are evaluated),
// the rest packages the root does not have.
func writeSyntheticFeed(b *testing.B, dir string, pkgs []Package, n int) {
	b.Helper()
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("synthetic-%d", i)
		if i%4 != 0 && len(pkgs) > 0 {
			name = pkgs[i%len(pkgs)].Source
		}
		fix := fmt.Sprintf("%d.%d-%d+deb12u%d", i%7, i%13, i%5+1, i%3+1)
		rec := fmt.Sprintf(`{"schema_version":"1.6.0","id":"DEBIAN-CVE-2099-%d","published":"2024-%02d-%02dT00:00:00Z",`+
			`"modified":"2024-%02d-%02dT00:00:00Z","upstream":["CVE-2099-%d"],"summary":"synthetic advisory %d",`+
			`"affected":[{"package":{"ecosystem":"Debian:12","name":%q},"ranges":[{"type":"ECOSYSTEM",`+
			`"events":[{"introduced":"0"},{"fixed":%q}]}],"ecosystem_specific":{"urgency":%q}}]}`,
			i, i%12+1, i%28+1, i%12+1, i%28+1, i, i, name, fix, []string{"low", "medium", "high", "not yet assigned"}[i%4])
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("DEBIAN-CVE-2099-%d.json", i)), []byte(rec), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanLargeFeed loads a 50 000-record feed, from a directory of
// files and from a zip like osv.dev's all.zip, and scans a real root against
// it. Goal: < 2 s and < 200 MB per scan. Besides wall time it reports the CPU
// time of the process per scan (cpu-s: the honest figure on a loaded machine),
// the Go heap in use after a scan with the feed still live (heap-MB) and the
// memory the process obtained from the OS, a high-water mark (sys-MB), and the
// process's peak resident set (peak-rss-MB, from getrusage: an upper bound
// for one scan, since it includes writing the feed).
func BenchmarkScanLargeFeed(b *testing.B) {
	root := benchStatus(b)
	pkgs, err := ReadInstalled(root)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	feedDir := filepath.Join(dir, "feed")
	if err := os.Mkdir(feedDir, 0o755); err != nil {
		b.Fatal(err)
	}
	const n = 50000
	writeSyntheticFeed(b, feedDir, pkgs, n)
	zipPath := filepath.Join(dir, "all.zip")
	zipDir(b, feedDir, zipPath)
	b.Logf("root %s: %d packages; feed %d records", root, len(pkgs), n)
	for _, src := range []struct{ name, path string }{{"dir", feedDir}, {"zip", zipPath}} {
		b.Run(src.name, func(b *testing.B) {
			var ms runtime.MemStats
			cpu0 := cpuSeconds()
			for i := 0; i < b.N; i++ {
				feed, err := LoadFeed(src.path)
				if err != nil {
					b.Fatal(err)
				}
				pkgs, err := ReadInstalled(root)
				if err != nil {
					b.Fatal(err)
				}
				res := Scan(pkgs, feed, "Debian:12", testNow)
				if res.Summary.AdvisoriesChecked != n {
					b.Fatalf("checked %d advisories, want %d", res.Summary.AdvisoriesChecked, n)
				}
				runtime.ReadMemStats(&ms)
				runtime.KeepAlive(feed)
			}
			b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
			b.ReportMetric(float64(ms.Sys)/(1<<20), "sys-MB")
			b.ReportMetric(peakRSSMB(), "peak-rss-MB")
		})
	}
}

func zipDir(b *testing.B, dir, out string) {
	b.Helper()
	f, err := os.Create(out)
	if err != nil {
		b.Fatal(err)
	}
	zw := zip.NewWriter(f)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		w, err := zw.Create(filepath.Base(p))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			b.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// peakRSSMB is the process's peak resident set size (Linux reports KiB).
func peakRSSMB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}

// cpuSeconds is the user+system CPU time this process has used.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
