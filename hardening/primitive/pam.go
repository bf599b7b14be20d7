package primitive

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// PAMModule requires a module line in PAM service files (Debian's
// /etc/pam.d/common-*, RHEL's system-auth and password-auth) and judges its
// arguments. The fix edits the files in place:
//
//   - a missing line is inserted before the first line of the same type that
//     loads Before (or at the top of that type's block when Before is "^",
//     or after its last line when Before is empty);
//   - bracketed jump counts ("[success=1 default=ignore]") of earlier lines
//     that jump over the insertion point are incremented, so the stack keeps
//     its meaning (a pam_unix success must still skip pam_deny);
//   - required arguments are added or set and forbidden ones removed on
//     every matching line.
//
// Files that do not exist are skipped (not applicable when none exists);
// symlinks (authselect) are followed, so the profile's files are edited.
type PAMModule struct {
	Files  []string // e.g. /etc/pam.d/common-auth
	Type   string   // auth | account | password | session
	Module string   // e.g. pam_faillock.so
	// Discriminator selects among several lines of the same module by an
	// argument (e.g. "preauth" vs "authfail" for pam_faillock); "" matches all.
	Discriminator string
	// Control and NewArgs form a line inserted when none matches. Empty
	// Control means the line must already exist (the check only judges args).
	Control string
	NewArgs []string
	Before  string
	// Args must be present: "name" flags or "name=value"; Accept overrides
	// the comparison of a value by name.
	Args   []string
	Accept map[string]func(string) bool
	// Forbid lists argument names that must not appear.
	Forbid []string
	// Absent requires that no such line exists at all.
	Absent bool
}

// pamLine is a parsed active line.
type pamLine struct {
	idx     int
	typ     string
	control string
	module  string
	args    []string
}

var pamLineRe = regexp.MustCompile(`^\s*(-?[a-z]+)\s+(\[[^\]]*\]|\S+)\s+(\S+)\s*(.*)$`)

func parsePAM(lines []string) []pamLine {
	var out []pamLine
	for i, l := range lines {
		tl := strings.TrimSpace(l)
		if tl == "" || strings.HasPrefix(tl, "#") || strings.HasPrefix(tl, "@") {
			continue
		}
		m := pamLineRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		out = append(out, pamLine{idx: i, typ: strings.TrimPrefix(m[1], "-"), control: m[2], module: m[3], args: strings.Fields(m[4])})
	}
	return out
}

func (m PAMModule) Describe() string {
	if m.Absent {
		return fmt.Sprintf("%s %s not in %s", m.Type, m.Module, strings.Join(m.Files, ", "))
	}
	return fmt.Sprintf("%s %s %s in %s", m.Type, m.Module, strings.Join(append(append([]string{}, m.Args...), prefixAll("!", m.Forbid)...), " "), strings.Join(m.Files, ", "))
}

func prefixAll(p string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p + s
	}
	return out
}

func (m PAMModule) matches(l pamLine) bool {
	if l.typ != m.Type || (l.module != m.Module && !strings.HasSuffix(l.module, "/"+m.Module)) {
		return false
	}
	if m.Discriminator == "" {
		return true
	}
	for _, a := range l.args {
		if a == m.Discriminator {
			return true
		}
	}
	return false
}

func argName(a string) string { n, _, _ := strings.Cut(a, "="); return n }

// argProblems lists what is wrong with one line's arguments.
func (m PAMModule) argProblems(args []string) []string {
	var out []string
	for _, want := range m.Args {
		found := false
		for _, a := range args {
			found = found || m.argOK(want, a)
		}
		if !found {
			out = append(out, "needs "+want)
		}
	}
	for _, f := range m.Forbid {
		for _, a := range args {
			if argName(a) == f {
				out = append(out, "has "+a)
			}
		}
	}
	return out
}

func (m PAMModule) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	var problems []string
	seen := 0
	for _, f := range m.Files {
		data, ok, err := readOptional(t, f)
		if err != nil {
			return engine.Errorf("%v", err)
		}
		if !ok {
			continue
		}
		seen++
		var hits []pamLine
		for _, l := range parsePAM(strings.Split(string(data), "\n")) {
			if m.matches(l) {
				hits = append(hits, l)
			}
		}
		switch {
		case m.Absent && len(hits) > 0:
			problems = append(problems, fmt.Sprintf("%s loads %s", f, m.Module))
		case m.Absent:
		case len(hits) == 0:
			problems = append(problems, fmt.Sprintf("%s has no %s %s line", f, m.Type, m.Module))
		default:
			for _, h := range hits {
				if p := m.argProblems(h.args); len(p) > 0 {
					problems = append(problems, fmt.Sprintf("%s line %d: %s", f, h.idx+1, strings.Join(p, ", ")))
				}
			}
		}
	}
	if seen == 0 {
		return engine.NotApplicable("none of %s exists", strings.Join(m.Files, ", "))
	}
	if len(problems) > 0 {
		return engine.Fail("%s", strings.Join(problems, "; "))
	}
	return engine.Pass("%s", m.Describe())
}

