package vulns

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2024, 10, 3, 12, 0, 0, 0, time.UTC)

func loadFixture(t *testing.T) ([]Package, *Feed) {
	t.Helper()
	pkgs, err := ReadInstalled("testdata/root")
	if err != nil {
		t.Fatal(err)
	}
	feed, err := LoadFeed("testdata/feed")
	if err != nil {
		t.Fatal(err)
	}
	return pkgs, feed
}

func TestParseDpkgStatus(t *testing.T) {
	pkgs, _ := loadFixture(t)
	got := map[string]Package{}
	for _, p := range pkgs {
		got[p.Name] = p
	}
	tests := []struct {
		name string
		want *Package // nil: must not be listed
	}{
		{"libc6", &Package{Name: "libc6", Version: "2.36-9+deb12u3", Source: "glibc", SourceVersion: "2.36-9+deb12u3"}},
		{"tar", &Package{Name: "tar", Version: "1.34+dfsg-1.2+deb12u1", Source: "tar", SourceVersion: "1.34+dfsg-1.2+deb12u1"}},
		{"gzip", &Package{Name: "gzip", Version: "1.12-1+b1", Source: "gzip", SourceVersion: "1.12-1"}},
		{"openssh-client", nil}, // config-files only
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := got[tt.name]
			if tt.want == nil {
				if ok {
					t.Fatalf("%s listed as installed: %+v", tt.name, p)
				}
				return
			}
			if !ok || p != *tt.want {
				t.Fatalf("got %+v, want %+v", p, *tt.want)
			}
		})
	}
	if len(pkgs) != 7 {
		t.Errorf("got %d installed packages, want 7", len(pkgs))
	}
}

