package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

func sample() *Report {
	rule := func(id, section string, refs ...string) *engine.Rule {
		r := &engine.Rule{ID: id, Title: "title of " + id, Section: section, Level: 1}
		for _, c := range refs {
			r.CIS = append(r.CIS, engine.CISRef{Benchmark: "cis-debian-12", Version: "1.1.0", Control: c})
		}
		r.CIS = append(r.CIS, engine.CISRef{Benchmark: "cis-rhel-9", Control: "9.9.9"})
		return r
	}
	failing := rule("b-fail", "5", "5.1.16")
	failing.Rationale = "limits password guessing per connection"
	failing.MLPS = []string{"GB/T 22239-2019 8.1.4.1 身份鉴别"}
	waived := rule("c-waived", "3", "3.3.1")
	waived.MLPS = []string{"GB/T 22239-2019 8.1.4.4 入侵防范"}
	passing := rule("a-pass", "1", "1.1.1.1")
	passing.Rationale = "a separate /tmp keeps <temporary> files off the root file system"
	results := []engine.Result{
		{Rule: passing, Status: engine.StatusPass, Detail: "ok"},
		{Rule: failing, Status: engine.StatusFail, Detail: "MaxAuthTries is 6 <script>", Checks: []engine.CheckResult{
			{Check: "sshd MaxAuthTries 4", Status: engine.StatusFail, Detail: "MaxAuthTries is 6"},
			{Check: "sshd LoginGraceTime 60", Status: engine.StatusPass}}},
		{Rule: waived, Status: engine.StatusWaived, Detail: "waived: legacy router (until 2027-03-31)", WaiverReason: "legacy router", WaiverExpires: "2027-03-31"},
		{Rule: rule("d-manual", "1"), Status: engine.StatusManual, Detail: "needs a console"},
		{Rule: rule("e-error", "4", "4.1"), Status: engine.StatusError, Detail: "read failed"},
		{Rule: rule("f-na", "2"), Status: engine.StatusNotApplicable, Detail: "no sshd"},
		{Rule: rule("g-fixed", "6", "7.1.1"), Status: engine.StatusFixed, Detail: "fixed"},
	}
	ts := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	return New(Meta{
		Tool: "harden", Version: "1.0.0", Command: "audit",
		Profile: &engine.Profile{ID: "debian-12", Benchmark: "cis-debian-12", BenchmarkVersion: "1.1.0",
			Manual:      []engine.Exclusion{{Control: "1.4.1", Reason: "bootloader password needs a console"}},
			NotForImage: []engine.Exclusion{{Control: "1.1.2.1", Reason: "partitioning is fixed by the image"}}},
		Platform: engine.Platform{Family: "debian", Version: "12"}, OS: engine.OSRelease{PrettyName: "Debian GNU/Linux 12"},
		Root: "/", Mode: engine.ModeImage, StartedAt: ts, Duration: 1500 * time.Millisecond,
		Packages: engine.PackageState{Manager: engine.PkgApt, Count: 300, Hash: strings.Repeat("ab", 32), UpdatedAt: &ts},
	}, results)
}

func TestJSONContract(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["profile"] != "debian-12" {
		t.Errorf("profile = %v", doc["profile"])
	}
	sum := doc["summary"].(map[string]any)
	want := map[string]float64{"pass": 1, "fail": 1, "not_applicable": 1, "waived": 1, "manual": 1, "fixed": 1, "error": 1, "total": 7}
	for k, v := range want {
		if sum[k] != v {
			t.Errorf("summary[%s] = %v, want %v", k, sum[k], v)
		}
	}
	rules := doc["rules"].([]any)
	first := rules[0].(map[string]any)
	for _, k := range []string{"id", "status", "cis", "detail"} {
		if _, ok := first[k]; !ok {
			t.Errorf("rule lacks contract field %q: %v", k, first)
		}
	}
	if cis := first["cis"].([]any); len(cis) != 1 || cis[0] != "1.1.1.1" {
		t.Errorf("cis = %v, want the profile benchmark's control only", cis)
	}
	for _, r := range rules {
		m := r.(map[string]any)
		if m["id"] == "c-waived" && (m["waiver_reason"] != "legacy router" || m["waiver_expires"] != "2027-03-31") {
			t.Errorf("waiver reason or expiry missing: %v", m)
		}
		if _, ok := m["waiver_expires"]; m["id"] != "c-waived" && ok {
			t.Errorf("only a waiver with a date has waiver_expires: %v", m)
		}
		if m["id"] == "b-fail" && m["rationale"] != "limits password guessing per connection" {
			t.Errorf("rationale missing: %v", m)
		}
		if _, ok := m["rationale"]; m["id"] == "c-waived" && ok {
			t.Errorf("a rule without a rationale must omit the field: %v", m)
		}
		if m["id"] == "d-manual" && len(m["cis"].([]any)) != 0 {
			t.Errorf("cis must be an empty list, not null: %v", m["cis"])
		}
	}
}

