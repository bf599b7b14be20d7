package vulns

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// NoFix is the fixed version reported when the feed names no fix yet.
const NoFix = "no fix yet"

// Finding is one CVE present on the target.
type Finding struct {
	ID               string   `json:"id"`       // CVE id, or the advisory id when it names no CVE
	Advisory         string   `json:"advisory"` // OSV record id (DSA-5514-1, DEBIAN-CVE-…)
	Package          string   `json:"package"`  // source package
	Binaries         []string `json:"binaries"` // installed binary packages built from it
	InstalledVersion string   `json:"installed_version"`
	FixedVersion     string   `json:"fixed_version"` // or NoFix
	Fixable          bool     `json:"fixable"`
	Severity         string   `json:"severity"`
	// FixPublished is the advisory's publication date, which for Debian's
	// DSA/DLA records is the day the fixed package was released.
	FixPublished *time.Time `json:"fix_published,omitempty"`
	AgeDays      *int       `json:"fix_age_days,omitempty"`
	Summary      string     `json:"summary,omitempty"`
}

// Summary counts what was checked; only findings are listed.
type Summary struct {
	Ecosystem         string         `json:"ecosystem"`
	PackagesChecked   int            `json:"packages_checked"`
	AdvisoriesChecked int            `json:"advisories_checked"`
	Findings          int            `json:"findings"`
	Fixable           int            `json:"fixable"`
	BySeverity        map[string]int `json:"by_severity"`
	// FixableBySeverity counts the fixable findings among BySeverity.
	FixableBySeverity map[string]int `json:"fixable_by_severity"`
	// FixedNotPresent counts CVE/package pairs the feed lists for installed
	// packages whose installed version already contains the fix.
	FixedNotPresent int       `json:"fixed_not_present"`
	FeedDate        time.Time `json:"feed_date"`
	// OldestUnpatchedFixAgeDays is the age of the oldest fix not installed.
	OldestUnpatchedFixAgeDays int `json:"oldest_unpatched_fix_age_days"`
	// Unparsable lists installed packages whose version the ecosystem's
	// ordering (dpkg; rpm accepts any string) rejected; they were not checked.
	Unparsable []string  `json:"unparsable_versions,omitempty"`
	ScannedAt  time.Time `json:"scanned_at"`
}

// Result is a scan's outcome.
type Result struct {
	Summary  Summary   `json:"summary"`
	Findings []Finding `json:"findings"`
}

// Scan matches the installed packages against the feed's records for the
// ecosystem ("Debian:12", "AlmaLinux:9"). now is injected so that ages are
// reproducible.
func Scan(pkgs []Package, feed *Feed, ecosystem string, now time.Time) *Result {
	ecosystem = ecosystemKey(ecosystem)
	ord, known := orderingFor(ecosystem)
	res := &Result{Summary: Summary{
		Ecosystem:         ecosystem,
		PackagesChecked:   len(pkgs),
		AdvisoriesChecked: feed.perEcosystem[ecosystem],
		BySeverity:        map[string]int{},
		FixableBySeverity: map[string]int{},
		FeedDate:          feed.Newest,
		ScannedAt:         now,
	}}
	byKey := map[string]*Finding{}
	fixedSeen := map[string]bool{}
	for _, p := range pkgs {
		// OSV Debian records name the source package, Red Hat's the binary
		// one: both names are checked.
		names := []struct{ name, ver string }{{p.Source, p.SourceVersion}}
		if p.Name != p.Source {
			names = append(names, struct{ name, ver string }{p.Name, p.Version})
		}
		for _, n := range names {
			entries := feed.entries[ecosystem+"\x00"+n.name]
			if len(entries) == 0 || !known {
				continue
			}
			v, err := ord.parse(n.ver)
			if err != nil {
				res.Summary.Unparsable = append(res.Summary.Unparsable, fmt.Sprintf("%s %s: %v", p.Name, n.ver, err))
				continue
			}
			// Many advisories of one package share a fixed version (a kernel
			// upload fixes dozens of CVEs): compare each distinct one once.
			cmp := map[string]int{}
			for _, e := range entries {
				affected, fix, hasFix := evaluate(e.ranges, v, cmp)
				for _, cve := range e.adv.CVEs {
					key := cve + "\x00" + n.name
					if !affected {
						if hasFix && byKey[key] == nil {
							fixedSeen[key] = true
						}
						continue
					}
					if f := byKey[key]; f != nil {
						if !contains(f.Binaries, p.Name) {
							f.Binaries = append(f.Binaries, p.Name)
						}
						continue
					}
					delete(fixedSeen, key)
					byKey[key] = newFinding(cve, n.name, n.ver, p.Name, e, fix, hasFix, now)
				}
			}
		}
	}
	res.Summary.FixedNotPresent = len(fixedSeen)
	for _, f := range byKey {
		sort.Strings(f.Binaries)
		res.Findings = append(res.Findings, *f)
		res.Summary.BySeverity[f.Severity]++
		if f.Fixable {
			res.Summary.Fixable++
			res.Summary.FixableBySeverity[f.Severity]++
			if f.AgeDays != nil && *f.AgeDays > res.Summary.OldestUnpatchedFixAgeDays {
				res.Summary.OldestUnpatchedFixAgeDays = *f.AgeDays
			}
		}
	}
	res.Summary.Findings = len(res.Findings)
	sort.Slice(res.Findings, func(i, j int) bool {
		a, b := res.Findings[i], res.Findings[j]
		if ra, rb := severityRank(a.Severity), severityRank(b.Severity); ra != rb {
			return ra > rb
		}
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		return a.ID < b.ID
	})
	if res.Findings == nil {
		res.Findings = []Finding{} // JSON "[]", not null
	}
	return res
}

