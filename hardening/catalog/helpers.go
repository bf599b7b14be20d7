package catalog

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

// Families as the engine's platform detection reports them.
const (
	famDebian = "debian"
	famUbuntu = "ubuntu"
	famRHEL   = "rhel"
)

// rule builds a Level 1 rule. Options adjust the less common fields.
func rule(id, section, title string, checks ...engine.Check) *engine.Rule {
	return &engine.Rule{ID: id, Section: section, Level: 1, Title: title, Checks: checks}
}

// only restricts a rule to families or platform ids.
func only(r *engine.Rule, platforms ...string) *engine.Rule {
	r.Platforms = append(r.Platforms, platforms...)
	return r
}

// late orders a rule's fix after all others: it touches sshd, sudo, PAM or
// the firewall, whose validation must see every other change first and whose
// failure must not leave the builder locked out half-way.
func late(r *engine.Rule) *engine.Rule {
	r.Order = engine.OrderLate
	return r
}

// auditOnly marks a rule that reports but never changes the target.
func auditOnly(r *engine.Rule) *engine.Rule {
	r.AuditOnly = true
	return r
}

// why sets the rationale shown in reports.
func why(r *engine.Rule, rationale string) *engine.Rule {
	r.Rationale = rationale
	return r
}

// family returns the target's OS family ("debian", "ubuntu", "rhel").
func family(t *engine.Target) (string, error) {
	o, err := t.OSRelease()
	if err != nil {
		return "", err
	}
	p, err := engine.DetectPlatform(o)
	if err != nil {
		return "", err
	}
	return p.Family, nil
}

// perFamily dispatches to the check for the target's family: Debian and
// Ubuntu share Deb unless Ubuntu is set. A nil check means the control does
// not exist on that family (not applicable).
type perFamily struct {
	Deb, Ubuntu, RHEL engine.Check
}

func (f perFamily) pick(t *engine.Target) (engine.Check, string, error) {
	fam, err := family(t)
	if err != nil {
		return nil, "", err
	}
	switch fam {
	case famRHEL:
		return f.RHEL, fam, nil
	case famUbuntu:
		if f.Ubuntu != nil {
			return f.Ubuntu, fam, nil
		}
	}
	return f.Deb, fam, nil
}

func (f perFamily) Describe() string {
	var parts []string
	for _, c := range []struct {
		n string
		c engine.Check
	}{{"debian", f.Deb}, {"ubuntu", f.Ubuntu}, {"rhel", f.RHEL}} {
		if c.c != nil {
			parts = append(parts, c.n+": "+c.c.Describe())
		}
	}
	return strings.Join(parts, " | ")
}

func (f perFamily) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	return auditPicked(ctx, t, f.pick, "OS family")
}

func (f perFamily) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	return fixPicked(ctx, t, p, f.pick, "OS family")
}

// picker selects the check for a target (nil: not applicable there) and
// names what it selected on (a family or a platform id).
type picker func(t *engine.Target) (engine.Check, string, error)

// auditPicked audits the check pick selects; the dispatching combinators
// (perFamily, perPlatform) differ only in how they pick.
func auditPicked(ctx context.Context, t *engine.Target, pick picker, what string) engine.Finding {
	c, on, err := pick(t)
	if err != nil {
		return engine.Errorf("detect %s: %v", what, err)
	}
	if c == nil {
		return engine.NotApplicable("not applicable on %s", on)
	}
	return c.Audit(ctx, t)
}

// fixPicked records the fix of the check pick selects; nothing where no
// check applies.
func fixPicked(ctx context.Context, t *engine.Target, p *engine.Plan, pick picker, what string) error {
	c, _, err := pick(t)
	if err != nil {
		return fmt.Errorf("detect %s: %w", what, err)
	}
	if c == nil {
		return nil
	}
	return c.Fix(ctx, t, p)
}

// when makes a check conditional on the package set: Then applies if any
// of Installed is installed (or, with Not, if none is), else the check is
// not applicable (e.g. chrony settings on a host that uses timesyncd).
type when struct {
	Installed []string
	Not       bool
	Then      engine.Check
}

func (w when) desc() string {
	if w.Not {
		return "none of " + strings.Join(w.Installed, ", ") + " installed"
	}
	return strings.Join(w.Installed, " or ") + " installed"
}

