package report

import (
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
)

// sectionTitles names the CIS areas for people. The benchmarks come in two
// layouts: the older six-section one (Debian 12, Ubuntu 22.04, RHEL 8 v2) and
// the newer seven-section one (Ubuntu 24.04, Debian 13, RHEL 9), which moved
// the host firewall into section 4 and logging into section 6.
var sectionTitles = map[bool]map[string]string{
	false: {
		"1": "1 Initial setup",
		"2": "2 Services",
		"3": "3 Network",
		"4": "4 Logging and auditing",
		"5": "5 Access, authentication and authorization",
		"6": "6 System maintenance",
	},
	true: {
		"1": "1 Initial setup",
		"2": "2 Services",
		"3": "3 Network",
		"4": "4 Host based firewall",
		"5": "5 Access control",
		"6": "6 Logging and auditing",
		"7": "7 System maintenance",
	},
}

// SectionTitle names section sec of a benchmark; sevenSections selects the
// newer layout. Sections outside the benchmark (the cloud baseline) get their
// own names.
func SectionTitle(sec string, sevenSections bool) string {
	if sec == "cloud" {
		return "Cloud baseline"
	}
	if t, ok := sectionTitles[sevenSections][sec]; ok {
		return t
	}
	return "Section " + sec
}

type htmlSection struct {
	Title                       string
	Rules                       []RuleResult
	Pass, Fail, Other, Problems int
}

type htmlData struct {
	R        *Report
	Problems []RuleResult
	Sections []htmlSection
	Updated  string
}

// HTML writes a self-contained page (inline CSS, no scripts or external
// assets): summary, failed rules first, then one table per section with CIS
// references, then the controls the profile does not automate.
func HTML(w io.Writer, r *Report) error {
	d := htmlData{R: r, Updated: "never"}
	if r.Packages.UpdatedAt != nil {
		d.Updated = r.Packages.UpdatedAt.Format("2006-01-02 15:04 UTC")
	}
	secs := map[string]*htmlSection{}
	sevenSections := false
	for _, rr := range r.Rules {
		if rr.Section == "7" {
			sevenSections = true
		}
	}
	for _, rr := range r.ByProblem() {
		if rr.Status == "fail" || rr.Status == "error" {
			d.Problems = append(d.Problems, rr)
		}
		s, ok := secs[rr.Section]
		if !ok {
			s = &htmlSection{Title: SectionTitle(rr.Section, sevenSections)}
			secs[rr.Section] = s
		}
		s.Rules = append(s.Rules, rr)
		switch rr.Status {
		case "pass", "fixed":
			s.Pass++
		case "fail", "error":
			s.Fail++
		default:
			s.Other++
		}
	}
	keys := make([]string, 0, len(secs))
	for k := range secs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		d.Sections = append(d.Sections, *secs[k])
	}
	if err := htmlTmpl.Execute(w, d); err != nil {
		return fmt.Errorf("render html report: %w", err)
	}
	return nil
}

var htmlTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"join": strings.Join,
	"mlps": mlpsClauses,
	"refs": func(rr RuleResult) string {
		var out []string
		for _, c := range rr.References {
			out = append(out, c.String())
		}
		return strings.Join(out, "\n")
	},
	"short": func(s string) string {
		if len(s) > 16 {
			return s[:16] + "…"
		}
		return s
	},
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>harden {{.R.Command}} — {{.R.Profile}}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.meta{color:#555}.cards{display:flex;flex-wrap:wrap;gap:.6rem;margin:1rem 0}
.card{border-radius:8px;padding:.6rem 1rem;min-width:6.5rem;background:#f4f4f6}
.card b{display:block;font-size:1.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
th{background:#fafafa}td.id{font-family:ui-monospace,monospace;white-space:nowrap}
.st{font-weight:600;border-radius:4px;padding:.05rem .4rem;white-space:nowrap}
.pass,.fixed{background:#e3f6e8;color:#16632f}.fail,.error{background:#fde5e5;color:#9b1c1c}
.waived,.manual{background:#fff4d6;color:#7a5600}.not_applicable{background:#eee;color:#555}
.detail{color:#444;font-size:.92em;word-break:break-word}.why{color:#555;font-size:.85em;font-style:italic}.ok{color:#16632f}
details{margin-top:.3rem}summary{cursor:pointer;color:#555}ul{margin:.3rem 0;padding-left:1.2rem}
</style></head><body>
<h1>CIS hardening {{.R.Command}}: {{.R.Profile}}</h1>
<p class="meta">MLPS: references to GB/T 22239-2019 (等保 2.0, level 3), secure computing environment.</p>
<p class="meta">{{.R.OS}} · platform {{.R.Platform}} · benchmark {{.R.Benchmark}} {{.R.BenchmarkVersion}} · root <code>{{.R.Root}}</code> · {{.R.Mode}} mode · harden {{.R.Version}} · {{.R.StartedAt.Format "2006-01-02 15:04:05 UTC"}} · {{.R.DurationMS}} ms</p>
<p class="meta">Packages: {{.R.Packages.Count}} ({{.R.Packages.Manager}}), set sha256 <code title="{{.R.Packages.Hash}}">{{short .R.Packages.Hash}}</code>, last update {{.Updated}}, {{.R.Packages.Upgraded}} upgraded{{with .R.Packages.CheckedAt}}, checked for {{$.R.Packages.Policy}} updates {{.Format "2006-01-02 15:04 UTC"}}{{end}}{{with .R.Packages.Note}} — {{.}}{{end}}</p>
<div class="cards">
<div class="card pass"><b>{{.R.Summary.Pass}}</b>pass</div>
<div class="card fixed"><b>{{.R.Summary.Fixed}}</b>fixed</div>
<div class="card fail"><b>{{.R.Summary.Fail}}</b>fail</div>
<div class="card error"><b>{{.R.Summary.Error}}</b>error</div>
<div class="card waived"><b>{{.R.Summary.Waived}}</b>waived</div>
<div class="card manual"><b>{{.R.Summary.Manual}}</b>manual</div>
<div class="card not_applicable"><b>{{.R.Summary.NotApplicable}}</b>not applicable</div>
</div>
{{with .R.Error}}<p class="st fail">Apply error (rolled back): {{.}}</p>{{end}}
{{with .R.BuilderException}}<p class="st waived">Builder exception: {{.}}</p>{{end}}
<h2>Failed rules</h2>
{{if .Problems}}<table><tr><th>Rule</th><th>Status</th><th>CIS</th><th>MLPS</th><th>Title and detail</th></tr>
{{range .Problems}}<tr><td class="id">{{.ID}}</td><td><span class="st {{.Status}}">{{.Status}}</span></td><td title="{{refs .}}">{{join .CIS ", "}}</td><td class="mlps">{{join (mlps .MLPS) ", "}}</td><td>{{.Title}}{{with .Rationale}}<div class="why">Why: {{.}}</div>{{end}}<div class="detail">{{.Detail}}</div>{{if gt (len .Checks) 1}}<details><summary>{{len .Checks}} checks</summary><ul>{{range .Checks}}<li><span class="st {{.Status}}">{{.Status}}</span> {{.Check}}{{with .Detail}} — <span class="detail">{{.}}</span>{{end}}</li>{{end}}</ul></details>{{end}}</td></tr>
{{end}}</table>{{else}}<p class="ok">No failed rules.</p>{{end}}
<h2>By section</h2>
<table><tr><th>Section</th><th>Pass/fixed</th><th>Fail/error</th><th>Other</th></tr>
{{range .Sections}}<tr><td>{{.Title}}</td><td>{{.Pass}}</td><td>{{.Fail}}</td><td>{{.Other}}</td></tr>{{end}}
</table>
{{range .Sections}}<h2>{{.Title}}</h2>
<table><tr><th>Rule</th><th>Status</th><th>CIS</th><th>MLPS</th><th>Level</th><th>Title and detail</th></tr>
{{range .Rules}}<tr><td class="id">{{.ID}}</td><td><span class="st {{.Status}}">{{.Status}}</span></td><td title="{{refs .}}">{{join .CIS ", "}}</td><td class="mlps">{{join (mlps .MLPS) ", "}}</td><td>L{{.Level}}</td><td>{{.Title}}{{with .Rationale}}<div class="why">Why: {{.}}</div>{{end}}{{if .WaiverReason}}<div class="detail">Waived: {{.WaiverReason}}{{with .WaiverExpires}} (until {{.}}){{end}}</div>{{else if ne .Status "pass"}}<div class="detail">{{.Detail}}</div>{{end}}</td></tr>
{{end}}</table>{{end}}
{{with .R.Waived}}<h2>Waivers</h2>
<table><tr><th>Rule</th><th>Reason</th><th>Until</th></tr>
{{range .}}<tr><td class="id">{{.ID}}</td><td>{{.WaiverReason}}</td><td>{{or .WaiverExpires "no expiry"}}</td></tr>{{end}}
</table>{{end}}
{{with .R.Changes}}<h2>Changes</h2>
<p>Installed: {{join .Installed ", "}}{{if not .Installed}}none{{end}} · Removed: {{join .Removed ", "}}{{if not .Removed}}none{{end}} · Files changed: {{len .Files}}</p>
{{if .Files}}<table><tr><th>File</th></tr>{{range .Files}}<tr><td class="id">{{.}}</td></tr>{{end}}</table>{{end}}
{{if .Cleanup}}<p>Image cleanup:</p><ul>{{range .Cleanup}}<li>{{.}}</li>{{end}}</ul>{{end}}{{end}}
{{if .R.Exclusions}}<h2>Controls not automated by this profile</h2>
<table><tr><th>Control</th><th>Kind</th><th>Title</th><th>Reason</th></tr>
{{range .R.Exclusions}}<tr><td class="id">{{.Control}}</td><td>{{.Kind}}</td><td>{{.Title}}</td><td>{{.Reason}}</td></tr>{{end}}
</table>{{end}}
</body></html>
`))