func (m PAMModule) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("pam: "+m.Describe(), func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		for _, f := range m.Files {
			data, ok, err := readOptional(t, f)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			out, err := m.edit(string(data))
			if err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			if out == string(data) {
				continue
			}
			fi, err := t.Stat(f)
			if err != nil {
				return err
			}
			if err := tx.WriteFile(f, []byte(out), fi.Mode().Perm()); err != nil {
				return err
			}
		}
		return nil
	})
	return nil
}

// edit returns the file content with the module line in the desired state.
func (m PAMModule) edit(content string) (string, error) {
	lines := strings.Split(content, "\n")
	parsed := parsePAM(lines)
	if m.Absent {
		var keep []string
		drop := map[int]bool{}
		for _, l := range parsed {
			if m.matches(l) {
				drop[l.idx] = true
			}
		}
		for i, l := range lines {
			if !drop[i] {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n"), nil
	}
	found := false
	for _, l := range parsed {
		if !m.matches(l) {
			continue
		}
		found = true
		if len(m.argProblems(l.args)) == 0 {
			continue
		}
		lines[l.idx] = m.render(l.typ, l.control, l.module, m.fixArgs(l.args))
	}
	if found {
		return strings.Join(lines, "\n"), nil
	}
	if m.Control == "" {
		return content, fmt.Errorf("no %s %s line to adjust", m.Type, m.Module)
	}
	// Insert a new line at the anchor.
	var same []pamLine
	for _, l := range parsed {
		if l.typ == m.Type {
			same = append(same, l)
		}
	}
	pos := -1 // index into lines
	switch {
	case m.Before == "^" && len(same) > 0:
		pos = same[0].idx
	case m.Before != "" && m.Before != "^":
		for _, l := range same {
			if l.module == m.Before || strings.HasSuffix(l.module, "/"+m.Before) {
				pos = l.idx
				break
			}
		}
	}
	if pos < 0 {
		if len(same) > 0 {
			pos = same[len(same)-1].idx + 1
		} else {
			pos = len(lines)
			if pos > 0 && lines[pos-1] == "" {
				pos--
			}
		}
	}
	// Keep jumps of earlier lines of this type pointing at the same module.
	for k, l := range same {
		if l.idx >= pos || !strings.HasPrefix(l.control, "[") {
			continue
		}
		// position (among same-type lines) of the insertion point
		ins := 0
		for _, s := range same {
			if s.idx < pos {
				ins++
			}
		}
		nc := jumpRe.ReplaceAllStringFunc(l.control, func(s string) string {
			sm := jumpRe.FindStringSubmatch(s)
			n, _ := strconv.Atoi(sm[2])
			if k < ins && ins <= k+n {
				n++
			}
			return sm[1] + "=" + strconv.Itoa(n)
		})
		if nc != l.control {
			lines[l.idx] = m.render(l.typ, nc, l.module, l.args)
		}
	}
	nl := m.render(m.Type, m.Control, m.Module, m.fixArgs(m.NewArgs))
	lines = append(lines[:pos], append([]string{nl}, lines[pos:]...)...)
	return strings.Join(lines, "\n"), nil
}

var jumpRe = regexp.MustCompile(`([a-z_]+)=([0-9]+)`)

// argOK reports whether one argument satisfies the wanted "name[=value]".
func (m PAMModule) argOK(want, a string) bool {
	name, wantVal, hasVal := strings.Cut(want, "=")
	n, v, _ := strings.Cut(a, "=")
	switch {
	case n != name:
		return false
	case m.Accept[name] != nil:
		return m.Accept[name](v)
	case hasVal:
		return v == wantVal
	}
	return true
}

// fixArgs returns args with required ones set and forbidden ones removed.
func (m PAMModule) fixArgs(args []string) []string {
	var out []string
	for _, a := range args {
		drop := false
		for _, f := range m.Forbid {
			drop = drop || argName(a) == f
		}
		if !drop {
			out = append(out, a)
		}
	}
	for _, want := range m.Args {
		ok, at := false, -1
		for i, a := range out {
			if m.argOK(want, a) {
				ok = true
			} else if argName(a) == argName(want) && at < 0 {
				at = i
			}
		}
		switch {
		case ok:
		case at >= 0:
			out[at] = want
		default:
			out = append(out, want)
		}
	}
	return out
}

func (m PAMModule) render(typ, control, module string, args []string) string {
	l := fmt.Sprintf("%-8s %-32s %s", typ, control, module)
	if len(args) > 0 {
		l += " " + strings.Join(args, " ")
	}
	return l
}