// Held packages (apt-mark hold) and ones selected for removal are still on
// disk and must be scanned; found by the Debian 12 e2e gate test.
func TestParseDpkgStatusSelections(t *testing.T) {
	statuses := []struct {
		status string
		listed bool
	}{
		{"install ok installed", true}, {"hold ok installed", true}, {"deinstall ok installed", true},
		{"install ok half-configured", true}, {"install ok unpacked", true},
		{"deinstall ok config-files", false}, {"purge ok not-installed", false}, {"garbage", false},
	}
	var b strings.Builder
	for i, st := range statuses {
		fmt.Fprintf(&b, "Package: p%d\nStatus: %s\nVersion: 1.0-1\n\n", i, st.status)
	}
	pkgs, err := ParseDpkgStatus(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, p := range pkgs {
		listed[p.Name] = true
	}
	for i, st := range statuses {
		if got := listed[fmt.Sprintf("p%d", i)]; got != st.listed {
			t.Errorf("status %q: listed %v, want %v", st.status, got, st.listed)
		}
	}
}

func TestParseDpkgStatusMalformed(t *testing.T) {
	_, err := ParseDpkgStatus(strings.NewReader("Package: a\nthis line has no colon\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("want an error naming line 2, got %v", err)
	}
}

func TestDetectEcosystem(t *testing.T) {
	got, err := DetectEcosystem("testdata/root")
	if err != nil || got != "Debian:12" {
		t.Fatalf("got %q, %v; want Debian:12", got, err)
	}
	tests := []struct{ osRelease, want string }{
		{"ID=rocky\nVERSION_ID=9.3\n", "Rocky Linux:9"},
		{"ID=\"almalinux\"\nVERSION_ID=\"9.2\"\n", "AlmaLinux:9"},
		{"ID=\"rhel\"\nVERSION_ID=\"9.4\"\n", "Red Hat:enterprise_linux:9"},
		{"ID=\"tencentos\"\nVERSION_ID=\"4\"\n", ""}, // no OSV ecosystem of its own
		{"ID=debian\n", ""},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		must(t, os.MkdirAll(filepath.Join(dir, "etc"), 0o755))
		must(t, os.WriteFile(filepath.Join(dir, "etc", "os-release"), []byte(tt.osRelease), 0o644))
		got, err := DetectEcosystem(dir)
		if tt.want == "" {
			if err == nil || !strings.Contains(err.Error(), "ID=") {
				t.Errorf("%q: want an error naming the ID, got %q, %v", tt.osRelease, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q: got %q, %v; want %q", tt.osRelease, got, err, tt.want)
		}
	}
}

func TestScanFixture(t *testing.T) {
	pkgs, feed := loadFixture(t)
	res := Scan(pkgs, feed, "Debian:12", testNow)
	byID := map[string]Finding{}
	for _, f := range res.Findings {
		byID[f.ID+" "+f.Package] = f
	}
	tests := []struct {
		key, fixed, severity string
		age                  int // -1: no age (no fix)
		present              bool
	}{
		{"CVE-2023-6246 glibc", "2.36-9+deb12u4", "high", 246, true},
		{"CVE-2023-6780 glibc", "2.36-9+deb12u4", "high", 246, true},
		{"CVE-2023-5363 openssl", "3.0.11-1~deb12u2", "high", 345, true},
		{"CVE-2005-2541 tar", NoFix, "low", -1, true},
		{"CVE-2023-4911 glibc", "", "", 0, false},   // fixed in the installed +deb12u3
		{"CVE-2023-47038 perl", "", "", 0, false},   // installed version equals the fix
		{"CVE-2024-6387 openssh", "", "", 0, false}, // only config files left
		{"CVE-2022-37434 zlib", "", "", 0, false},   // Debian:11 record, other ecosystem
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			f, ok := byID[tt.key]
			if ok != tt.present {
				t.Fatalf("present = %v, want %v (findings: %v)", ok, tt.present, keys(byID))
			}
			if !ok {
				return
			}
			if f.FixedVersion != tt.fixed || f.Severity != tt.severity {
				t.Errorf("fixed %q severity %q, want %q %q", f.FixedVersion, f.Severity, tt.fixed, tt.severity)
			}
			if tt.age < 0 {
				if f.AgeDays != nil || f.Fixable {
					t.Errorf("unfixed finding has age %v fixable %v", f.AgeDays, f.Fixable)
				}
			} else if f.AgeDays == nil || *f.AgeDays != tt.age {
				t.Errorf("age %v, want %d", f.AgeDays, tt.age)
			}
		})
	}
	if b := byID["CVE-2023-6246 glibc"].Binaries; strings.Join(b, ",") != "libc-bin,libc6" {
		t.Errorf("glibc binaries %v, want libc-bin,libc6", b)
	}
	s := res.Summary
	if s.PackagesChecked != 7 || s.AdvisoriesChecked != 6 || s.Findings != 5 || s.Fixable != 4 ||
		s.BySeverity["high"] != 4 || s.BySeverity["low"] != 1 || s.OldestUnpatchedFixAgeDays != 345 ||
		s.FixableBySeverity["high"] != 4 || s.FixableBySeverity["low"] != 0 {
		t.Errorf("summary %+v", s)
	}
	// glibc CVE-2023-4911 and CVE-2023-4806, perl CVE-2023-47038.
	if s.FixedNotPresent != 3 {
		t.Errorf("fixed_not_present = %d, want 3", s.FixedNotPresent)
	}
	if want := time.Date(2024, 9, 2, 0, 0, 0, 0, time.UTC); !s.FeedDate.Equal(want) {
		t.Errorf("feed date %v, want %v", s.FeedDate, want)
	}
	if res.Findings[0].Severity != "high" || res.Findings[len(res.Findings)-1].Severity != "low" {
		t.Errorf("findings not ordered by severity: %v", keys(byID))
	}
}

func keys(m map[string]Finding) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestFailing(t *testing.T) {
	pkgs, feed := loadFixture(t)
	res := Scan(pkgs, feed, "Debian:12", testNow)
	tests := []struct {
		threshold string
		want      int
	}{
		{"critical", 0}, {"high", 4}, {"medium", 4}, {"none", 0},
	}
	for _, tt := range tests {
		t.Run(tt.threshold, func(t *testing.T) {
			if got := len(res.Failing(tt.threshold)); got != tt.want {
				t.Errorf("Failing(%s) = %d, want %d", tt.threshold, got, tt.want)
			}
		})
	}
	if _, err := ParseThreshold("severe"); err == nil || !strings.Contains(err.Error(), "critical, high, medium or none") {
		t.Errorf("ParseThreshold(severe) = %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustVer(t *testing.T, o ordering, s string) version {
	t.Helper()
	v, err := o.parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestEvaluate(t *testing.T) {
	deb, rpm := dpkgOrdering, rpmOrdering
	tests := []struct {
		name     string
		ord      ordering
		events   [][2]string // kind ("i", "f", "l") and version, in order
		version  string
		affected bool
		fix      string
	}{
		{"before fix", deb, [][2]string{{"i", "0"}, {"f", "1.2-3"}}, "1.2-2", true, "1.2-3"},
		{"at fix", deb, [][2]string{{"i", "0"}, {"f", "1.2-3"}}, "1.2-3", false, "1.2-3"},
		{"tilde sorts before", deb, [][2]string{{"i", "0"}, {"f", "3.0.11-1~deb12u2"}}, "3.0.11-1~deb12u1", true, "3.0.11-1~deb12u2"},
		{"epoch wins", deb, [][2]string{{"i", "0"}, {"f", "1:1.0-1"}}, "2.0-1", true, "1:1.0-1"},
		{"before introduced", deb, [][2]string{{"i", "2.0"}, {"f", "2.5"}}, "1.0", false, "2.5"},
		{"no fix", deb, [][2]string{{"i", "0"}}, "9.9", true, ""},
		{"last affected, at it", deb, [][2]string{{"i", "0"}, {"l", "1.5"}}, "1.5", true, ""},
		{"last affected, above it", deb, [][2]string{{"i", "0"}, {"l", "1.5"}}, "1.6", false, ""},
		// rpm EVR: a z-stream release ("el9_2.7") sorts after its base.
		{"rpm z-stream fix", rpm, [][2]string{{"i", "0"}, {"f", "2.34-60.el9_2.7"}}, "2.34-60.el9", true, "2.34-60.el9_2.7"},
		{"rpm at fix", rpm, [][2]string{{"i", "0"}, {"f", "8.7p1-38.el9_4.1"}}, "8.7p1-38.el9_4.1", false, "8.7p1-38.el9_4.1"},
		{"rpm numeric, not lexical", rpm, [][2]string{{"i", "0"}, {"f", "3.0.7-27.el9"}}, "3.0.7-100.el9", false, "3.0.7-27.el9"},
		{"rpm epoch wins", rpm, [][2]string{{"i", "0"}, {"f", "1:3.0.7-27.el9"}}, "3.0.9-1.el9", true, "1:3.0.7-27.el9"},
		{"rpm missing epoch is 0", rpm, [][2]string{{"i", "0"}, {"f", "0:1.0-2"}}, "1.0-1", true, "0:1.0-2"},
		{"rpm tilde sorts before", rpm, [][2]string{{"i", "0"}, {"f", "2.0-1"}}, "2.0~rc1-1", true, "2.0-1"},
	}
	kinds := map[string]eventKind{"i": introduced, "f": fixed, "l": lastAffected}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var evs []event
			for _, e := range tt.events {
				evs = append(evs, event{kind: kinds[e[0]], raw: e[1], ver: mustVer(t, tt.ord, e[1])})
			}
			aff, fix, _ := evaluate([][]event{evs}, mustVer(t, tt.ord, tt.version), map[string]int{})
			if aff != tt.affected || (aff && fix != tt.fix) {
				t.Errorf("evaluate(%s) = %v %q, want %v %q", tt.version, aff, fix, tt.affected, tt.fix)
			}
		})
	}
}

func TestLoadFeedForms(t *testing.T) {
	dir := t.TempDir()
	files, _ := filepath.Glob("testdata/feed/*.json")
	// A zip like osv.dev's all.zip, and one JSON array.
	zpath := filepath.Join(dir, "all.zip")
	zf, err := os.Create(zpath)
	must(t, err)
	zw := zip.NewWriter(zf)
	var arr []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		must(t, err)
		w, err := zw.Create(filepath.Base(f))
		must(t, err)
		_, err = w.Write(b)
		must(t, err)
		arr = append(arr, string(b))
	}
	must(t, zw.Close())
	must(t, zf.Close())
	apath := filepath.Join(dir, "array.json")
	must(t, os.WriteFile(apath, []byte("["+strings.Join(arr, ",")+"]"), 0o644))
	for _, p := range []string{"testdata/feed", zpath, apath, files[0]} {
		t.Run(filepath.Base(p), func(t *testing.T) {
			f, err := LoadFeed(p)
			if err != nil {
				t.Fatal(err)
			}
			want := len(files)
			if p == files[0] {
				want = 1
			}
			if f.Advisories != want {
				t.Errorf("loaded %d advisories, want %d", f.Advisories, want)
			}
		})
	}
}

func TestLoadFeedErrors(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"not json", "{", "not an OSV record"},
		{"no id", `{"summary":"x"}`, `no "id"`},
		{"bad version", `{"id":"X-1","affected":[{"package":{"ecosystem":"Debian:12","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"a b"}]}]}]}`, `affected[0].ranges[0]: events[1]: "a b" is not a Debian version`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFeed("f.json", []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want error containing %q", err, tt.want)
			}
		})
	}
	if _, err := LoadFeed(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no OSV advisories") {
		t.Errorf("empty directory: %v", err)
	}
}

