package vulns

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"io"
	"sort"
	"text/tabwriter"
	"time"
)

// Write renders the result as text, json, junit or html.
func Write(w io.Writer, format string, r *Result) error {
	switch format {
	case "text", "":
		return writeText(w, r)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "junit":
		return writeJUnit(w, r)
	case "html":
		return htmlTmpl.Execute(w, r)
	}
	return fmt.Errorf("format %q is not supported; use text, json, junit or html", format)
}

func age(f Finding) string {
	if f.AgeDays == nil {
		return "-"
	}
	return fmt.Sprintf("%dd", *f.AgeDays)
}

func feedDate(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format("2006-01-02")
}

func writeText(w io.Writer, r *Result) error {
	s := r.Summary
	fmt.Fprintf(w, "harden vulns: %s, %d packages checked against %d advisories (feed date %s)\n",
		s.Ecosystem, s.PackagesChecked, s.AdvisoriesChecked, feedDate(s.FeedDate))
	if len(r.Findings) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SEVERITY\tID\tPACKAGE\tINSTALLED\tFIXED IN\tFIX AGE\tADVISORY")
		for _, f := range r.Findings {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Severity, f.ID, f.Package, f.InstalledVersion, f.FixedVersion, age(f), f.Advisory)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	sev := make([]string, 0, len(s.BySeverity))
	for k := range s.BySeverity {
		sev = append(sev, k)
	}
	sort.Slice(sev, func(i, j int) bool { return severityRank(sev[i]) > severityRank(sev[j]) })
	fmt.Fprintf(w, "%d findings (%d fixable)", s.Findings, s.Fixable)
	for _, k := range sev {
		fmt.Fprintf(w, ", %s %d", k, s.BySeverity[k])
	}
	fmt.Fprintf(w, "; %d fixed and not present; oldest unpatched fix %d days\n", s.FixedNotPresent, s.OldestUnpatchedFixAgeDays)
	for _, u := range s.Unparsable {
		fmt.Fprintf(w, "not checked (version not parsable): %s\n", u)
	}
	return nil
}

type junitSuite struct {
	XMLName  xml.Name    `xml:"testsuite"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
}

// writeJUnit emits one failed test case per finding, so that CI shows each
// CVE, and one passing case holding the summary.
func writeJUnit(w io.Writer, r *Result) error {
	s := r.Summary
	suite := junitSuite{Name: "harden vulns " + s.Ecosystem, Tests: len(r.Findings) + 1, Failures: len(r.Findings)}
	suite.Cases = append(suite.Cases, junitCase{
		Name:      fmt.Sprintf("%d packages checked against %d advisories, %d fixed and not present", s.PackagesChecked, s.AdvisoriesChecked, s.FixedNotPresent),
		ClassName: "vulns.summary",
	})
	for _, f := range r.Findings {
		suite.Cases = append(suite.Cases, junitCase{
			Name:      f.ID + " " + f.Package,
			ClassName: "vulns." + f.Severity,
			Failure: &junitFailure{
				Type:    f.Severity,
				Message: fmt.Sprintf("%s %s installed, fixed in %s (%s, fix age %s)", f.Package, f.InstalledVersion, f.FixedVersion, f.Advisory, age(f)),
			},
		})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(suite); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

var htmlTmpl = template.Must(template.New("vulns").Funcs(template.FuncMap{"age": age, "date": feedDate}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>harden vulns {{.Summary.Ecosystem}}</title>
<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}</style></head>
<body><h1>Vulnerabilities: {{.Summary.Ecosystem}}</h1>
<p>{{.Summary.PackagesChecked}} packages checked against {{.Summary.AdvisoriesChecked}} advisories (feed date {{date .Summary.FeedDate}}).
{{.Summary.Findings}} findings ({{.Summary.Fixable}} fixable), {{.Summary.FixedNotPresent}} fixed and not present,
oldest unpatched fix {{.Summary.OldestUnpatchedFixAgeDays}} days.</p>
<table><tr><th>Severity</th><th>ID</th><th>Package</th><th>Installed</th><th>Fixed in</th><th>Fix age</th><th>Advisory</th></tr>
{{range .Findings}}<tr><td>{{.Severity}}</td><td>{{.ID}}</td><td>{{.Package}}</td><td>{{.InstalledVersion}}</td><td>{{.FixedVersion}}</td><td>{{age .}}</td><td>{{.Advisory}}</td></tr>
{{end}}</table></body></html>
`))
