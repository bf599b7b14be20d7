package lifecycle

import (
	"fmt"
	"strings"
	"time"
)

// Phase is where a release stands in its support lifecycle on a given day.
type Phase string

// Phases, in the order a release moves through them.
const (
	// PhaseSupported: standard support continues beyond the warning window.
	PhaseSupported Phase = "supported"
	// PhaseApproachingEOL: still supported, but standard support ends within
	// the warning window.
	PhaseApproachingEOL Phase = "approaching_eol"
	// PhaseExtended: standard support has ended; only paid / ESM / LTS-team
	// support remains. Counts as supported only if the policy allows it.
	PhaseExtended Phase = "extended"
	// PhaseEOL: no support of any kind.
	PhaseEOL Phase = "eol"
	// PhaseUnknown: the release is not in the catalog or has no published
	// end date. Never treated as supported.
	PhaseUnknown Phase = "unknown"
)

// Policy is how strict the caller is.
type Policy struct {
	// WarnDays: standard support ending within this many days (inclusive)
	// turns "supported" into "approaching_eol".
	WarnDays int
	// AllowExtended makes the "extended" phase count as supported.
	AllowExtended bool
}

// DefaultPolicy matches the provider defaults.
func DefaultPolicy() Policy { return Policy{WarnDays: 180} }

// Status is the outcome of Compute.
type Status struct {
	Phase Phase
	// Supported is true for supported and approaching_eol, and for extended
	// when the policy allows extended support; never for eol or unknown.
	Supported bool
	Today     time.Time
	// DaysToEOL counts days from Today until EOLStandard (negative once
	// passed); nil when the date is not known. Same for DaysToExtendedEOL.
	DaysToEOL         *int
	DaysToExtendedEOL *int
	// Successor is the canonical successor ("rocky 9") or "".
	Successor string
	// Recommended is the first release along the successor chain that is
	// supported today (set by Catalog.Evaluate for releases that are not
	// plainly supported), or "". It differs from Successor when the direct
	// successor is itself near or past its end (Ubuntu 18.04 -> 22.04 ->
	// 24.04).
	Recommended string
	// RecommendedLTS is, for a release that is not LTS, the first LTS
	// release along its successor chain that is supported today, or "". A
	// policy refusing non-LTS releases names it as the way forward; the
	// direct successor of an interim release may itself be interim.
	RecommendedLTS string
	// Release is what the status was computed for (zero when unknown).
	Release Release
}

// Reason is one sentence for humans: what, when, and where to go next. It is
// built on demand because the per-image hot path rarely needs it.
func (s Status) Reason() string { return reason(s.Release, s) }

// Compute decides the phase of r on today. A zero Release (lookup failed)
// or one without an end of standard support is PhaseUnknown.
//
// Dates mean "support ends on this day": on the EOL date itself the release
// is already past standard support.
func Compute(r Release, today time.Time, p Policy) Status {
	today = Day(today)
	s := Status{Phase: PhaseUnknown, Today: today, Successor: r.Successor, Release: r}
	if r.Family == "" {
		return s
	}
	s.DaysToEOL = daysUntil(today, r.EOLStandard)
	s.DaysToExtendedEOL = daysUntil(today, r.EOLExtended)
	s.Phase, s.Supported = phaseOf(r, today, p)
	return s
}

// phaseOf is the phase decision itself, without the allocations of the
// Status day counters; today must already be a Day.
func phaseOf(r Release, today time.Time, p Policy) (Phase, bool) {
	var ph Phase
	switch {
	case r.Family == "" || r.EOLStandard.IsZero():
		ph = PhaseUnknown
	case days(today, r.EOLStandard) > p.WarnDays:
		ph = PhaseSupported
	case days(today, r.EOLStandard) > 0:
		ph = PhaseApproachingEOL
	case !r.EOLExtended.IsZero() && days(today, r.EOLExtended) > 0:
		ph = PhaseExtended
	default:
		ph = PhaseEOL
	}
	return ph, ph == PhaseSupported || ph == PhaseApproachingEOL || (ph == PhaseExtended && p.AllowExtended)
}

