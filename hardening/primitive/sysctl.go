package primitive

import (
	"context"
	"fmt"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// Sysctl requires a persistent kernel parameter. The check computes the
// effective value from sysctl.d(5) files (later files win, /etc/sysctl.conf
// last); the fix writes SysctlDropIn and comments out conflicting
// assignments in other files under /etc. Image mode never touches the
// running kernel; live mode runs `sysctl --system` afterwards.
type Sysctl struct {
	Key   string // dotted form, e.g. "net.ipv4.ip_forward"
	Value string
}

var sysctlDirs = []string{"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d"}

func (s Sysctl) Describe() string { return fmt.Sprintf("sysctl %s = %s", s.Key, s.Value) }

type sysctlSetting struct{ value, file string }

// sysctlEffective returns the winning assignment of every key.
func sysctlEffective(t *engine.Target) (map[string]sysctlSetting, []string, error) {
	files, err := configFiles(t, sysctlDirs, ".conf")
	if err != nil {
		return nil, nil, err
	}
	files = append(files, "/etc/sysctl.conf")
	out := map[string]sysctlSetting{}
	for _, f := range files {
		data, _, err := readOptional(t, f)
		if err != nil {
			return nil, nil, err
		}
		for _, l := range activeLines(data, "#") {
			if strings.HasPrefix(l, ";") {
				continue
			}
			k, v, ok := strings.Cut(l, "=")
			if !ok {
				continue
			}
			out[normSysctlKey(k)] = sysctlSetting{normSpace(v), f}
		}
	}
	return out, files, nil
}

func normSysctlKey(k string) string {
	k = strings.TrimPrefix(strings.TrimSpace(k), "-")
	return strings.ReplaceAll(k, "/", ".")
}

func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func (s Sysctl) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	eff, _, err := sysctlEffective(t)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	got, ok := eff[s.Key]
	switch {
	case !ok:
		return engine.Fail("%s is not set persistently (want %s)", s.Key, s.Value)
	case got.value != normSpace(s.Value):
		return engine.Fail("%s = %s in %s, want %s", s.Key, got.value, got.file, s.Value)
	}
	return engine.Pass("%s = %s (%s)", s.Key, got.value, got.file)
}

func (s Sysctl) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.DropIn(engine.DropInSpec{Path: SysctlDropIn, Header: managedHeader, KeyOf: func(l string) string {
		k, _, _ := strings.Cut(l, "=")
		return normSysctlKey(k)
	}}, s.Key, s.Key+" = "+s.Value)
	key, want := s.Key, normSpace(s.Value)
	p.Step("sysctl: neutralise conflicting "+key, func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		files, err := configFiles(t, []string{"/etc/sysctl.d"}, ".conf")
		if err != nil {
			return err
		}
		for _, f := range append(files, "/etc/sysctl.conf") {
			if f == SysctlDropIn {
				continue
			}
			if err := commentOut(t, tx, f, func(l string) bool {
				k, v, ok := strings.Cut(l, "=")
				return ok && normSysctlKey(k) == key && normSpace(v) != want
			}); err != nil {
				return err
			}
		}
		return nil
	})
	p.OnLive("sysctl --system", []string{"/etc/sysctl"}, func(ctx context.Context, t *engine.Target) error {
		_, _, err := t.Run(ctx, nil, "sysctl", "--system")
		return err
	})
	return nil
}

// commentOut rewrites file f with every active line matching pred prefixed by
// "# harden: ". Missing files are fine.
func commentOut(t *engine.Target, tx *engine.Tx, f string, pred func(line string) bool) error {
	data, ok, err := readOptional(t, f)
	if err != nil || !ok {
		return err
	}
	fi, err := t.Stat(f)
	if err != nil {
		return err
	}
	lines := strings.Split(string(data), "\n")
	changed := false
	for i, l := range lines {
		tl := strings.TrimSpace(l)
		if tl == "" || strings.HasPrefix(tl, "#") {
			continue
		}
		if pred(tl) {
			lines[i] = "# harden: " + l
			changed = true
		}
	}
	if !changed {
		return nil
	}
	return tx.WriteFile(f, []byte(strings.Join(lines, "\n")), fi.Mode().Perm())
}
