package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"
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
		env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }, catalog: testCatalog, now: now})
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
	code, _, stderr := runVulns(t, "--root", vulnsRoot)
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
