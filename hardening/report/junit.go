package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

// JUnit writes one testsuite per CIS section and one testcase per rule:
// fail → failure, error → error, waived/manual/not_applicable → skipped
// (with the reason), pass/fixed → success.
func JUnit(w io.Writer, r *Report) error {
	bySection := map[string]*junitSuite{}
	doc := junitSuites{Name: "harden " + r.Command + " " + r.Profile, Time: fmt.Sprintf("%.3f", float64(r.DurationMS)/1000)}
	for _, rr := range r.Rules {
		s, ok := bySection[rr.Section]
		if !ok {
			s = &junitSuite{Name: fmt.Sprintf("%s.section-%s", r.Profile, rr.Section)}
			bySection[rr.Section] = s
		}
		c := junitCase{Name: rr.ID + ": " + rr.Title, Classname: "harden." + r.Profile + "." + rr.Section}
		var out []string
		if len(rr.CIS) > 0 {
			out = append(out, "CIS "+r.Benchmark+" "+strings.Join(rr.CIS, ", "))
		}
		if len(rr.MLPS) > 0 {
			out = append(out, "MLPS "+strings.Join(rr.MLPS, ", "))
		}
		c.SystemOut = strings.Join(out, "\n")
		msg := &junitMessage{Message: rr.Detail, Type: string(rr.Status)}
		switch rr.Status {
		case "fail":
			c.Failure = msg
			s.Failures++
		case "error":
			c.Error = msg
			s.Errors++
		case "waived":
			msg.Message = "waived: " + rr.WaiverReason
			if rr.WaiverExpires != "" {
				msg.Message += " (until " + rr.WaiverExpires + ")"
			}
			c.Skipped = msg
			s.Skipped++
		case "manual", "not_applicable":
			c.Skipped = msg
			s.Skipped++
		}
		s.Tests++
		s.Cases = append(s.Cases, c)
	}
	keys := make([]string, 0, len(bySection))
	for k := range bySection {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s := bySection[k]
		doc.Suites = append(doc.Suites, *s)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encode junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
