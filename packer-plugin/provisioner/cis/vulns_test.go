package cis

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testFeed = "../../../internal/vulns/testdata/feed"

func TestConfigPrepareVulns(t *testing.T) {
	tests := []struct {
		name       string
		raw        map[string]interface{}
		want       string // error substring; "" = valid
		wantFailOn string
	}{
		{"no feed", map[string]interface{}{}, "", ""},
		{"feed dir, default threshold", map[string]interface{}{"vulns_feed": testFeed}, "", "high"},
		{"feed file, critical", map[string]interface{}{"vulns_feed": testFeed + "/DSA-5532-1.json", "fail_on_fixable": "Critical"}, "", "critical"},
		{"url, none", map[string]interface{}{"vulns_feed": "http://127.0.0.1:8080/osv/Debian.zip", "fail_on_fixable": "none"}, "", "none"},
		{"threshold without feed", map[string]interface{}{"fail_on_fixable": "high"}, "fail_on_fixable needs vulns_feed", ""},
		{"bad threshold", map[string]interface{}{"vulns_feed": testFeed, "fail_on_fixable": "severe"}, "fail_on_fixable: \"severe\" is not a severity threshold", ""},
		{"missing feed", map[string]interface{}{"vulns_feed": "/nonexistent/osv.zip"}, "vulns_feed: stat /nonexistent/osv.zip", ""},
		{"feed not json or zip", map[string]interface{}{"vulns_feed": "../../../internal/vulns/testdata/README.md"}, "must end in .json or .zip", ""},
		{"bad url", map[string]interface{}{"vulns_feed": "http:///osv.zip"}, "vulns_feed \"http:///osv.zip\" is not a valid", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c Config
			err := c.Prepare(tc.raw)
			if tc.want != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("got %v, want %q", err, tc.want)
				}
				return
			}
			if err != nil || c.FailOnFixable != tc.wantFailOn {
				t.Fatalf("err %v, fail_on_fixable %q (want %q)", err, c.FailOnFixable, tc.wantFailOn)
			}
		})
	}
}

func TestLocalFeed(t *testing.T) {
	zipped, done, err := localFeed(context.Background(), testFeed, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(zipped, ".zip") {
		t.Fatalf("a directory feed is uploaded as one zip, got %s", zipped)
	}
	done()
	if _, err := os.Stat(zipped); !os.IsNotExist(err) {
		t.Fatalf("done left %s behind: %v", zipped, err)
	}

	file := filepath.Join(testFeed, "DSA-5532-1.json")
	if p, _, err := localFeed(context.Background(), file, t.TempDir()); err != nil || p != file {
		t.Fatalf("a feed file is used as is: %q %v", p, err)
	}

	// A URL mirror on loopback, serving a zip and a JSON record.
	zipBytes, err := os.ReadFile(zipDirForTest(t))
	if err != nil {
		t.Fatal(err)
	}
	record, _ := os.ReadFile(file)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/Debian/all.zip":
			_, _ = w.Write(zipBytes)
		case "/one":
			_, _ = w.Write(record)
		case "/empty.json":
			_, _ = w.Write([]byte("[]"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	for _, tc := range []struct{ path, ext, err string }{
		{"/Debian/all.zip", ".zip", ""},
		{"/one", ".json", ""},
		{"/missing.zip", "", "HTTP 404"},
		{"/empty.json", "", "no OSV advisories found"},
	} {
		tmp := t.TempDir()
		p, done, err := localFeed(context.Background(), srv.URL+tc.path, tmp)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "vulns_feed") {
				t.Fatalf("%s: err %v, want %q naming vulns_feed", tc.path, err, tc.err)
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Fatalf("%s: failed download left %v", tc.path, left)
			}
			continue
		}
		if err != nil || filepath.Ext(p) != tc.ext {
			t.Fatalf("%s: %q %v", tc.path, p, err)
		}
		done()
		if left, _ := os.ReadDir(tmp); len(left) != 0 {
			t.Fatalf("%s: done left %v", tc.path, left)
		}
	}
}

func zipDirForTest(t *testing.T) string {
	t.Helper()
	p, err := zipDir(testFeed, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVulnGateFromReport(t *testing.T) {
	report := []byte(`{"profile":"debian-12","vulns":{"summary":{"findings":5,"fixable":4,
		"fixable_by_severity":{"high":4},"feed_date":"2024-09-02T00:00:00Z","oldest_unpatched_fix_age_days":345},
		"fail_on_fixable":"high","failing":["CVE-2023-5363 openssl (high, fixed in 3.0.11-1~deb12u2)"]}}`)
	g, err := readVulnGate(report)
	if err != nil {
		t.Fatal(err)
	}
	if got := g.line(); got != "vulnerabilities: 4 fixable (4 high), 1 without a fix yet; feed date 2024-09-02; oldest missing fix 345 days" {
		t.Fatalf("line %q", got)
	}
	err = g.err()
	if err == nil || !strings.Contains(err.Error(), `1 fixable vulnerability at or above fail_on_fixable = "high"`) ||
		!strings.Contains(err.Error(), "CVE-2023-5363 openssl (high, fixed in 3.0.11-1~deb12u2)") {
		t.Fatalf("gate error %v", err)
	}
	g.Failing = nil
	if g.err() != nil {
		t.Fatal("no failing findings must pass the gate")
	}
	if _, err := readVulnGate([]byte(`{"profile":"debian-12"}`)); err == nil {
		t.Fatal("a report without a scan was accepted")
	}
}
