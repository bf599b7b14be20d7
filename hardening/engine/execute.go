package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// slowStep is the duration above which a step is logged, to find what
// dominates apply time.
const slowStep = 500 * time.Millisecond

// PackageBackend performs the single package transaction of an apply.
type PackageBackend interface {
	Apply(ctx context.Context, t *Target, install, remove []string) error
}

// ExecOptions tune Plan.Execute.
type ExecOptions struct {
	// Packages overrides the package backend; nil chooses by target (see DefaultBackend).
	Packages PackageBackend
	// Log receives progress lines; nil discards.
	Log func(format string, args ...any)
}

// Outcome records what an executed plan changed.
type Outcome struct {
	Installed []string
	Removed   []string
	Changed   []string // in-target paths, sorted
	Validated []string // names of validators that passed
	LiveHooks []string // runtime activations that ran (live mode)
}

// ApplyError means the plan failed and every file change was rolled back.
type ApplyError struct {
	Step string
	Err  error
	// RollbackErr is set if restoring files failed too.
	RollbackErr error
}

func (e *ApplyError) Error() string {
	msg := fmt.Sprintf("%s: %v; file changes rolled back", e.Step, e.Err)
	if e.RollbackErr != nil {
		msg += fmt.Sprintf(" (rollback incomplete: %v)", e.RollbackErr)
	}
	return msg
}

func (e *ApplyError) Unwrap() error { return e.Err }

// Execute runs the plan: one package transaction, managed drop-ins, the
// other steps in registration order, validators, and (live mode only)
// runtime activations. If a step or validator fails, every file change is
// rolled back and an *ApplyError is returned. Package operations cannot be
// rolled back; they run first so a failure there leaves files untouched.
func (p *Plan) Execute(ctx context.Context, t *Target, opts ExecOptions) (*Outcome, error) {
	logf := opts.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	out := &Outcome{Installed: p.PackagesToInstall(), Removed: p.PackagesToRemove()}
	if err := ctx.Err(); err != nil {
		return out, &ApplyError{Step: "start", Err: err}
	}
	if len(out.Installed)+len(out.Removed) > 0 {
		be := opts.Packages
		if be == nil {
			var err error
			if be, err = DefaultBackend(t); err != nil {
				return out, &ApplyError{Step: "package transaction", Err: err}
			}
		}
		logf("packages: install %v, remove %v", out.Installed, out.Removed)
		t0 := time.Now()
		if err := be.Apply(ctx, t, out.Installed, out.Removed); err != nil {
			return out, &ApplyError{Step: "package transaction", Err: err}
		}
		logf("package transaction: %.1fs", time.Since(t0).Seconds())
		t.InvalidatePackages()
	}
	tx := NewTx(t)
	fail := func(step string, err error) (*Outcome, error) {
		rbErr := tx.Rollback()
		out.Changed = nil
		return out, &ApplyError{Step: step, Err: err, RollbackErr: rbErr}
	}
	for _, s := range append(p.dropInSteps(), p.steps...) {
		if err := ctx.Err(); err != nil {
			return fail(s.name, err)
		}
		name := s.name
		if s.rule != "" {
			name = s.rule + ": " + name
		}
		t0 := time.Now()
		if err := s.fn(ctx, t, tx); err != nil {
			return fail(name, err)
		}
		if d := time.Since(t0); d > slowStep {
			logf("slow step %s: %.1fs", name, d.Seconds())
		}
	}
	changed := tx.Changed()
	if len(changed) > 0 {
		for _, v := range p.validators {
			logf("validate: %s", v.name)
			if err := v.fn(ctx, t); err != nil {
				return fail("validate "+v.name, err)
			}
			out.Validated = append(out.Validated, v.name)
		}
	}
	out.Changed = changed
	if t.Mode() == ModeLive {
		for _, h := range p.live {
			if !touches(changed, h.prefixes) {
				continue
			}
			logf("activate: %s", h.name)
			// Files are committed and valid at this point; a failed activation
			// is reported but does not roll back persistent configuration.
			if err := h.fn(ctx, t); err != nil {
				return out, fmt.Errorf("activate %s: %w", h.name, err)
			}
			out.LiveHooks = append(out.LiveHooks, h.name)
		}
	}
	return out, nil
}

func touches(changed, prefixes []string) bool {
	if len(changed) == 0 {
		return false
	}
	if len(prefixes) == 0 {
		return true
	}
	for _, c := range changed {
		for _, p := range prefixes {
			if strings.HasPrefix(c, p) {
				return true
			}
		}
	}
	return false
}

// FixAndVerify is a convenience for tests and single-rule use: it audits
// the checks, plans fixes for failing ones, executes the plan and re-audits.
// It returns the outcome and the final findings.
func FixAndVerify(ctx context.Context, t *Target, checks []Check, opts ExecOptions) (*Outcome, []Finding, error) {
	p := NewPlan()
	for _, c := range checks {
		if f := c.Audit(ctx, t); f.Status == StatusFail {
			if err := c.Fix(ctx, t, p); err != nil && !errors.Is(err, ErrNoFix) {
				return nil, nil, fmt.Errorf("plan %s: %w", c.Describe(), err)
			}
		}
	}
	out, err := p.Execute(ctx, t, opts)
	if err != nil {
		return out, nil, err
	}
	fs := make([]Finding, len(checks))
	for i, c := range checks {
		fs[i] = c.Audit(ctx, t)
	}
	return out, fs, nil
}