func TestWithdrawnSkipped(t *testing.T) {
	f, err := ParseFeed("w.json", []byte(`{"id":"X-1","withdrawn":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Debian:12","name":"tar"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if res := Scan([]Package{{Name: "tar", Version: "1", Source: "tar", SourceVersion: "1"}}, f, "Debian:12", testNow); len(res.Findings) != 0 {
		t.Errorf("withdrawn advisory reported: %+v", res.Findings)
	}
}

func FuzzLoadFeed(f *testing.F) {
	files, _ := filepath.Glob("testdata/feed/*.json")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Add([]byte(`[{"id":"A"},{"id":"B","affected":[{"package":{"ecosystem":"Debian:12","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"last_affected":"1:2~3"}]}]}]}]`))
	pkgs, err := ReadInstalled("testdata/root")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, err := ParseFeed("fuzz.json", data)
		if err != nil {
			return
		}
		// Whatever loads must scan without panicking and count consistently.
		res := Scan(pkgs, feed, "Debian:12", testNow)
		n := 0
		for _, c := range res.Summary.BySeverity {
			n += c
		}
		if n != len(res.Findings) || res.Summary.Findings != len(res.Findings) {
			t.Fatalf("severity counts %d, findings %d", n, len(res.Findings))
		}
	})
}
