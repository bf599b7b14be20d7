package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine/enginetest"
)

const (
	vulnsFeed = "../../../internal/vulns/testdata/feed"
	vulnsRoot = "../../../internal/vulns/testdata/root"
)

func runVulns(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	now := func() time.Time { return time.Date(2024, 10, 3, 0, 0, 0, 0, time.UTC) }
	code := run(context.Background(), append([]string{"vulns"}, args...),
		env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }, catalog: testCatalog, now: now, packages: enginetest.FixtureBackend{}})
	return code, out.String(), errb.String()
}

func TestVulnsExitCodes(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		code    int
		wantOut string // substring of stdout
		wantErr string // substring of stderr
	}{
		{"fail on high", []string{"--fail-on", "high"}, exitFailures, "CVE-2023-6246", "4 fixable finding(s) at or above high"},
		{"default is high", nil, exitFailures, "CVE-2023-5363", "at or above high"},
		{"fail on critical", []string{"--fail-on", "critical"}, exitOK, "5 findings (4 fixable)", ""},
		{"fail on none", []string{"--fail-on", "none"}, exitOK, "no fix yet", ""},
		{"bad fail-on", []string{"--fail-on", "severe"}, exitUsage, "", "--fail-on"},
		{"bad format", []string{"--format", "pdf"}, exitUsage, "", "--format \"pdf\""},
		{"missing feed", []string{"--feed", "/nonexistent/feed.json"}, exitUsage, "", "--feed"},
		{"bad root", []string{"--root", "/nonexistent/root"}, exitUsage, "", "--root"},
		{"wrong ecosystem", []string{"--ecosystem", "Debian:11", "--fail-on", "high"}, exitOK, "0 findings", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--feed", vulnsFeed, "--root", vulnsRoot}, tt.args...)
			code, out, stderr := runVulns(t, args...)
			if code != tt.code || !strings.Contains(out, tt.wantOut) || !strings.Contains(stderr, tt.wantErr) {
				t.Fatalf("code %d (want %d)\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, stderr)
			}
		})
	}
	// An RPM root: AlmaLinux 9 rpmdb.sqlite, rpm EVR ordering.
	code, out, stderr := runVulns(t, "--feed", vulnsFeed+"/../rpmfeed", "--root", vulnsRoot+"/../rpmroot")
	if code != exitFailures || !strings.Contains(out, "CVE-2023-4911") || !strings.Contains(stderr, "1 fixable finding(s) at or above high") {
		t.Fatalf("rpm root: code %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	code, _, stderr = runVulns(t, "--root", vulnsRoot)
	if code != exitUsage || !strings.Contains(stderr, "--feed is required") {
		t.Fatalf("no --feed: code %d stderr %s", code, stderr)
	}
}

func TestVulnsJSONListsOnlyFindings(t *testing.T) {
	code, out, _ := runVulns(t, "--feed", vulnsFeed, "--root", vulnsRoot, "--format", "json", "--fail-on", "none")
	if code != exitOK {
		t.Fatalf("code %d", code)
	}
	var r struct {
		Summary struct {
			PackagesChecked int            `json:"packages_checked"`
			FixedNotPresent int            `json:"fixed_not_present"`
			BySeverity      map[string]int `json:"by_severity"`
			OldestAge       int            `json:"oldest_unpatched_fix_age_days"`
			FeedDate        time.Time      `json:"feed_date"`
		} `json:"summary"`
		Findings []struct {
			ID, Package, Severity string
			Installed             string `json:"installed_version"`
			Fixed                 string `json:"fixed_version"`
			Age                   *int   `json:"fix_age_days"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, f := range r.Findings {
		if f.ID == "CVE-2023-4911" || f.ID == "CVE-2023-47038" {
			t.Errorf("fixed CVE %s listed as a finding", f.ID)
		}
	}
	if len(r.Findings) != 5 || r.Summary.FixedNotPresent != 3 || r.Summary.PackagesChecked != 7 ||
		r.Summary.OldestAge != 345 || r.Summary.FeedDate.Format("2006-01-02") != "2024-09-02" {
		t.Errorf("report %+v", r)
	}
}

func TestVulnsJUnitAndHTML(t *testing.T) {
	_, out, _ := runVulns(t, "--feed", vulnsFeed, "--root", vulnsRoot, "--format", "junit", "--fail-on", "none")
	var suite struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal([]byte(out), &suite); err != nil || suite.Failures != 5 || suite.Tests != 6 {
		t.Fatalf("junit %+v %v\n%s", suite, err, out)
	}
	_, out, _ = runVulns(t, "--feed", vulnsFeed, "--root", vulnsRoot, "--format", "html", "--fail-on", "none")
	if !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.Contains(out, "<td>CVE-2023-5363</td>") {
		t.Fatalf("html:\n%s", out)
	}
}

// gateRoot is the CLI fixture root with the vulnerable packages of the vulns
// test root installed as well.
func gateRoot(t *testing.T) string {
	t.Helper()
	root := fixtureRoot(t)
	vuln, err := os.ReadFile(filepath.Join(vulnsRoot, "var/lib/dpkg/status"))
	if err != nil {
		t.Fatal(err)
	}
	status := filepath.Join(root, "var/lib/dpkg/status")
	own, err := os.ReadFile(status)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(status, append(append(own, '\n'), vuln...), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

type gateReport struct {
	Summary map[string]int `json:"summary"`
	Vulns   *struct {
		Summary struct {
			Fixable           int            `json:"fixable"`
			FixableBySeverity map[string]int `json:"fixable_by_severity"`
			FeedDate          time.Time      `json:"feed_date"`
			Oldest            int            `json:"oldest_unpatched_fix_age_days"`
		} `json:"summary"`
		Findings []struct{ ID string } `json:"findings"`
		FailOn   string                `json:"fail_on_fixable"`
		Failing  []string              `json:"failing"`
	} `json:"vulns"`
}

func TestApplyAndAuditVulnerabilityGate(t *testing.T) {
	tests := []struct {
		name     string
		cmd      string
		args     []string
		code     int
		failing  int
		wantErr  string // substring of stderr
		noReport bool
	}{
		{"apply fails on high", "apply", []string{"--fail-on-fixable", "high"}, exitFailures, 4, "CVE-2023-5363 openssl (high, fixed in 3.0.11-1~deb12u2)", false},
		{"apply default threshold is high", "apply", nil, exitFailures, 4, "4 fixable finding(s) at or above high", false},
		{"apply passes on critical", "apply", []string{"--fail-on-fixable", "critical"}, exitOK, 0, "", false},
		{"audit fails on medium", "audit", []string{"--fail-on-fixable", "medium"}, exitFailures, 4, "harden audit: 4 fixable", false},
		{"bad threshold", "apply", []string{"--fail-on-fixable", "severe"}, exitUsage, 0, "--fail-on-fixable", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := gateRoot(t)
			args := append([]string{tt.cmd, "--root", root, "--format", "json", "--vulns-feed", vulnsFeed}, tt.args...)
			if tt.cmd == "apply" {
				args = append(args, "--no-update")
			}
			if tt.cmd == "audit" {
				// Audit the hardened state, so only the scan can fail it.
				if code, _, stderr := runCLI(t, "apply", "--root", root, "--no-update"); code != exitOK {
					t.Fatalf("apply: %d %s", code, stderr)
				}
			}
			code, out, stderr := runCLI(t, args...)
			if code != tt.code || !strings.Contains(stderr, tt.wantErr) {
				t.Fatalf("exit %d (want %d)\nstderr:\n%s", code, tt.code, stderr)
			}
			if tt.noReport {
				if out != "" {
					t.Fatalf("usage error still produced a report:\n%s", out)
				}
				return
			}
			var r gateReport
			if err := json.Unmarshal([]byte(out), &r); err != nil || r.Vulns == nil {
				t.Fatalf("report without vulns (%v):\n%s", err, out)
			}
			v := r.Vulns
			if len(v.Failing) != tt.failing || v.Summary.Fixable != 4 || v.Summary.FixableBySeverity["high"] != 4 ||
				len(v.Findings) != 5 || v.Summary.FeedDate.Format(time.DateOnly) != "2024-09-02" || v.Summary.Oldest < 345 {
				t.Fatalf("vulns section %+v", v)
			}
		})
	}
}

func TestVulnerabilityGateFlagErrors(t *testing.T) {
	root := gateRoot(t)
	before, _ := os.ReadFile(filepath.Join(root, "var/lib/dpkg/status"))
	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"--fail-on-fixable", "high"}, "--fail-on-fixable needs --vulns-feed"},
		{[]string{"--vulns-feed", "/nonexistent/osv.zip"}, "--vulns-feed: load feed"},
	} {
		code, _, stderr := runCLI(t, append([]string{"apply", "--root", root, "--no-update"}, tt.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tt.wantErr) {
			t.Fatalf("%v: exit %d stderr %s", tt.args, code, stderr)
		}
	}
	// A bad feed stops apply before it changes anything (telnet stays).
	if after, _ := os.ReadFile(filepath.Join(root, "var/lib/dpkg/status")); string(after) != string(before) {
		t.Fatal("apply changed the target although its flags were invalid")
	}
	code, out, _ := runCLI(t, "apply", "--root", root, "--no-update", "--vulns-feed", vulnsFeed, "--fail-on-fixable", "none")
	if code != exitOK || !strings.Contains(out, "CVE-2023-6246") || !strings.Contains(out, "feed date 2024-09-02") {
		t.Fatalf("text report: exit %d\n%s", code, out)
	}
}
