package vulns

import (
	"reflect"
	"strings"
	"testing"
)

// testdata/rpmroot is an AlmaLinux 9 root whose rpmdb.sqlite was written by
// rpm itself (testdata/rpm/build.sh).
func TestReadInstalledRPM(t *testing.T) {
	pkgs, err := ReadInstalled("testdata/rpmroot")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Package{}
	for _, p := range pkgs {
		got[p.Name] = p
	}
	want := []Package{
		{Name: "glibc", Version: "2.34-60.el9", Source: "glibc", SourceVersion: "2.34-60.el9"},
		{Name: "glibc-common", Version: "2.34-60.el9", Source: "glibc", SourceVersion: "2.34-60.el9"},
		{Name: "openssl-libs", Version: "1:3.0.7-24.el9", Source: "openssl", SourceVersion: "1:3.0.7-24.el9"},
		{Name: "openssh-server", Version: "8.7p1-38.el9_4.1", Source: "openssh", SourceVersion: "8.7p1-38.el9_4.1"},
	}
	if len(pkgs) != len(want) {
		t.Errorf("got %d packages %v, want %d", len(pkgs), pkgs, len(want))
	}
	for _, w := range want {
		if got[w.Name] != w {
			t.Errorf("%s: got %+v, want %+v", w.Name, got[w.Name], w)
		}
	}
	eco, err := DetectEcosystem("testdata/rpmroot")
	if err != nil || eco != "AlmaLinux:9" {
		t.Errorf("DetectEcosystem = %q, %v; want AlmaLinux:9", eco, err)
	}
}

func TestReadInstalledNoDatabase(t *testing.T) {
	_, err := ReadInstalled(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "rpmdb.sqlite") || !strings.Contains(err.Error(), "dpkg") {
		t.Fatalf("want an error naming both databases, got %v", err)
	}
	if _, err := ReadRPMDB("testdata/rpmroot/etc/os-release"); err == nil {
		t.Fatal("a text file read as an rpm database: want an error")
	}
}

func TestParseSourceRPM(t *testing.T) {
	tests := []struct {
		in, name, vr string
		ok           bool
	}{
		{"openssl-3.0.7-24.el9.src.rpm", "openssl", "3.0.7-24.el9", true},
		{"python-setuptools-53.0.0-12.el9.src.rpm", "python-setuptools", "53.0.0-12.el9", true},
		{"foo-1-2.nosrc.rpm", "foo", "1-2", true},
		{"", "", "", false}, // gpg-pubkey and other headers without one
		{"noversion.src.rpm", "", "", false},
		{"a-1.x86_64.rpm", "", "", false}, // not a source rpm
	}
	for _, tt := range tests {
		name, vr, ok := parseSourceRPM(tt.in)
		if name != tt.name || vr != tt.vr || ok != tt.ok {
			t.Errorf("parseSourceRPM(%q) = %q %q %v, want %q %q %v", tt.in, name, vr, ok, tt.name, tt.vr, tt.ok)
		}
	}
}

func TestScanRPMFixture(t *testing.T) {
	pkgs, err := ReadInstalled("testdata/rpmroot")
	if err != nil {
		t.Fatal(err)
	}
	feed, err := LoadFeed("testdata/rpmfeed")
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ id, pkg, fixed, severity string }
	tests := []struct {
		ecosystem       string
		want            []row
		binaries        map[string][]string
		fixedNotPresent int
	}{
		{
			// Keyed by source (glibc), binary (openssl-libs) and a source
			// whose installed version has the fix (openssh); the Rocky
			// record for the same glibc must not apply.
			ecosystem: "AlmaLinux:9",
			want: []row{
				{"CVE-2023-4911", "glibc", "2.34-60.el9_2.7", SeverityHigh},
				{"CVE-2023-3446", "openssl-libs", "1:3.0.7-27.el9", SeverityLow},
				{"CVE-2023-3817", "openssl-libs", "1:3.0.7-27.el9", SeverityLow},
				{"CVE-2023-5678", "openssl-libs", "1:3.0.7-27.el9", SeverityLow},
				{"CVE-2024-0727", "openssl-libs", "1:3.0.7-27.el9", SeverityLow},
			},
			binaries:        map[string][]string{"CVE-2023-4911": {"glibc", "glibc-common"}},
			fixedNotPresent: 1,
		},
		// Red Hat's repository suffix ("::baseos") is dropped, and an
		// explicit "0:" epoch equals none.
		{ecosystem: "Red Hat:enterprise_linux:9", fixedNotPresent: 1},
		{ecosystem: "Red Hat:enterprise_linux:9::appstream", fixedNotPresent: 1},
		{ecosystem: "Rocky Linux:9", want: []row{{"CVE-2023-4911", "glibc", "2.34-60.el9_2.7", SeverityHigh}}, binaries: map[string][]string{"CVE-2023-4911": {"glibc", "glibc-common"}}},
	}
	for _, tt := range tests {
		t.Run(tt.ecosystem, func(t *testing.T) {
			res := Scan(pkgs, feed, tt.ecosystem, testNow)
			var got []row
			for _, f := range res.Findings {
				got = append(got, row{f.ID, f.Package, f.FixedVersion, f.Severity})
				if b, ok := tt.binaries[f.ID]; ok && !reflect.DeepEqual(f.Binaries, b) {
					t.Errorf("%s binaries = %v, want %v", f.ID, f.Binaries, b)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("findings:\n got %v\nwant %v", got, tt.want)
			}
			if res.Summary.FixedNotPresent != tt.fixedNotPresent {
				t.Errorf("fixed_not_present = %d, want %d", res.Summary.FixedNotPresent, tt.fixedNotPresent)
			}
		})
	}
}

func TestFeedSkipsUnknownEcosystems(t *testing.T) {
	// A PyPI version is no distribution version; the record is skipped, not
	// rejected, since osv.dev's all.zip mixes ecosystems.
	f, err := ParseFeed("x.json", []byte(`{"id":"PYSEC-1","affected":[{"package":{"ecosystem":"PyPI","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"not a deb version!"}]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.entries) != 0 || f.Advisories != 1 {
		t.Fatalf("entries %v, advisories %d; want none indexed, one counted", f.entries, f.Advisories)
	}
}
