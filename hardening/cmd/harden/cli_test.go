package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine/enginetest"
	p "github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

func testCatalog() (*engine.Catalog, error) {
	rules := []*engine.Rule{
		{ID: "sysctl-ip-forward", Title: "no forwarding", Section: "3", Level: 1,
			CIS:    []engine.CISRef{{Benchmark: "cis-debian-12", Control: "3.3.1"}},
			Checks: []engine.Check{p.Sysctl{Key: "net.ipv4.ip_forward", Value: "0"}}},
		{ID: "pkg-auditd", Title: "auditd", Section: "4", Level: 1,
			Checks: []engine.Check{p.Package{Apt: "auditd", Dnf: "audit", Present: true}}},
		{ID: "pkg-telnet-absent", Title: "no telnet", Section: "2", Level: 1, Checks: []engine.Check{p.Absent("telnet")}},
		{ID: "ssh-max-auth-tries", Title: "MaxAuthTries", Section: "5", Level: 1, Order: engine.OrderLate,
			Checks: []engine.Check{p.SSHDOption{Key: "MaxAuthTries", Value: "4", Default: "6"}}},
		{ID: "banner", Title: "banner", Section: "1", Level: 1,
			Checks: []engine.Check{p.FileContent{Path: "/etc/issue.net", Content: "Authorized use only.\n"}}},
		{ID: "bootloader-password", Title: "grub password", Section: "1", Level: 1, Manual: "no console"},
	}
	ids := []string{}
	for _, r := range rules {
		ids = append(ids, r.ID)
	}
	return engine.NewCatalog(rules, []*engine.Profile{
		{ID: "debian-12", Platform: engine.Platform{Family: "debian", Version: "12"}, Benchmark: "cis-debian-12", Rules: ids,
			NotForImage: []engine.Exclusion{{Control: "1.1.2.1", Reason: "partitioning is fixed by the cloud image"}}},
		{ID: "rhel-9", Platform: engine.Platform{Family: "rhel", Version: "9"}, Rules: ids},
	})
}

func fixtureRoot(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"/etc/os-release":              "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n",
		"/var/lib/dpkg/status":         "Package: telnet\nStatus: install ok installed\nVersion: 0.17\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2\n",
		"/etc/ssh/sshd_config":         "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin prohibit-password\n",
		"/etc/sysctl.d/99-sysctl.conf": "net.ipv4.ip_forward=1\n",
		"/etc/issue.net":               "Debian 12\n",
	}
	for path, c := range files {
		hp := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(hp), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(hp, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }, catalog: testCatalog, packages: enginetest.FixtureBackend{}})
	return code, out.String(), errb.String()
}

type jsonReport struct {
	Profile string         `json:"profile"`
	Summary map[string]int `json:"summary"`
	Rules   []struct {
		ID, Status, Detail, WaiverReason string
		CIS                              []string `json:"cis"`
	} `json:"rules"`
	Changes *struct {
		Installed, Removed, Files []string
	} `json:"changes"`
	Packages struct {
		Count int    `json:"count"`
		Hash  string `json:"sha256"`
	} `json:"packages"`
}

func decode(t *testing.T, s string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("json report: %v\n%s", err, s)
	}
	return r
}

func TestApplyAuditIdempotentOnFixtureRoot(t *testing.T) {
	root := fixtureRoot(t)
	code, out, stderr := runCLI(t, "audit", "--root", root, "--format", "json")
	if code != exitFailures {
		t.Fatalf("audit before apply: exit %d, want 1\n%s", code, stderr)
	}
	before := decode(t, out)
	if before.Profile != "debian-12" || before.Summary["fail"] != 5 || before.Summary["manual"] != 1 {
		t.Fatalf("audit summary %v", before.Summary)
	}
	for _, r := range before.Rules {
		if r.ID == "sysctl-ip-forward" && (len(r.CIS) != 1 || r.CIS[0] != "3.3.1") {
			t.Errorf("cis of %s = %v", r.ID, r.CIS)
		}
	}
	report := filepath.Join(t.TempDir(), "apply.html")
	code, out, stderr = runCLI(t, "apply", "--root", root, "--no-update", "--format", "json", "--report", report)
	if code != exitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, stderr)
	}
	first := decode(t, out)
	if first.Summary["fixed"] != 5 || first.Summary["fail"] != 0 {
		t.Fatalf("apply summary %v", first.Summary)
	}
	if strings.Join(first.Changes.Installed, ",") != "auditd" || strings.Join(first.Changes.Removed, ",") != "telnet" {
		t.Errorf("package changes %+v", first.Changes)
	}
	html, err := os.ReadFile(report)
	if err != nil || !strings.Contains(string(html), "<!DOCTYPE html>") || !strings.Contains(string(html), "partitioning is fixed") {
		t.Errorf("html report missing or incomplete: %v", err)
	}
	code, out, _ = runCLI(t, "apply", "--root", root, "--no-update", "--format", "json")
	second := decode(t, out)
	if code != exitOK || len(second.Changes.Files) != 0 || len(second.Changes.Installed) != 0 || len(second.Changes.Removed) != 0 {
		t.Fatalf("second apply: exit %d changes %+v", code, second.Changes)
	}
	if second.Packages.Hash != first.Packages.Hash || second.Packages.Count != 2 {
		t.Errorf("package state changed: %+v vs %+v", second.Packages, first.Packages)
	}
	code, out, _ = runCLI(t, "audit", "--root", root, "--format", "json")
	if code != exitOK || decode(t, out).Summary["pass"] != 5 {
		t.Fatalf("audit after apply: exit %d %s", code, out)
	}
}

