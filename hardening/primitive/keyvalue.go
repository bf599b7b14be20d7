package primitive

import (
	"context"
	"fmt"
	"io/fs"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// KeyValue requires "Key<sep>Value" in a flat config file such as
// /etc/login.defs ("PASS_MAX_DAYS 365"), /etc/security/pwquality.conf
// ("minlen = 14") or /etc/default/useradd ("INACTIVE=30"). The last active
// assignment wins. The fix edits the file in place: the first assignment is
// rewritten, later duplicates are commented out, and the key is appended when
// missing, so unrelated lines and comments stay untouched.
type KeyValue struct {
	Path  string
	Key   string
	Value string
	// Sep is written between key and value: " " (whitespace-separated files)
	// or "=" / " = " (assignment files). Parsing accepts either form.
	Sep string
	// Accept judges the current value; nil means equal to Value
	// (case-sensitive). Use it for "at most 365" style controls.
	Accept func(got string) bool
	// IgnoreCase compares keys case-insensitively.
	IgnoreCase bool
	// Perm for a newly created file (0 means 0644).
	Perm fs.FileMode
}

func (k KeyValue) Describe() string {
	return fmt.Sprintf("%s: %s%s%s", k.Path, k.Key, k.sep(), k.Value)
}

func (k KeyValue) sep() string {
	if k.Sep == "" {
		return " "
	}
	return k.Sep
}

// parseKV splits an active line into key and value for either syntax.
func parseKV(line string) (string, string) {
	if i := strings.IndexAny(line, "= \t"); i >= 0 {
		key := line[:i]
		rest := strings.TrimSpace(line[i:])
		rest = strings.TrimSpace(strings.TrimPrefix(rest, "="))
		return key, rest
	}
	return line, ""
}

func (k KeyValue) keyMatch(key string) bool {
	if k.IgnoreCase {
		return strings.EqualFold(key, k.Key)
	}
	return key == k.Key
}

func (k KeyValue) current(t *engine.Target) (string, bool, error) {
	data, _, err := readOptional(t, k.Path)
	if err != nil {
		return "", false, err
	}
	val, found := "", false
	for _, l := range activeLines(data, "#") {
		if key, v := parseKV(l); k.keyMatch(key) {
			val, found = v, true
		}
	}
	return val, found, nil
}

func (k KeyValue) accept(v string) bool {
	if k.Accept != nil {
		return k.Accept(v)
	}
	return v == k.Value
}

func (k KeyValue) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	v, found, err := k.current(t)
	switch {
	case err != nil:
		return engine.Errorf("%v", err)
	case !found:
		return engine.Fail("%s: %s is not set (want %s)", k.Path, k.Key, k.Value)
	case !k.accept(v):
		return engine.Fail("%s: %s is %q, want %s", k.Path, k.Key, v, k.Value)
	}
	return engine.Pass("%s: %s %s", k.Path, k.Key, v)
}

func (k KeyValue) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step(fmt.Sprintf("set %s in %s", k.Key, k.Path), func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		data, ok, err := readOptional(t, k.Path)
		if err != nil {
			return err
		}
		perm := k.Perm
		if perm == 0 {
			perm = 0o644
		}
		if ok {
			fi, err := t.Stat(k.Path)
			if err != nil {
				return err
			}
			perm = fi.Mode().Perm()
		}
		return tx.WriteFile(k.Path, []byte(SetKey(string(data), k.Key+k.sep()+k.Value, k.keyMatch)), perm)
	})
	return nil
}

// SetKey rewrites content so that the first active line whose key matches is
// replaced by newLine, later matching lines are commented out, and newLine is
// appended when no line matched. Exported for primitives in other files.
func SetKey(content, newLine string, match func(string) bool) string {
	lines := strings.Split(content, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	done := false
	for i, l := range lines {
		tl := strings.TrimSpace(l)
		if tl == "" || strings.HasPrefix(tl, "#") {
			continue
		}
		if kk, _ := parseKV(tl); !match(kk) {
			continue
		}
		if !done {
			lines[i] = newLine
			done = true
		} else {
			lines[i] = "# harden: " + l
		}
	}
	if !done {
		lines = append(lines, newLine)
	}
	return strings.Join(lines, "\n") + "\n"
}