func newFinding(cve, pkg, ver, bin string, e entry, fix string, hasFix bool, now time.Time) *Finding {
	f := &Finding{
		ID: cve, Advisory: e.adv.ID, Package: pkg, Binaries: []string{bin},
		InstalledVersion: ver, FixedVersion: NoFix, Severity: e.severity, Summary: e.adv.Summary,
	}
	if hasFix {
		f.FixedVersion, f.Fixable = fix, true
		if !e.adv.Published.IsZero() {
			pub := e.adv.Published.UTC()
			age := int(now.Sub(pub).Hours() / 24)
			if age < 0 {
				age = 0
			}
			f.FixPublished, f.AgeDays = &pub, &age
		}
	}
	return f
}

// evaluate applies the OSV range algorithm to v: in each range (events in
// version order) v is affected after an "introduced" at or below it until a
// "fixed" at or below it, or a "last_affected" below it. It returns whether v
// is affected, the fixed version that applies, and whether the range has one.
// cmp caches e.ver.compare(v) by the event's version string.
func evaluate(ranges [][]event, v version, cmp map[string]int) (affected bool, fix string, hasFix bool) {
	for _, evs := range ranges {
		in := false
		for _, e := range evs {
			c := -1 // introduced "0" precedes every version; no need to compare
			if !e.isZero() {
				var ok bool
				if c, ok = cmp[e.raw]; !ok {
					c = e.ver.compare(v)
					cmp[e.raw] = c
				}
			}
			if c > 0 {
				if in && e.kind == fixed {
					return true, e.raw, true
				}
				if in && e.kind == lastAffected {
					break // v is at most last_affected: affected, no fix named
				}
				if !in && e.kind == fixed {
					hasFix, fix = true, e.raw
				}
				continue
			}
			switch e.kind {
			case introduced:
				in = true
			case fixed:
				in = false
				hasFix, fix = true, e.raw
			case lastAffected:
				if c < 0 {
					in = false
				}
			}
		}
		if in {
			return true, "", false
		}
	}
	return false, fix, hasFix
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// ParseThreshold parses a --fail-on value.
func ParseThreshold(s string) (string, error) {
	switch strings.ToLower(s) {
	case SeverityCritical, SeverityHigh, SeverityMedium, "none":
		return strings.ToLower(s), nil
	}
	return "", fmt.Errorf("%q is not a severity threshold; use critical, high, medium or none", s)
}

// Failing returns the fixable findings at or above threshold ("none": none).
// Unfixed findings are reported but never fail a build: there is nothing to
// install. Findings of unknown severity do not reach any threshold.
func (r *Result) Failing(threshold string) []Finding {
	floor := severityRank(threshold)
	if floor == 0 {
		return nil
	}
	var out []Finding
	for _, f := range r.Findings {
		if f.Fixable && severityRank(f.Severity) >= floor {
			out = append(out, f)
		}
	}
	return out
}