func TestWaiversInEveryFormat(t *testing.T) {
	root := fixtureRoot(t)
	for _, format := range []string{"text", "json", "junit", "html"} {
		code, out, stderr := runCLI(t, "audit", "--root", root, "--format", format, "--waive", "pkg-telnet-absent=legacy app needs it@2999-12-31,banner=approved")
		if code != exitFailures {
			t.Fatalf("%s: exit %d %s", format, code, stderr)
		}
		if !strings.Contains(out, "legacy app needs it") || !strings.Contains(out, "2999-12-31") {
			t.Errorf("%s report lacks the waiver reason or its expiry:\n%s", format, out)
		}
		if format == "junit" {
			var v struct{}
			if err := xml.Unmarshal([]byte(out), &v); err != nil {
				t.Errorf("junit is not well-formed XML: %v", err)
			}
		}
		if format == "json" {
			for _, r := range decode(t, out).Rules {
				if (r.ID == "pkg-telnet-absent" || r.ID == "banner") && r.Status != "waived" {
					t.Errorf("%s status %s, want waived", r.ID, r.Status)
				}
			}
		}
	}
}

func TestExitCodes(t *testing.T) {
	root := fixtureRoot(t)
	unsupported := t.TempDir()
	if err := os.MkdirAll(filepath.Join(unsupported, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(unsupported, "etc/os-release"), []byte("ID=centos\nVERSION_ID=\"7\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waivers := filepath.Join(t.TempDir(), "waivers")
	if err := os.WriteFile(waivers, []byte("# comment\nbanner approved by security team\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"no command", nil, exitUsage},
		{"unknown command", []string{"frobnicate"}, exitUsage},
		{"unknown waiver", []string{"audit", "--root", root, "--waive", "no-such-rule=x"}, exitUsage},
		{"unknown waiver apply", []string{"apply", "--root", root, "--no-update", "--waive", "no-such-rule=x"}, exitUsage},
		{"unknown profile", []string{"audit", "--root", root, "--profile", "windows"}, exitUsage},
		{"bad format", []string{"audit", "--root", root, "--format", "pdf"}, exitUsage},
		{"bad update", []string{"apply", "--root", root, "--update", "sometimes"}, exitUsage},
		{"missing root", []string{"audit", "--root", "/nonexistent/root"}, exitUsage},
		{"unsupported os", []string{"audit", "--root", unsupported}, exitUnsupported},
		{"explicit profile on unsupported os", []string{"audit", "--root", unsupported, "--profile", "rhel-9", "--format", "json"}, exitFailures},
		{"waiver file", []string{"audit", "--root", root, "--waivers", waivers}, exitFailures},
		{"profiles", []string{"profiles"}, exitOK},
		{"rules", []string{"rules", "--profile", "debian-12"}, exitOK},
	}
	for _, tc := range cases {
		code, out, stderr := runCLI(t, tc.args...)
		if code != tc.want {
			t.Errorf("%s: exit %d, want %d\n%s%s", tc.name, code, tc.want, out, stderr)
		}
	}
}

func TestApplyRollsBackOnFailedValidation(t *testing.T) {
	root := fixtureRoot(t)
	bad := func() (*engine.Catalog, error) {
		rules := []*engine.Rule{
			{ID: "sysctl-ip-forward", Title: "no forwarding", Section: "3", Level: 1,
				Checks: []engine.Check{p.Sysctl{Key: "net.ipv4.ip_forward", Value: "0"}}},
			{ID: "broken-sshd", Title: "a change sshd -t rejects", Section: "5", Level: 1, Order: engine.OrderLate,
				Checks: []engine.Check{p.Func{Desc: "always fails",
					AuditFn: func(ctx context.Context, t *engine.Target) engine.Finding { return engine.Fail("bad") },
					FixFn: func(ctx context.Context, t *engine.Target, pl *engine.Plan) error {
						pl.Step("write", func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
							return tx.WriteFile("/etc/ssh/sshd_config.d/50-bad.conf", []byte("Bogus yes\n"), 0o600)
						})
						pl.Validate("sshd -t", func(ctx context.Context, t *engine.Target) error {
							return errors.New("/etc/ssh/sshd_config.d/50-bad.conf line 1: Bad configuration option: Bogus")
						})
						return nil
					}}}},
		}
		return engine.NewCatalog(rules, []*engine.Profile{{ID: "debian-12", Platform: engine.Platform{Family: "debian", Version: "12"},
			Rules: []string{"sysctl-ip-forward", "broken-sshd"}}})
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"apply", "--root", root, "--no-update", "--format", "json"},
		env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }, catalog: bad, packages: enginetest.FixtureBackend{}})
	if code != exitApplyError {
		t.Fatalf("exit %d, want 4\n%s", code, errb.String())
	}
	if !strings.Contains(out.String(), "rolled back") {
		t.Errorf("report does not say rolled back:\n%s", out.String())
	}
	for _, f := range []string{"etc/ssh/sshd_config.d/50-bad.conf", "etc/sysctl.d/99-zz-hardened-cis.conf"} {
		if _, err := os.Stat(filepath.Join(root, f)); !os.IsNotExist(err) {
			t.Errorf("%s survived the rollback", f)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(root, "etc/sysctl.d/99-sysctl.conf")); string(b) != "net.ipv4.ip_forward=1\n" {
		t.Errorf("conflicting sysctl file not restored: %q", b)
	}
}
