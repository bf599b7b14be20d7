// Package report renders audit and apply results as text (terminal), JSON
// (machines), JUnit XML (CI) and a self-contained HTML page (people).
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/vulns"
)

// Summary counts rules per status. The first five fields are the bundle
// contract; fixed, error and total are additions.
type Summary struct {
	Pass          int `json:"pass"`
	Fail          int `json:"fail"`
	NotApplicable int `json:"not_applicable"`
	Waived        int `json:"waived"`
	Manual        int `json:"manual"`
	Fixed         int `json:"fixed"`
	Error         int `json:"error"`
	Total         int `json:"total"`
}

// RuleResult is one rule in a report.
type RuleResult struct {
	ID      string        `json:"id"`
	Status  engine.Status `json:"status"`
	CIS     []string      `json:"cis"` // control ids in the profile's benchmark
	Detail  string        `json:"detail"`
	Title   string        `json:"title"`
	Section string        `json:"section"`
	Level   int           `json:"level"`
	// Rationale says in one line what the rule protects against.
	Rationale string `json:"rationale,omitempty"`
	// References lists every CIS reference of the rule (all benchmarks).
	References   []engine.CISRef `json:"references,omitempty"`
	MLPS         []string        `json:"mlps,omitempty"`
	WaiverReason string          `json:"waiver_reason,omitempty"`
	// WaiverExpires is the waiver's last day (YYYY-MM-DD), when it has one.
	WaiverExpires string               `json:"waiver_expires,omitempty"`
	AuditOnly     bool                 `json:"audit_only,omitempty"`
	Checks        []engine.CheckResult `json:"checks,omitempty"`
}

// Exclusion is a control the profile does not automate, with its reason.
type Exclusion struct {
	Kind    string `json:"kind"` // "manual" | "not_for_image"
	Control string `json:"control"`
	Title   string `json:"title,omitempty"`
	Reason  string `json:"reason"`
}

// Changes is what an apply changed.
type Changes struct {
	Installed []string `json:"installed"`
	Removed   []string `json:"removed"`
	Files     []string `json:"files"`
	Validated []string `json:"validated,omitempty"`
	Activated []string `json:"activated,omitempty"`
	Cleanup   []string `json:"cleanup,omitempty"`
}

// Report is the document every format renders.
type Report struct {
	Profile          string              `json:"profile"`
	Summary          Summary             `json:"summary"`
	Rules            []RuleResult        `json:"rules"`
	Tool             string              `json:"tool"`
	Version          string              `json:"version"`
	Command          string              `json:"command"`
	Benchmark        string              `json:"benchmark,omitempty"`
	BenchmarkVersion string              `json:"benchmark_version,omitempty"`
	Platform         string              `json:"platform"`
	OS               string              `json:"os"`
	Root             string              `json:"root"`
	Mode             engine.Mode         `json:"mode"`
	StartedAt        time.Time           `json:"started_at"`
	DurationMS       int64               `json:"duration_ms"`
	Packages         engine.PackageState `json:"packages"`
	Changes          *Changes            `json:"changes,omitempty"`
	Error            string              `json:"error,omitempty"`
	// BuilderException describes a temporary login exception kept for the
	// image builder until image cleanup.
	BuilderException string      `json:"builder_exception,omitempty"`
	Exclusions       []Exclusion `json:"exclusions"`
	// Vulns is the vulnerability scan after patching (--vulns-feed).
	Vulns *VulnGate `json:"vulns,omitempty"`
}

// VulnGate is a vulnerability scan with its build-gate verdict: the summary
// (counts by severity, feed date, oldest missing fix) and the findings.
type VulnGate struct {
	vulns.Result
	// FailOnFixable is the threshold: fixable findings at or above it fail.
	FailOnFixable string `json:"fail_on_fixable"`
	// Failing lists the ids ("CVE package") of the findings that fail it.
	Failing []string `json:"failing"`
}

// NewVulnGate judges res against threshold (critical, high, medium, none).
func NewVulnGate(res *vulns.Result, threshold string) *VulnGate {
	g := &VulnGate{Result: *res, FailOnFixable: threshold, Failing: []string{}}
	for _, f := range res.Failing(threshold) {
		g.Failing = append(g.Failing, fmt.Sprintf("%s %s (%s, fixed in %s)", f.ID, f.Package, f.Severity, f.FixedVersion))
	}
	return g
}

// Meta is the run context New records.
type Meta struct {
	Tool, Version, Command string
	Profile                *engine.Profile
	Platform               engine.Platform
	OS                     engine.OSRelease
	Root                   string
	Mode                   engine.Mode
	StartedAt              time.Time
	Duration               time.Duration
	Packages               engine.PackageState
}

