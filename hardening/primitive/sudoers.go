package primitive

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// SudoersDefault requires a sudoers "Defaults" setting (e.g. "use_pty",
// `logfile="/var/log/sudo.log"`). The check reads /etc/sudoers and its
// include directories; the fix writes SudoersDropIn (mode 0440) and the
// transaction is gated by `visudo -c`, so a bad file is rolled back before
// it can break the builder's `sudo -n`.
type SudoersDefault struct {
	// Setting as written after "Defaults", e.g. "use_pty".
	Setting string
	// Accept judges the matched setting text; nil means the Setting's name is
	// present (for flags) or equal (for name=value).
	Accept func(got string) bool
}

func (s SudoersDefault) Describe() string { return "sudoers Defaults " + s.Setting }

func sudoersName(setting string) string {
	n, _, _ := strings.Cut(setting, "=")
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(n), "!"))
}

// sudoersDefaults returns every setting of plain "Defaults" lines (not
// Defaults:user or Defaults@host), in file order.
func sudoersDefaults(t *engine.Target) ([]sshdValue, error) {
	var out []sshdValue
	var walk func(f string, depth int) error
	walk = func(f string, depth int) error {
		if depth > 8 {
			return fmt.Errorf("sudoers include nesting too deep at %s", f)
		}
		data, ok, err := readOptional(t, f)
		if err != nil || !ok {
			return err
		}
		for _, raw := range strings.Split(string(data), "\n") {
			l := strings.TrimSpace(raw)
			if strings.HasPrefix(l, "#includedir ") || strings.HasPrefix(l, "@includedir ") {
				dir := strings.TrimSpace(l[len("#includedir "):])
				ents, err := t.ReadDir(dir)
				if err != nil {
					return err
				}
				for _, e := range ents {
					// sudo skips names with a '.' or ending in '~'.
					if e.IsDir() || strings.Contains(e.Name(), ".") || strings.HasSuffix(e.Name(), "~") {
						continue
					}
					if err := walk(path.Join(dir, e.Name()), depth+1); err != nil {
						return err
					}
				}
				continue
			}
			if strings.HasPrefix(l, "#include ") || strings.HasPrefix(l, "@include ") {
				if err := walk(strings.TrimSpace(l[len("#include "):]), depth+1); err != nil {
					return err
				}
				continue
			}
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			f0, rest, _ := strings.Cut(l, " ")
			if f0 != "Defaults" {
				continue
			}
			for _, part := range splitSudoersList(rest) {
				out = append(out, sshdValue{value: part, file: f})
			}
		}
		return nil
	}
	return out, walk("/etc/sudoers", 0)
}

// splitSudoersList splits "a, b=\"x, y\"" on commas outside quotes.
func splitSudoersList(s string) []string {
	var out []string
	var cur strings.Builder
	inQ := false
	for _, r := range s {
		switch {
		case r == '"':
			inQ = !inQ
			cur.WriteRune(r)
		case r == ',' && !inQ:
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, strings.TrimSpace(cur.String()))
	}
	return out
}

func (s SudoersDefault) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	if !t.Exists("/etc/sudoers") {
		return engine.NotApplicable("sudo is not installed (/etc/sudoers missing)")
	}
	defs, err := sudoersDefaults(t)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	name := sudoersName(s.Setting)
	var last *sshdValue
	for i := range defs {
		if sudoersName(defs[i].value) == name {
			last = &defs[i]
		}
	}
	if last == nil {
		return engine.Fail("sudoers has no Defaults %s", s.Setting)
	}
	ok := false
	switch {
	case s.Accept != nil:
		ok = s.Accept(last.value)
	case strings.HasPrefix(strings.TrimSpace(last.value), "!"):
		ok = false
	case strings.Contains(s.Setting, "="):
		ok = strings.ReplaceAll(last.value, " ", "") == strings.ReplaceAll(s.Setting, " ", "")
	default:
		ok = true
	}
	if !ok {
		return engine.Fail("sudoers Defaults %s in %s, want %s", last.value, last.file, s.Setting)
	}
	return engine.Pass("Defaults %s (%s)", last.value, last.file)
}

func (s SudoersDefault) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	if !t.Exists("/etc/sudoers") {
		return nil
	}
	p.DropIn(engine.DropInSpec{Path: SudoersDropIn, Header: managedHeader, Perm: 0o440, KeyOf: func(l string) string {
		return sudoersName(strings.TrimPrefix(l, "Defaults "))
	}}, sudoersName(s.Setting), "Defaults "+s.Setting)
	p.Validate("visudo -c", ValidateSudoers)
	return nil
}

// ValidateSudoers runs `visudo -c` inside the target when visudo exists.
func ValidateSudoers(ctx context.Context, t *engine.Target) error {
	if !t.HasCommand("visudo") {
		return nil
	}
	if _, _, err := t.Run(ctx, nil, "visudo", "-c", "-q"); err != nil {
		return fmt.Errorf("sudoers invalid: %w", err)
	}
	return nil
}