func days(today, d time.Time) int { return int(Day(d).Sub(today).Hours() / 24) }

func daysUntil(today, d time.Time) *int {
	if d.IsZero() {
		return nil
	}
	n := days(today, d)
	return &n
}

func reason(r Release, s Status) string {
	if r.Family == "" {
		return "release not in the lifecycle catalog; its support status is unknown"
	}
	var b strings.Builder
	name := r.Name()
	std, ext := FormatDate(r.EOLStandard), FormatDate(r.EOLExtended)
	switch s.Phase {
	case PhaseUnknown:
		fmt.Fprintf(&b, "%s has no published end-of-support date; its status is unknown until a date is configured", name)
	case PhaseSupported:
		fmt.Fprintf(&b, "%s is supported until %s (%d days)", name, std, *s.DaysToEOL)
	case PhaseApproachingEOL:
		fmt.Fprintf(&b, "%s standard support ends on %s (in %d days)", name, std, *s.DaysToEOL)
	case PhaseExtended:
		fmt.Fprintf(&b, "%s standard support ended on %s; only extended (paid/ESM/LTS) support remains until %s", name, std, ext)
	case PhaseEOL:
		if ext != "" {
			fmt.Fprintf(&b, "%s reached end of life on %s (extended support ended %s)", name, std, ext)
		} else {
			fmt.Fprintf(&b, "%s reached end of life on %s", name, std)
		}
	}
	if succ := r.SuccessorName(); succ != "" {
		fmt.Fprintf(&b, "; successor: %s", succ)
		if s.Recommended != "" && s.Recommended != r.Successor {
			if fam, ver, ok := splitSuccessor(s.Recommended); ok {
				fmt.Fprintf(&b, " (recommended: %s, the first successor still supported)", DisplayName(fam, ver))
			}
		}
	}
	if r.Disputed {
		b.WriteString("; note: sources disagree on these dates (disputed)")
	}
	return b.String()
}

// Evaluate is Compute plus a recommendation: for releases that are not
// plainly supported it follows the successor chain to the first release that
// is. Plan-time errors use it to name a supported way forward.
func (c *Catalog) Evaluate(r Release, today time.Time, p Policy) Status {
	s := Compute(r, today, p)
	if s.Phase == PhaseApproachingEOL || s.Phase == PhaseExtended || s.Phase == PhaseEOL {
		if rec, ok := c.Recommend(r, today, p); ok {
			s.Recommended = rec.Family + " " + rec.Version
		}
	}
	if r.Family != "" && !r.LTS {
		if rec, ok := c.recommend(r, today, p, true); ok {
			s.RecommendedLTS = rec.Family + " " + rec.Version
		}
	}
	return s
}

// Recommend follows r's successor chain and returns the first release in
// phase supported on today; failing that, the first one that at least counts
// as supported under p (e.g. approaching_eol). ok is false when the chain
// has neither. Missing links end the walk; so does a step limit, which
// guards against successor cycles (a user override can create one) without
// allocating on this per-image path.
func (c *Catalog) Recommend(r Release, today time.Time, p Policy) (Release, bool) {
	return c.recommend(r, today, p, false)
}

// recommend is Recommend, skipping releases that are not LTS when ltsOnly.
func (c *Catalog) recommend(r Release, today time.Time, p Policy, ltsOnly bool) (Release, bool) {
	const maxSteps = 16 // real chains are 1-3 long
	var fallback Release
	found := false
	next := r.Successor
	for step := 0; next != "" && step < maxSteps; step++ {
		fam, ver, ok := splitSuccessor(next)
		if !ok {
			break
		}
		cand, ok := c.releases[key(fam, ver)]
		if !ok {
			break
		}
		next = cand.Successor
		if ltsOnly && !cand.LTS {
			continue
		}
		ph, supported := phaseOf(cand, Day(today), p)
		if ph == PhaseSupported {
			return cand, true
		}
		if supported && !found {
			fallback, found = cand, true
		}
	}
	return fallback, found
}
