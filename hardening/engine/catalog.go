package engine

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Exclusion is a CIS control a profile deliberately does not automate,
// with the reason. Profiles must list these: no silent omissions.
type Exclusion struct {
	Control string // CIS control id within the profile's benchmark
	Title   string
	Reason  string
}

// Waiver exempts one rule: a profile default (e.g. a control that would lock
// out the image builder) or a user's --waive. The reason is mandatory; an
// expiry makes a temporary exception visible and forces its review: a
// waiver past its date fails the run instead of silently staying waived.
type Waiver struct {
	RuleID string
	Reason string
	// Expires is the last day (YYYY-MM-DD, UTC) the waiver holds; "" never expires.
	Expires string
}

// WaiverDateLayout is the layout of Waiver.Expires.
const WaiverDateLayout = "2006-01-02"

// Expired reports whether now is past the waiver's last day. A waiver
// holds through the whole of its Expires day (UTC), so "expires
// 2026-12-31" is still valid on New Year's Eve.
func (w Waiver) Expired(now time.Time) bool {
	if w.Expires == "" {
		return false
	}
	last, err := time.Parse(WaiverDateLayout, w.Expires)
	if err != nil {
		// Unparseable dates are rejected where waivers are read; treat one
		// that slipped through as expired so it cannot waive forever.
		return true
	}
	return !now.UTC().Before(last.AddDate(0, 0, 1))
}

// Profile selects rules for one OS release.
type Profile struct {
	ID    string // "debian-12", "rhel-9", or a layer such as "cloud-baseline"
	Title string
	// Platform the profile targets; empty for layers.
	Platform Platform
	// Benchmark id and version the CIS references of this profile come from.
	Benchmark        string
	BenchmarkVersion string
	// Layers are other profiles (by id) whose rules are included, e.g. "cloud-baseline".
	Layers []string
	// Rules lists rule ids.
	Rules []string
	// Waivers apply by default (reason required).
	Waivers []Waiver
	// Manual lists controls that cannot be automated, with reasons.
	Manual []Exclusion
	// NotForImage lists controls a cloud image must not apply (partitioning, ...), with reasons.
	NotForImage []Exclusion
}

// Catalog holds all rules and profiles; it is built once by the catalog
// package and never mutated afterwards.
type Catalog struct {
	rules    map[string]*Rule
	profiles map[string]*Profile
}

// NewCatalog validates and indexes rules and profiles.
func NewCatalog(rules []*Rule, profiles []*Profile) (*Catalog, error) {
	c := &Catalog{rules: map[string]*Rule{}, profiles: map[string]*Profile{}}
	var errs []string
	for _, r := range rules {
		if err := r.Validate(); err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if _, dup := c.rules[r.ID]; dup {
			errs = append(errs, fmt.Sprintf("rule %q defined twice", r.ID))
			continue
		}
		c.rules[r.ID] = r
	}
	for _, p := range profiles {
		if p.ID == "" {
			errs = append(errs, "profile with empty id")
			continue
		}
		if _, dup := c.profiles[p.ID]; dup {
			errs = append(errs, fmt.Sprintf("profile %q defined twice", p.ID))
			continue
		}
		c.profiles[p.ID] = p
	}
	for _, p := range profiles {
		for _, id := range p.Rules {
			if _, ok := c.rules[id]; !ok {
				errs = append(errs, fmt.Sprintf("profile %q: unknown rule %q", p.ID, id))
			}
		}
		for _, l := range p.Layers {
			if _, ok := c.profiles[l]; !ok {
				errs = append(errs, fmt.Sprintf("profile %q: unknown layer %q", p.ID, l))
			}
		}
		for _, w := range p.Waivers {
			if _, ok := c.rules[w.RuleID]; !ok {
				errs = append(errs, fmt.Sprintf("profile %q: waiver for unknown rule %q", p.ID, w.RuleID))
			}
			if strings.TrimSpace(w.Reason) == "" {
				errs = append(errs, fmt.Sprintf("profile %q: waiver for %q has no reason", p.ID, w.RuleID))
			}
		}
		for _, e := range append(append([]Exclusion{}, p.Manual...), p.NotForImage...) {
			if e.Control == "" || strings.TrimSpace(e.Reason) == "" {
				errs = append(errs, fmt.Sprintf("profile %q: exclusion %+v needs control and reason", p.ID, e))
			}
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, fmt.Errorf("invalid catalog:\n  %s", strings.Join(errs, "\n  "))
	}
	return c, nil
}

// Rule returns a rule by id.
func (c *Catalog) Rule(id string) (*Rule, bool) { r, ok := c.rules[id]; return r, ok }

// Rules returns all rules sorted by id.
func (c *Catalog) Rules() []*Rule {
	out := make([]*Rule, 0, len(c.rules))
	for _, r := range c.rules {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Profile returns a profile by id.
func (c *Catalog) Profile(id string) (*Profile, bool) { p, ok := c.profiles[id]; return p, ok }

// Profiles returns all profiles sorted by id.
func (c *Catalog) Profiles() []*Profile {
	out := make([]*Profile, 0, len(c.profiles))
	for _, p := range c.profiles {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ProfileForPlatform returns the OS profile whose Platform matches.
func (c *Catalog) ProfileForPlatform(pl Platform) (*Profile, bool) {
	for _, p := range c.Profiles() {
		if p.Platform.Family == pl.Family && p.Platform.Version == pl.Version {
			return p, true
		}
	}
	return nil, false
}

// Resolved is a profile with its layers expanded.
type Resolved struct {
	Profile *Profile
	// Rules in apply order (Order, then id), deduplicated, filtered by platform.
	Rules []*Rule
	// Waivers by rule id (profile defaults, layers, then user waivers).
	Waivers map[string]Waiver
}

// Resolve expands layers, filters rules by the profile's platform and merges
// waivers. pl overrides the platform (for layer-only profiles) when non-zero.
func (c *Catalog) Resolve(id string, pl Platform) (*Resolved, error) {
	p, ok := c.profiles[id]
	if !ok {
		return nil, fmt.Errorf("unknown profile %q (see `harden profiles`)", id)
	}
	if pl.Family == "" {
		pl = p.Platform
	}
	res := &Resolved{Profile: p, Waivers: map[string]Waiver{}}
	seen := map[string]bool{}
	visiting := map[string]bool{}
	var walk func(p *Profile) error
	walk = func(p *Profile) error {
		if visiting[p.ID] {
			return fmt.Errorf("profile %q: layer cycle", p.ID)
		}
		visiting[p.ID] = true
		defer delete(visiting, p.ID)
		for _, l := range p.Layers {
			if err := walk(c.profiles[l]); err != nil {
				return err
			}
		}
		for _, id := range p.Rules {
			r := c.rules[id]
			if seen[id] || (pl.Family != "" && !r.AppliesTo(pl)) {
				continue
			}
			seen[id] = true
			res.Rules = append(res.Rules, r)
		}
		for _, w := range p.Waivers {
			res.Waivers[w.RuleID] = w
		}
		return nil
	}
	if err := walk(p); err != nil {
		return nil, err
	}
	sortRules(res.Rules)
	return res, nil
}
