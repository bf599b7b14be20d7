package primitive

import (
	"context"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// AuditRule requires an auditd rule line in /etc/audit/rules.d (the source
// augenrules compiles at boot). Lines compare with whitespace normalised.
// The fix adds the line to AuditDropIn, or AuditFinalize for "-e 2" which
// must come last.
type AuditRule struct {
	Line string // e.g. "-w /etc/sudoers -p wa -k scope"
}

func (a AuditRule) Describe() string { return "audit rule " + a.Line }

func (a AuditRule) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	files, err := t.Glob("/etc/audit/rules.d/*.rules")
	if err != nil {
		return engine.Errorf("%v", err)
	}
	want := normSpace(a.Line)
	for _, f := range files {
		data, _, err := readOptional(t, f)
		if err != nil {
			return engine.Errorf("%v", err)
		}
		for _, l := range activeLines(data, "#") {
			if normSpace(l) == want {
				return engine.Pass("%s has %q", f, a.Line)
			}
		}
	}
	return engine.Fail("no file in /etc/audit/rules.d has %q", a.Line)
}

func (a AuditRule) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	path := AuditDropIn
	if strings.HasPrefix(normSpace(a.Line), "-e ") {
		path = AuditFinalize
	}
	p.DropIn(engine.DropInSpec{Path: path, Header: managedHeader, Perm: 0o640}, "", normSpace(a.Line))
	return nil
}