// New builds a report from results.
func New(m Meta, results []engine.Result) *Report {
	r := &Report{
		Tool: m.Tool, Version: m.Version, Command: m.Command,
		Platform: m.Platform.ID(), OS: m.OS.PrettyName, Root: m.Root, Mode: m.Mode,
		StartedAt: m.StartedAt.UTC(), DurationMS: m.Duration.Milliseconds(), Packages: m.Packages,
		Rules: []RuleResult{}, Exclusions: []Exclusion{},
	}
	if r.OS == "" {
		r.OS = strings.TrimSpace(m.OS.Name + " " + m.OS.VersionID)
	}
	bench := ""
	if p := m.Profile; p != nil {
		r.Profile, r.Benchmark, r.BenchmarkVersion = p.ID, p.Benchmark, p.BenchmarkVersion
		bench = p.Benchmark
		for _, e := range p.Manual {
			r.Exclusions = append(r.Exclusions, Exclusion{"manual", e.Control, e.Title, e.Reason})
		}
		for _, e := range p.NotForImage {
			r.Exclusions = append(r.Exclusions, Exclusion{"not_for_image", e.Control, e.Title, e.Reason})
		}
	}
	for _, res := range results {
		rr := RuleResult{
			ID: res.Rule.ID, Status: res.Status, Detail: res.Detail, Title: res.Rule.Title,
			Rationale: res.Rule.Rationale, Section: res.Rule.Section, Level: res.Rule.Level, References: res.Rule.CIS, MLPS: res.Rule.MLPS,
			WaiverReason: res.WaiverReason, WaiverExpires: res.WaiverExpires, AuditOnly: res.Rule.AuditOnly, Checks: res.Checks, CIS: []string{},
		}
		for _, c := range res.Rule.CISFor(bench) {
			rr.CIS = append(rr.CIS, c.Control)
		}
		r.Rules = append(r.Rules, rr)
		r.Summary.add(res.Status)
	}
	sort.SliceStable(r.Rules, func(i, j int) bool { return r.Rules[i].ID < r.Rules[j].ID })
	return r
}

func (s *Summary) add(st engine.Status) {
	s.Total++
	switch st {
	case engine.StatusPass:
		s.Pass++
	case engine.StatusFail:
		s.Fail++
	case engine.StatusNotApplicable:
		s.NotApplicable++
	case engine.StatusWaived:
		s.Waived++
	case engine.StatusManual:
		s.Manual++
	case engine.StatusFixed:
		s.Fixed++
	case engine.StatusError:
		s.Error++
	}
}

// Failed reports whether any rule failed or errored.
func (r *Report) Failed() bool { return r.Summary.Fail > 0 || r.Summary.Error > 0 || r.Error != "" }

// Waived returns the waived rules by id, for the waiver list every
// human-readable format ends with: an auditor reviews exceptions together.
func (r *Report) Waived() []RuleResult {
	var out []RuleResult
	for _, rr := range r.Rules {
		if rr.Status == engine.StatusWaived {
			out = append(out, rr)
		}
	}
	return out
}

// mlpsPrefix is the standard every MLPS reference cites; the compact
// formats print the clause only and name the standard once.
const mlpsPrefix = "GB/T 22239-2019 "

// mlpsClauses returns the MLPS references without the standard's name
// ("8.1.4.1 身份鉴别").
func mlpsClauses(refs []string) []string {
	out := make([]string, 0, len(refs))
	for _, m := range refs {
		out = append(out, strings.TrimPrefix(m, mlpsPrefix))
	}
	return out
}

// statusRank orders rules for people: problems first.
func statusRank(s engine.Status) int {
	switch s {
	case engine.StatusFail:
		return 0
	case engine.StatusError:
		return 1
	case engine.StatusFixed:
		return 2
	case engine.StatusWaived:
		return 3
	case engine.StatusManual:
		return 4
	case engine.StatusPass:
		return 5
	}
	return 6
}

// ByProblem returns the rules with failures first, then by id.
func (r *Report) ByProblem() []RuleResult {
	out := append([]RuleResult(nil), r.Rules...)
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := statusRank(out[i].Status), statusRank(out[j].Status); a != b {
			return a < b
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Formats lists the supported output formats.
var Formats = []string{"text", "json", "junit", "html"}

// Write renders r in format.
func Write(w io.Writer, format string, r *Report) error {
	switch format {
	case "text", "":
		return Text(w, r)
	case "json":
		return JSON(w, r)
	case "junit":
		return JUnit(w, r)
	case "html":
		return HTML(w, r)
	}
	return fmt.Errorf("format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// FormatForFile guesses a format from a report file name.
func FormatForFile(name string) string {
	switch {
	case strings.HasSuffix(name, ".json"):
		return "json"
	case strings.HasSuffix(name, ".xml"):
		return "junit"
	case strings.HasSuffix(name, ".html"), strings.HasSuffix(name, ".htm"):
		return "html"
	}
	return "text"
}
