package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
)

// CheckResult is the finding of one check of a rule.
type CheckResult struct {
	Check  string `json:"check"`
	Status Status `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// Result is the outcome of one rule.
type Result struct {
	Rule   *Rule
	Status Status
	Detail string
	// WaiverReason is set for waived rules; WaiverExpires when the waiver
	// has a last day (YYYY-MM-DD).
	WaiverReason  string
	WaiverExpires string
	Checks        []CheckResult
}

// RunOptions configure Audit and Apply.
type RunOptions struct {
	// Waivers by rule id (profile defaults merged with user waivers).
	Waivers map[string]Waiver
	// Concurrency of audits; 0 means 2×GOMAXPROCS.
	Concurrency int
	// Log receives progress lines; nil discards.
	Log func(format string, args ...any)
	// Debug receives diagnostics such as slow rule audits; nil discards.
	Debug func(format string, args ...any)
	// Exec passes through to Plan.Execute.
	Exec ExecOptions
}

func (o RunOptions) logf(format string, args ...any) {
	if o.Log != nil {
		o.Log(format, args...)
	}
}

// slowAudit is the rule audit time above which Audit logs the rule, to
// keep the whole audit well under a second.
const slowAudit = 100 * time.Millisecond

// Audit evaluates every rule concurrently. Checks only read files, so they
// are safe to run in parallel; results come back in rule order.
func Audit(ctx context.Context, t *Target, rules []*Rule, opts RunOptions) []Result {
	out := make([]Result, len(rules))
	n := opts.Concurrency
	if n <= 0 {
		n = 2 * runtime.GOMAXPROCS(0)
	}
	// Warm the package cache once so concurrent checks share one read.
	_, _ = t.Packages(ctx)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				out[i] = auditRule(ctx, t, rules[i], opts.Waivers)
				if d := time.Since(t0); d > slowAudit {
					if opts.Debug != nil {
						opts.Debug("slow audit of %s: %dms", rules[i].ID, d.Milliseconds())
					}
				}
			}
		}()
	}
	for i := range rules {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func auditRule(ctx context.Context, t *Target, r *Rule, waivers map[string]Waiver) Result {
	res := Result{Rule: r}
	if w, ok := waivers[r.ID]; ok {
		res.Status, res.Detail, res.WaiverReason, res.WaiverExpires = StatusWaived, "waived: "+w.Reason, w.Reason, w.Expires
		if w.Expires != "" {
			res.Detail += " (until " + w.Expires + ")"
		}
		return res
	}
	if r.Manual != "" {
		res.Status, res.Detail = StatusManual, r.Manual
		return res
	}
	var fails, errs, nas, passes []string
	for _, c := range r.Checks {
		f := safeAudit(ctx, t, c)
		res.Checks = append(res.Checks, CheckResult{Check: c.Describe(), Status: f.Status, Detail: f.Detail})
		switch f.Status {
		case StatusPass:
			passes = append(passes, f.Detail)
		case StatusFail:
			fails = append(fails, f.Detail)
		case StatusNotApplicable:
			nas = append(nas, f.Detail)
		default:
			errs = append(errs, f.Detail)
		}
	}
	switch {
	case len(errs) > 0:
		res.Status, res.Detail = StatusError, strings.Join(errs, "; ")
	case len(fails) > 0:
		res.Status, res.Detail = StatusFail, strings.Join(fails, "; ")
	case len(passes) == 0:
		res.Status, res.Detail = StatusNotApplicable, strings.Join(nas, "; ")
	default:
		res.Status, res.Detail = StatusPass, strings.Join(passes, "; ")
	}
	if res.Status == StatusFail && r.AuditOnly {
		res.Detail += " (audit-only: investigate by hand)"
	}
	return res
}

// safeAudit turns a panicking check into an error result so one bad rule
// cannot abort the whole audit.
func safeAudit(ctx context.Context, t *Target, c Check) (f Finding) {
	defer func() {
		if r := recover(); r != nil {
			f = Errorf("check %q panicked: %v", c.Describe(), r)
		}
	}()
	return c.Audit(ctx, t)
}

// ApplyResult is the outcome of Apply.
type ApplyResult struct {
	Before  []Result
	After   []Result // final results; failed-then-passing rules are StatusFixed
	Outcome *Outcome
	Planned []string // rule ids whose fixes were planned
	// Err is an *ApplyError when the transaction was rolled back.
	Err      error
	Duration time.Duration
}

// Apply audits, plans fixes for failing rules into one Plan, executes it
// once and audits again.
func Apply(ctx context.Context, t *Target, rules []*Rule, opts RunOptions) *ApplyResult {
	start := time.Now()
	ar := &ApplyResult{}
	ar.Before = Audit(ctx, t, rules, opts)
	plan := NewPlan()
	var planErrs []string
	for i, r := range rules {
		res := ar.Before[i]
		if res.Status != StatusFail || r.AuditOnly {
			continue
		}
		plan.ForRule(r.ID)
		planned := false
		for j, c := range r.Checks {
			if res.Checks[j].Status != StatusFail {
				continue
			}
			if err := c.Fix(ctx, t, plan); err != nil {
				if errors.Is(err, ErrNoFix) {
					continue
				}
				planErrs = append(planErrs, fmt.Sprintf("%s: %v", r.ID, err))
				continue
			}
			planned = true
		}
		if planned {
			ar.Planned = append(ar.Planned, r.ID)
		}
	}
	if len(planErrs) > 0 {
		ar.Err = &ApplyError{Step: "plan", Err: errors.New(strings.Join(planErrs, "; "))}
		ar.After = markError(ar.Before, ar.Planned, ar.Err)
		ar.Duration = time.Since(start)
		return ar
	}
	opts.logf("apply: %d rules to fix", len(ar.Planned))
	ar.Outcome, ar.Err = plan.Execute(ctx, t, opts.Exec)
	if ar.Err != nil {
		var ae *ApplyError
		if errors.As(ar.Err, &ae) {
			ar.After = markError(ar.Before, ar.Planned, ar.Err)
			ar.Duration = time.Since(start)
			return ar
		}
		// A live activation failed after files were committed: re-audit anyway.
	}
	t.Invalidate()
	after := Audit(ctx, t, rules, opts)
	for i := range after {
		if ar.Before[i].Status == StatusFail && after[i].Status == StatusPass {
			after[i].Status = StatusFixed
		}
	}
	ar.After = after
	ar.Duration = time.Since(start)
	return ar
}

func markError(before []Result, planned []string, err error) []Result {
	set := map[string]bool{}
	for _, id := range planned {
		set[id] = true
	}
	out := make([]Result, len(before))
	copy(out, before)
	for i := range out {
		if set[out[i].Rule.ID] {
			out[i].Status = StatusError
			out[i].Detail = fmt.Sprintf("apply failed and was rolled back: %v (before: %s)", err, out[i].Detail)
		}
	}
	return out
}

// Summary counts results per status.
type Summary map[Status]int

// Summarize counts results.
func Summarize(rs []Result) Summary {
	s := Summary{}
	for _, st := range Statuses {
		s[st] = 0
	}
	for _, r := range rs {
		s[r.Status]++
	}
	return s
}

// Failed reports whether any rule failed or errored.
func (s Summary) Failed() bool { return s[StatusFail] > 0 || s[StatusError] > 0 }