func (w when) Describe() string { return w.Then.Describe() + " (if " + w.desc() + ")" }

func (w when) holds(ctx context.Context, t *engine.Target) (bool, error) {
	db, err := t.Packages(ctx)
	if err != nil {
		return false, err
	}
	any := false
	for _, n := range w.Installed {
		any = any || db.Installed(n)
	}
	return any != w.Not, nil
}

func (w when) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	ok, err := w.holds(ctx, t)
	if err != nil {
		return engine.Errorf("%s: %v", w.desc(), err)
	}
	if !ok {
		return engine.NotApplicable("not applicable: %s is false", w.desc())
	}
	return w.Then.Audit(ctx, t)
}

func (w when) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	ok, err := w.holds(ctx, t)
	if err != nil || !ok {
		return err
	}
	return w.Then.Fix(ctx, t, p)
}

// Package shorthands.
func absent(name string) engine.Check  { return primitive.Absent(name) }
func present(name string) engine.Check { return primitive.Installed(name) }
func pkg(apt, dnf string, want bool) engine.Check {
	return primitive.Package{Apt: apt, Dnf: dnf, Present: want}
}

func sysctl(key, value string) engine.Check { return primitive.Sysctl{Key: key, Value: value} }

func mode(path string, max uint32, owner, group string) engine.Check {
	return primitive.FileMode{Path: path, Max: fs.FileMode(max), Owner: owner, Group: group}
}

func unit(name string, state primitive.ServiceState) engine.Check {
	return primitive.Service{Unit: name, State: state}
}

// Numeric comparisons for KeyValue.Accept and similar.
func atMost(n int) func(string) bool {
	return func(s string) bool { v, err := strconv.Atoi(strings.TrimSpace(s)); return err == nil && v <= n }
}
func atLeast(n int) func(string) bool {
	return func(s string) bool { v, err := strconv.Atoi(strings.TrimSpace(s)); return err == nil && v >= n }
}
func between(lo, hi int) func(string) bool {
	return func(s string) bool {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		return err == nil && v >= lo && v <= hi
	}
}
func oneOf(vals ...string) func(string) bool {
	return func(s string) bool {
		for _, v := range vals {
			if strings.EqualFold(strings.TrimSpace(s), v) {
				return true
			}
		}
		return false
	}
}

// perPlatform dispatches on the exact platform id ("debian-13") first, then
// the family, then "*". A missing entry is not applicable.
type perPlatform map[string]engine.Check

func (m perPlatform) pick(t *engine.Target) (engine.Check, string, error) {
	o, err := t.OSRelease()
	if err != nil {
		return nil, "", err
	}
	p, err := engine.DetectPlatform(o)
	if err != nil {
		return nil, "", err
	}
	for _, k := range []string{p.ID(), p.Family, "*"} {
		if c, ok := m[k]; ok {
			return c, p.ID(), nil
		}
	}
	return nil, p.ID(), nil
}

func (m perPlatform) Describe() string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+": "+m[k].Describe())
	}
	return strings.Join(parts, " | ")
}

func (m perPlatform) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	return auditPicked(ctx, t, m.pick, "platform")
}

func (m perPlatform) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	return fixPicked(ctx, t, p, m.pick, "platform")
}

func fsPerm(m uint32) fs.FileMode { return fs.FileMode(m) }

// anyOf passes when one of its checks passes; the fix applies the first.
type anyOf []engine.Check

func (a anyOf) Describe() string {
	var parts []string
	for _, c := range a {
		parts = append(parts, c.Describe())
	}
	return strings.Join(parts, " or ")
}

func (a anyOf) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	var details []string
	na := 0
	for _, c := range a {
		f := c.Audit(ctx, t)
		switch f.Status {
		case engine.StatusPass:
			return f
		case engine.StatusNotApplicable:
			na++
		}
		details = append(details, f.Detail)
	}
	if na == len(a) {
		return engine.NotApplicable("%s", strings.Join(details, "; "))
	}
	return engine.Fail("%s", strings.Join(details, "; "))
}

func (a anyOf) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	return a[0].Fix(ctx, t, p)
}
