package engine

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Status is the outcome of one rule. The set is fixed by the bundle contract.
type Status string

const (
	StatusPass          Status = "pass"
	StatusFail          Status = "fail"
	StatusFixed         Status = "fixed"
	StatusError         Status = "error"
	StatusNotApplicable Status = "not_applicable"
	StatusWaived        Status = "waived"
	StatusManual        Status = "manual"
)

// Statuses lists every status in report order.
var Statuses = []Status{StatusFail, StatusError, StatusFixed, StatusPass, StatusWaived, StatusManual, StatusNotApplicable}

// Order decides when a rule's fix runs during apply. Fixes that can cut the
// image builder's session (sshd, sudo, PAM, firewall) run last so that every
// other change is already in place, and their validation (sshd -t, visudo -c)
// gates the whole transaction.
type Order int

const (
	OrderNormal Order = iota
	OrderLate
)

// CISRef points at one control of one CIS benchmark.
type CISRef struct {
	// Benchmark is the benchmark id, e.g. "cis-debian-12" or "cis-rhel-9".
	Benchmark string `json:"benchmark"`
	// Version of the benchmark document, e.g. "1.1.0".
	Version string `json:"version,omitempty"`
	// Control id within the benchmark, e.g. "3.3.1".
	Control string `json:"control"`
}

func (c CISRef) String() string {
	if c.Version == "" {
		return c.Benchmark + " " + c.Control
	}
	return c.Benchmark + " v" + c.Version + " " + c.Control
}

// Rule is one hardening control expressed as data plus typed checks.
// A rule passes when every Check passes; applying it runs the Fix of each
// failing Check. Rule ids are stable: never rename a published id.
type Rule struct {
	ID    string
	Title string
	// Section is the CIS area ("1".."6") or "cloud" for the cloud-baseline layer;
	// reports group by it.
	Section string
	// Level is the CIS profile level (1 or 2).
	Level int
	// CIS references, one per benchmark that contains the control.
	CIS []CISRef
	// MLPS lists China MLPS 2.0 (等保 2.0) references where they fit (extra column only).
	MLPS []string
	// Platforms restricts the rule: entries are a family ("debian", "ubuntu",
	// "rhel") or a profile platform ("debian-12", "rhel-9"). Empty means all.
	Platforms []string
	// Checks are evaluated in order; all must pass.
	Checks []Check
	// Manual, when set, says why the control cannot be automated; the rule
	// then reports StatusManual and has no Checks.
	Manual string
	// AuditOnly rules report but never change the target (e.g. miner indicators).
	AuditOnly bool
	// Order of the fix during apply.
	Order Order
	// Rationale is a short "why" for reports.
	Rationale string
}

// AppliesTo reports whether the rule applies to a platform.
func (r *Rule) AppliesTo(p Platform) bool {
	if len(r.Platforms) == 0 {
		return true
	}
	for _, s := range r.Platforms {
		if s == p.Family || s == p.ID() {
			return true
		}
	}
	return false
}

// Finding is what a Check observed.
type Finding struct {
	// Status is StatusPass, StatusFail, StatusNotApplicable or StatusError.
	Status Status
	// Detail explains a non-pass result in words a person can act on
	// ("net.ipv4.ip_forward is 1 in /etc/sysctl.d/99-x.conf, want 0").
	Detail string
}

// Pass, Fail, NotApplicable and Errorf build Findings.
func Pass(format string, a ...any) Finding { return Finding{StatusPass, fmt.Sprintf(format, a...)} }
func Fail(format string, a ...any) Finding { return Finding{StatusFail, fmt.Sprintf(format, a...)} }
func NotApplicable(format string, a ...any) Finding {
	return Finding{StatusNotApplicable, fmt.Sprintf(format, a...)}
}
func Errorf(format string, a ...any) Finding { return Finding{StatusError, fmt.Sprintf(format, a...)} }

// ErrNoFix is returned by Check.Fix when the state cannot be fixed automatically
// (audit-only checks). The rule stays failed with the check's detail.
var ErrNoFix = errors.New("no automatic fix")

// Check is one typed, idempotent unit of desired state.
//
// Audit must only read the target (files under t.Root(), the cached package
// database) and must be safe to call concurrently with other Audits.
// Fix must not write to the target directly: it records the changes in the
// Plan, which batches them (one package transaction, one drop-in per
// subsystem) and writes them transactionally with rollback.
type Check interface {
	Describe() string
	Audit(ctx context.Context, t *Target) Finding
	Fix(ctx context.Context, t *Target, p *Plan) error
}

var ruleIDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate reports structural problems of a rule definition.
func (r *Rule) Validate() error {
	var errs []string
	if !ruleIDPattern.MatchString(r.ID) {
		errs = append(errs, fmt.Sprintf("id %q must be lower-case words joined by '-'", r.ID))
	}
	if strings.TrimSpace(r.Title) == "" {
		errs = append(errs, "title is empty")
	}
	if r.Level != 1 && r.Level != 2 {
		errs = append(errs, fmt.Sprintf("level %d must be 1 or 2", r.Level))
	}
	if r.Section == "" {
		errs = append(errs, `section is empty (use "1".."6" or "cloud")`)
	}
	if r.Manual == "" && len(r.Checks) == 0 {
		errs = append(errs, "rule has no checks: add Checks or set Manual with a reason")
	}
	if r.Manual != "" && len(r.Checks) > 0 {
		errs = append(errs, "manual rule must not have checks")
	}
	for i, c := range r.Checks {
		if c == nil {
			errs = append(errs, fmt.Sprintf("check %d is nil", i))
		}
	}
	for _, c := range r.CIS {
		if c.Benchmark == "" || c.Control == "" {
			errs = append(errs, fmt.Sprintf("CIS reference %+v needs benchmark and control", c))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("rule %q: %s", r.ID, strings.Join(errs, "; "))
	}
	return nil
}

// CISFor returns the references of the rule for one benchmark, or all of
// them when benchmark is empty.
func (r *Rule) CISFor(benchmark string) []CISRef {
	if benchmark == "" {
		return r.CIS
	}
	var out []CISRef
	for _, c := range r.CIS {
		if c.Benchmark == benchmark {
			out = append(out, c)
		}
	}
	return out
}

// sortRules orders rules for apply: by Order, then by id, so the plan and the
// files it writes are deterministic.
func sortRules(rs []*Rule) {
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Order != rs[j].Order {
			return rs[i].Order < rs[j].Order
		}
		return rs[i].ID < rs[j].ID
	})
}
