package primitive

import (
	"context"
	"errors"
	"os/exec"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// Shell is the escape hatch for the rare control no typed primitive covers.
// CheckScript runs with /bin/sh inside the target: exit 0 = pass, exit 1 =
// fail (stdout is the detail), anything else = error. FixScript (optional)
// runs during apply after the package transaction; it must be idempotent.
// Changes a shell fix makes are not rolled back, so prefer typed primitives.
// Every snippet must be shellcheck-clean (the catalog tests enforce it).
type Shell struct {
	Desc        string
	CheckScript string
	FixScript   string
}

func (s Shell) Describe() string { return s.Desc }

func (s Shell) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	out, _, err := t.Run(ctx, nil, "/bin/sh", "-c", s.CheckScript)
	detail := strings.TrimSpace(string(out))
	var ee *exec.ExitError
	switch {
	case err == nil:
		return engine.Pass("%s", detail)
	case errors.As(err, &ee) && ee.ExitCode() == 1:
		if detail == "" {
			detail = s.Desc + ": check failed"
		}
		return engine.Fail("%s", detail)
	}
	return engine.Errorf("%s: %v", s.Desc, err)
}

func (s Shell) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	if s.FixScript == "" {
		return engine.ErrNoFix
	}
	p.Step("shell: "+s.Desc, func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		_, _, err := t.Run(ctx, nil, "/bin/sh", "-c", s.FixScript)
		tx.MarkChanged("shell: " + s.Desc)
		return err
	})
	return nil
}