func TestJUnit(t *testing.T) {
	var buf bytes.Buffer
	if err := JUnit(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("junit not well-formed: %v\n%s", err, buf.String())
	}
	if doc.Tests != 7 || doc.Failures != 1 || doc.Errors != 1 || doc.Skipped != 3 || len(doc.Suites) != 6 {
		t.Errorf("junit counts: tests %d failures %d errors %d skipped %d suites %d", doc.Tests, doc.Failures, doc.Errors, doc.Skipped, len(doc.Suites))
	}
	if !strings.Contains(buf.String(), `message="waived: legacy router (until 2027-03-31)"`) {
		t.Errorf("junit lacks the waiver reason and expiry:\n%s", buf.String())
	}
	mlps := map[string]string{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			mlps[c.Name] = c.SystemOut
		}
	}
	if got := mlps["b-fail: title of b-fail"]; got != "CIS cis-debian-12 5.1.16\nMLPS GB/T 22239-2019 8.1.4.1 身份鉴别" {
		t.Errorf("junit system-out of b-fail = %q, want its CIS and MLPS references", got)
	}
	if got := mlps["a-pass: title of a-pass"]; strings.Contains(got, "MLPS") {
		t.Errorf("a rule without MLPS references lists some: %q", got)
	}
}

func TestHTMLAndText(t *testing.T) {
	var h bytes.Buffer
	if err := HTML(&h, sample()); err != nil {
		t.Fatal(err)
	}
	page := h.String()
	for _, want := range []string{"<!DOCTYPE html>", "Failed rules", "5 Access, authentication and authorization",
		"legacy router", "partitioning is fixed by the image", "cis-debian-12 v1.1.0 5.1.16", "&lt;script&gt;",
		"<summary>2 checks</summary>", "sshd LoginGraceTime 60",
		"Why: limits password guessing per connection", "Why: a separate /tmp keeps &lt;temporary&gt; files",
		"<th>MLPS</th>", `<td class="mlps">8.1.4.1 身份鉴别</td>`, `<td class="mlps">8.1.4.4 入侵防范</td>`, "GB/T 22239-2019 (等保 2.0",
		"Waived: legacy router (until 2027-03-31)", "<h2>Waivers</h2>", "<td>legacy router</td><td>2027-03-31</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("html lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, "http://") || strings.Contains(page, "https://") {
		t.Error("html must be self-contained and escape details")
	}
	// Failed rules come first: the problem table lists b-fail before any section table.
	if i, j := strings.Index(page, "b-fail"), strings.Index(page, "a-pass"); i < 0 || j < 0 || i > j {
		t.Errorf("failed rule not listed first (%d vs %d)", i, j)
	}
	var txt bytes.Buffer
	if err := Text(&txt, sample()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(txt.String(), "\n")
	if !strings.Contains(txt.String(), "   why: limits password guessing per connection\n") || strings.Contains(txt.String(), "why: a separate /tmp") {
		t.Errorf("text report must give the rationale of problems only:\n%s", txt.String())
	}
	for _, want := range []string{"FAIL           b-fail [CIS 5.1.16] [MLPS 8.1.4.1 身份鉴别] — title of b-fail\n",
		"WAIVED         c-waived [CIS 3.3.1] [MLPS 8.1.4.4 入侵防范] — title of c-waived\n",
		"PASS           a-pass [CIS 1.1.1.1] — title of a-pass\n",
		"MLPS = GB/T 22239-2019 (等保 2.0, level 3)", "\nwaivers (1):\n  c-waived", "legacy router (until 2027-03-31)\n"} {
		if !strings.Contains(txt.String(), want) {
			t.Errorf("text report lacks %q", want)
		}
	}
	if !strings.HasPrefix(lines[4], "FAIL") || !strings.Contains(txt.String(), "7 rules: 1 pass, 1 fixed, 1 fail, 1 error, 1 waived, 1 manual, 1 not applicable") {
		t.Errorf("text report:\n%s", txt.String())
	}
}

func TestWriteRejectsUnknownFormat(t *testing.T) {
	if err := Write(&bytes.Buffer{}, "pdf", sample()); err == nil {
		t.Error("pdf accepted")
	}
	for name, want := range map[string]string{"a.json": "json", "a.xml": "junit", "a.html": "html", "a.txt": "text"} {
		if got := FormatForFile(name); got != want {
			t.Errorf("FormatForFile(%s) = %s", name, got)
		}
	}
}
