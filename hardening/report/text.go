package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/vulns"
)

// JSON writes the report as indented JSON (the bundle contract shape plus
// additional fields).
func JSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Text writes a terminal report: header, one line per rule (problems
// first), exclusions, summary.
func Text(w io.Writer, r *Report) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "harden %s %s — profile %s (%s), %s, root %s, %s mode\n", r.Version, r.Command, r.Profile, r.Platform, r.OS, r.Root, r.Mode)
	p := r.Packages
	upd := "never"
	if p.UpdatedAt != nil {
		upd = p.UpdatedAt.Format("2006-01-02T15:04:05Z")
	}
	fmt.Fprintf(b, "packages: %d (%s) sha256 %.16s…, last update %s, %d upgraded", p.Count, p.Manager, p.Hash, upd, p.Upgraded)
	if p.CheckedAt != nil {
		fmt.Fprintf(b, ", checked for %s updates %s", p.Policy, p.CheckedAt.Format("2006-01-02T15:04:05Z"))
	}
	if p.Note != "" {
		fmt.Fprintf(b, " (%s)", p.Note)
	}
	fmt.Fprint(b, "\n")
	fmt.Fprintf(b, "references: CIS %s %s; MLPS = %s(等保 2.0, level 3)\n\n", r.Benchmark, r.BenchmarkVersion, mlpsPrefix)
	for _, rr := range r.ByProblem() {
		ref := ""
		if len(rr.CIS) > 0 {
			ref = " [CIS " + strings.Join(rr.CIS, ",") + "]"
		}
		if len(rr.MLPS) > 0 {
			ref += " [MLPS " + strings.Join(mlpsClauses(rr.MLPS), "; ") + "]"
		}
		fmt.Fprintf(b, "%-14s %s%s — %s\n", strings.ToUpper(string(rr.Status)), rr.ID, ref, rr.Title)
		if rr.Status != "pass" && rr.Detail != "" {
			fmt.Fprintf(b, "%-14s   %s\n", "", rr.Detail)
		}
		// The reason comes with every problem, so a reader of a failed
		// build log knows what is at stake without opening the catalog.
		if rr.Status != "pass" && rr.Rationale != "" {
			fmt.Fprintf(b, "%-14s   why: %s\n", "", rr.Rationale)
		}
	}
	if c := r.Changes; c != nil {
		fmt.Fprintf(b, "\nchanges: %d files, installed %v, removed %v\n", len(c.Files), c.Installed, c.Removed)
		for _, f := range c.Files {
			fmt.Fprintf(b, "  %s\n", f)
		}
		for _, a := range c.Cleanup {
			fmt.Fprintf(b, "  cleanup: %s\n", a)
		}
	}
	if len(r.Exclusions) > 0 {
		fmt.Fprintf(b, "\nnot automated by this profile (%d):\n", len(r.Exclusions))
		for _, e := range r.Exclusions {
			fmt.Fprintf(b, "  %-13s %-10s %s\n", e.Kind, e.Control, e.Reason)
		}
	}
	if ws := r.Waived(); len(ws) > 0 {
		fmt.Fprintf(b, "\nwaivers (%d):\n", len(ws))
		for _, w := range ws {
			until := "no expiry"
			if w.WaiverExpires != "" {
				until = "until " + w.WaiverExpires
			}
			fmt.Fprintf(b, "  %-28s %s (%s)\n", w.ID, w.WaiverReason, until)
		}
	}
	if r.BuilderException != "" {
		fmt.Fprintf(b, "\nNOTE builder exception: %s\n", r.BuilderException)
	}
	if v := r.Vulns; v != nil {
		fmt.Fprintln(b)
		if err := vulns.Write(b, "text", &v.Result); err != nil {
			return err
		}
		if len(v.Failing) > 0 {
			fmt.Fprintf(b, "FAIL %d fixable finding(s) at or above %s: %s\n", len(v.Failing), v.FailOnFixable, strings.Join(v.Failing, "; "))
		}
	}
	if r.Error != "" {
		fmt.Fprintf(b, "\nERROR: %s\n", r.Error)
	}
	s := r.Summary
	fmt.Fprintf(b, "\n%d rules: %d pass, %d fixed, %d fail, %d error, %d waived, %d manual, %d not applicable (%d ms)\n",
		s.Total, s.Pass, s.Fixed, s.Fail, s.Error, s.Waived, s.Manual, s.NotApplicable, r.DurationMS)
	return b.Flush()
}
