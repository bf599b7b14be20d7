package policy

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

// Reason codes of the patch and vulnerability gate.
const (
	CodePatchesStale   = "patches_stale"           // last update older than max_patch_age_days
	CodeFixableVulns   = "fixable_vulnerabilities" // more fixable CVEs than max_fixable_vulnerabilities
	CodeVulnSLA        = "vulnerability_sla"       // a fixable CVE older than vulnerability_sla_days
	CodeNoVulnScan     = "no_vulnerability_scan"   // a vulnerability limit is set but the provenance has no scan
	maxSLAReasons      = 10                        // further SLA breaches are counted in one reason
	vulnScanAdvice     = "build it with the hardened-cis provisioner's vulns_feed so its provenance records the scan"
	rebuildWithUpdates = "rebuild it from the current base with updates installed (update = true)"
)

// Severities a vulnerability limit may name, most severe first.
var Severities = []string{"critical", "high", "medium", "low", "unknown"}

// VulnPolicy is the patch and vulnerability part of the image policy.
type VulnPolicy struct {
	// MaxPatchAgeDays refuses images whose packages were last updated more
	// than this many days ago (the provenance's patch time, else its build
	// time); 0 = no limit.
	MaxPatchAgeDays int
	// MaxFixable caps the fixable vulnerabilities per severity the image
	// shipped with; a severity not in the map has no cap. nil: no caps.
	MaxFixable map[string]int
	// SLADays is how many days after its fix was published a fixable
	// vulnerability of each severity may still be in an image.
	SLADays map[string]int
}

func (v VulnPolicy) needsScan() bool { return len(v.MaxFixable) > 0 || len(v.SLADays) > 0 }

// vulnReasons applies p's patch and vulnerability limits to the image's
// provenance. Only a decoded record is used; whether it must be verified is
// require_hardened's business.
func vulnReasons(in Input, p VulnPolicy, today time.Time, add func(code string, violation bool, format string, args ...any)) {
	if p.MaxPatchAgeDays <= 0 && !p.needsScan() {
		return
	}
	rec := in.Provenance.Record
	if !in.Provenance.Present || rec.BuildTime.IsZero() {
		var names []string
		if p.MaxPatchAgeDays > 0 {
			names = append(names, fmt.Sprintf("max_patch_age_days = %d", p.MaxPatchAgeDays))
		}
		if p.needsScan() {
			names = append(names, "vulnerability limits")
		}
		code := CodePatchesStale
		if p.MaxPatchAgeDays <= 0 {
			code = CodeNoVulnScan
		}
		add(code, true, "is not allowed: %s need the image's hardened provenance (patch date, vulnerability scan), but it carries none that can be read; "+
			"build it with the %s builder and the hardened-cis provisioner.", strings.Join(names, " and "), builder(in))
		return
	}
	if p.MaxPatchAgeDays > 0 {
		patched, what := rec.Patched, "its packages were last updated"
		if patched.IsZero() {
			patched, what = rec.BuildTime, "it was built (its provenance has no separate patch date)"
		}
		day := lifecycle.Day(patched)
		if age := int(today.Sub(day).Hours() / 24); age > p.MaxPatchAgeDays {
			add(CodePatchesStale, true, "is not allowed: %s on %s, %d days ago, more than max_patch_age_days = %d; %s.",
				what, lifecycle.FormatDate(day), age, p.MaxPatchAgeDays, rebuildWithUpdates)
		}
	}
	if !p.needsScan() {
		return
	}
	v := rec.Vulns
	if v == nil {
		add(CodeNoVulnScan, true, "is not allowed: max_fixable_vulnerabilities / vulnerability_sla_days are set but its provenance records no vulnerability scan; %s.", vulnScanAdvice)
		return
	}
	scan := fmt.Sprintf("at build time (feed of %s)", lifecycle.FormatDate(lifecycle.Day(v.FeedDate)))
	for _, sev := range Severities {
		limit, ok := p.MaxFixable[sev]
		if n := v.Fixable[sev]; ok && n > limit {
			add(CodeFixableVulns, true, "is not allowed: it shipped with %d fixable %s vulnerabilit%s %s, more than max_fixable_vulnerabilities.%s = %d%s; %s.",
				n, sev, plural(n, "y", "ies"), scan, sev, limit, openList(v.Open, sev), rebuildWithUpdates)
		}
	}
	slaReasons(v, p.SLADays, today, add)
}

// SLABreach is a fixable vulnerability of an image whose fix was published
// longer ago than its severity's vulnerability_sla_days.
type SLABreach struct {
	provenance.OpenVuln
	AgeDays int // days since the fix was published
	SLADays int // the SLA of its severity
}

// SLABreaches lists the open vulnerabilities of v past their SLA on today,
// oldest fix first. Vulnerabilities of a severity without an SLA, or without
// a publication date to count from, are never past it.
func SLABreaches(v *provenance.Vulns, sla map[string]int, today time.Time) []SLABreach {
	if v == nil || len(sla) == 0 {
		return nil
	}
	var out []SLABreach
	for _, o := range v.Open {
		days, ok := sla[o.Severity]
		if !ok || o.FixPublished.IsZero() {
			continue
		}
		if age := int(today.Sub(lifecycle.Day(o.FixPublished)).Hours() / 24); age > days {
			out = append(out, SLABreach{OpenVuln: o, AgeDays: age, SLADays: days})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].AgeDays > out[j].AgeDays })
	return out
}

// slaReasons turns every fixable vulnerability whose fix is older than its
// severity's SLA into a finding naming the CVE, package, fixed version and SLA.
func slaReasons(v *provenance.Vulns, sla map[string]int, today time.Time, add func(code string, violation bool, format string, args ...any)) {
	if len(sla) == 0 {
		return
	}
	out := SLABreaches(v, sla, today)
	for i, b := range out {
		if i == maxSLAReasons {
			add(CodeVulnSLA, true, "is not allowed: %d more fixable vulnerabilities are past their vulnerability_sla_days; %s.", len(out)-i, rebuildWithUpdates)
			break
		}
		add(CodeVulnSLA, true, "is not allowed: %s in package %s (%s) is fixed in version %s, published %s, %d days ago, beyond vulnerability_sla_days.%s = %d; %s.",
			b.CVE, b.Package, b.Severity, b.FixedVersion, lifecycle.FormatDate(lifecycle.Day(b.FixPublished)), b.AgeDays, b.Severity, b.SLADays, rebuildWithUpdates)
	}
	if len(v.Open) < v.FixableTotal() && len(out) == 0 {
		// The newest fixes did not fit the provenance tags; they are the least
		// likely to be past an SLA, but say that they were not checked.
		add(CodeVulnSLA, false, "has %d fixable vulnerabilities recorded only as counts (the provenance lists the %d oldest); they were not checked against vulnerability_sla_days.",
			v.FixableTotal()-len(v.Open), len(v.Open))
	}
}

// openList names up to five open CVEs of sev: " (CVE-… in pkg, …)".
func openList(open []provenance.OpenVuln, sev string) string {
	var ids []string
	more := 0
	for _, o := range open {
		if o.Severity != sev {
			continue
		}
		if len(ids) == 5 {
			more++
			continue
		}
		ids = append(ids, o.CVE+" in "+o.Package)
	}
	if len(ids) == 0 {
		return ""
	}
	if more > 0 {
		ids = append(ids, fmt.Sprintf("%d more", more))
	}
	return " (" + strings.Join(ids, ", ") + ")"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
