// Package primitive holds the typed, idempotent checks that rules are built
// from. Each primitive implements engine.Check: Audit reads files under the
// target root (never spawning a process per rule), Fix records batched
// changes in the engine.Plan.
package primitive

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// Managed files the engine owns. One per subsystem, named so that they win
// over distribution defaults (sysctl/modprobe: last wins → "99-zz";
// sshd: first wins → "00").
const (
	SysctlDropIn   = "/etc/sysctl.d/99-zz-hardened-cis.conf"
	ModprobeDropIn = "/etc/modprobe.d/hardened-cis.conf"
	SSHDDropIn     = "/etc/ssh/sshd_config.d/00-hardened-cis.conf"
	SudoersDropIn  = "/etc/sudoers.d/50-hardened-cis"
	AuditDropIn    = "/etc/audit/rules.d/50-hardened-cis.rules"
	AuditFinalize  = "/etc/audit/rules.d/99-zz-hardened-finalize.rules"
)

const managedHeader = "# Managed by harden (CIS hardening). Do not edit: changes are overwritten.\n"

// Func is the Go escape hatch: a check written as code, for scans that do not
// fit a typed primitive (e.g. "no world-writable files"). FixFn may be nil
// for audit-only checks.
type Func struct {
	Desc    string
	AuditFn func(ctx context.Context, t *engine.Target) engine.Finding
	FixFn   func(ctx context.Context, t *engine.Target, p *engine.Plan) error
}

func (f Func) Describe() string { return f.Desc }
func (f Func) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	return f.AuditFn(ctx, t)
}
func (f Func) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	if f.FixFn == nil {
		return engine.ErrNoFix
	}
	return f.FixFn(ctx, t, p)
}

// lines returns the non-empty, non-comment lines of data with trailing
// comments kept (callers decide), trimmed.
func activeLines(data []byte, comment string) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, comment) {
			continue
		}
		out = append(out, l)
	}
	return out
}

// readOptional reads a file, treating "missing" as empty.
func readOptional(t *engine.Target, p string) ([]byte, bool, error) {
	data, err := t.ReadFile(p)
	if err != nil {
		if isNotExist(err) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("read %s: %w", p, err)
	}
	return data, true, nil
}

// configFiles lists files in dirs matching suffix where a basename in an
// earlier dir shadows the same basename in later dirs (systemd's drop-in
// rule), sorted by basename.
func configFiles(t *engine.Target, dirs []string, suffix string) ([]string, error) {
	byBase := map[string]string{}
	for _, d := range dirs {
		ents, err := t.ReadDir(d)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", d, err)
		}
		for _, e := range ents {
			if e.IsDir() || !strings.HasSuffix(e.Name(), suffix) {
				continue
			}
			if _, ok := byBase[e.Name()]; !ok {
				byBase[e.Name()] = d + "/" + e.Name()
			}
		}
	}
	names := make([]string, 0, len(byBase))
	for n := range byBase {
		names = append(names, n)
	}
	sortStrings(names)
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = byBase[n]
	}
	return out, nil
}
