package catalog

// Settings a PAM module reads from its own configuration files and that an
// argument on the module's PAM line overrides: pam_pwquality (minlen=,
// difok=, … over pwquality.conf and its .d drop-ins) and pam_faillock
// (deny=, unlock_time= over faillock.conf). The CIS audit procedure checks
// both places: the value in the configuration files, and that no PAM
// argument sets a weaker one.

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

const (
	pwqualityConf   = "/etc/security/pwquality.conf"
	pwqualityDropIn = "/etc/security/pwquality.conf.d/*.conf"
	faillockConf    = "/etc/security/faillock.conf"
)

// pamConfSetting requires Key to be acceptable where the module takes it
// from: the last assignment across Conf (file paths or globs in the order
// the module reads them; a glob's matches in ASCII order), and every
// Key= argument on the Type/Module lines of the PAM files, which override
// the files for that line. The fix sets Key in Main (the file the module
// reads last, so it wins), comments out weaker assignments elsewhere in
// Conf, and rewrites weaker PAM arguments to Value.
type pamConfSetting struct {
	Conf       []string
	Main       string
	PAM        []string
	Type       string
	Module     string
	Key, Value string
	Accept     func(string) bool
}

// confAssign is one active "key = value" line.
type confAssign struct {
	file  string
	line  int // 0-based
	value string
}

func (s pamConfSetting) Describe() string {
	return fmt.Sprintf("%s = %s (%s, no weaker %s %s=)", s.Key, s.Value, strings.Join(s.Conf, ", "), s.Module, s.Key)
}

func (s pamConfSetting) ok(v string) bool {
	if s.Accept != nil {
		return s.Accept(v)
	}
	return v == s.Value
}

// assignments lists the active assignments of Key in read order.
func (s pamConfSetting) assignments(t *engine.Target) ([]confAssign, error) {
	var out []confAssign
	for _, pat := range s.Conf {
		files, err := primitive.Expand(t, []string{pat})
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			data, _, err := readOpt(t, f)
			if err != nil {
				return nil, err
			}
			for i, l := range strings.Split(data, "\n") {
				if k, v, ok := confKV(l); ok && k == s.Key {
					out = append(out, confAssign{f, i, v})
				}
			}
		}
	}
	return out, nil
}

// confKV parses "key = value" (or "key value", or a bare flag) of an
// active line.
func confKV(l string) (string, string, bool) {
	tl := strings.TrimSpace(l)
	if tl == "" || strings.HasPrefix(tl, "#") {
		return "", "", false
	}
	if i := strings.IndexAny(tl, "= \t"); i >= 0 {
		return tl[:i], strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(tl[i:]), "=")), true
	}
	return tl, "", true
}

// pamArgLine matches an active PAM line: type, control, module, arguments.
var pamArgLine = regexp.MustCompile(`^\s*-?([a-z]+)\s+(\[[^\]]*\]|\S+)\s+(\S+)(.*)$`)

// overrides lists the PAM lines whose Key= argument is not acceptable.
func (s pamConfSetting) overrides(t *engine.Target) (map[string][]int, []string, error) {
	bad := map[string][]int{}
	var detail []string
	for _, f := range s.PAM {
		data, ok, err := readOpt(t, f)
		if err != nil || !ok {
			if err != nil {
				return nil, nil, err
			}
			continue
		}
		for i, l := range strings.Split(data, "\n") {
			if v, ok := s.pamArg(l); ok && !s.ok(v) {
				bad[f] = append(bad[f], i)
				detail = append(detail, fmt.Sprintf("%s line %d: %s %s=%s overrides the configuration files", f, i+1, s.Module, s.Key, v))
			}
		}
	}
	return bad, detail, nil
}

// pamArg returns the value of the last Key= argument on a Type/Module line.
func (s pamConfSetting) pamArg(l string) (string, bool) {
	if strings.HasPrefix(strings.TrimSpace(l), "#") {
		return "", false
	}
	m := pamArgLine.FindStringSubmatch(l)
	if m == nil || m[1] != s.Type || (m[3] != s.Module && !strings.HasSuffix(m[3], "/"+s.Module)) {
		return "", false
	}
	val, found := "", false
	for _, a := range strings.Fields(m[4]) {
		if k, v, ok := strings.Cut(a, "="); ok && k == s.Key {
			val, found = v, true
		}
	}
	return val, found
}

func (s pamConfSetting) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	as, err := s.assignments(t)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	_, pamBad, err := s.overrides(t)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	var problems []string
	switch {
	case len(as) == 0:
		problems = append(problems, fmt.Sprintf("%s is not set in %s (want %s)", s.Key, strings.Join(s.Conf, ", "), s.Value))
	case !s.ok(as[len(as)-1].value):
		last := as[len(as)-1]
		p := fmt.Sprintf("%s line %d: %s = %s, want %s", last.file, last.line+1, s.Key, last.value, s.Value)
		// A good value that a later file silently replaces is the case an
		// auditor grepping one file misses: name it.
		for _, a := range as[:len(as)-1] {
			if s.ok(a.value) {
				p += fmt.Sprintf(" (overrides %s = %s in %s line %d)", s.Key, a.value, a.file, a.line+1)
				break
			}
		}
		problems = append(problems, p)
	}
	problems = append(problems, pamBad...)
	if len(problems) > 0 {
		return engine.Fail("%s", strings.Join(problems, "; "))
	}
	last := as[len(as)-1]
	return engine.Pass("%s = %s (%s line %d), no weaker %s argument", s.Key, last.value, last.file, last.line+1, s.Module)
}

func (s pamConfSetting) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step(fmt.Sprintf("set %s in %s and the %s lines", s.Key, s.Main, s.Module), func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		as, err := s.assignments(t)
		if err != nil {
			return err
		}
		weak := map[string][]int{}
		for _, a := range as {
			if a.file != s.Main && !s.ok(a.value) {
				weak[a.file] = append(weak[a.file], a.line)
			}
		}
		for f, lines := range weak {
			if err := s.editLines(t, tx, f, lines, func(l string) string { return "# harden: " + l }); err != nil {
				return err
			}
		}
		if len(as) == 0 || !s.ok(as[len(as)-1].value) {
			data, _, err := readOpt(t, s.Main)
			if err != nil {
				return err
			}
			out := primitive.SetKey(data, s.Key+" = "+s.Value, func(k string) bool { return k == s.Key })
			if err := tx.WriteFile(s.Main, []byte(out), permOf(t, s.Main, 0o644)); err != nil {
				return err
			}
		}
		bad, _, err := s.overrides(t)
		if err != nil {
			return err
		}
		arg := regexp.MustCompile(`(\s)` + regexp.QuoteMeta(s.Key) + `=\S*`)
		for f, lines := range bad {
			if err := s.editLines(t, tx, f, lines, func(l string) string { return arg.ReplaceAllString(l, "${1}"+s.Key+"="+s.Value) }); err != nil {
				return err
			}
		}
		return nil
	})
	return nil
}

// editLines rewrites the given 0-based lines of f with edit.
func (s pamConfSetting) editLines(t *engine.Target, tx *engine.Tx, f string, idx []int, edit func(string) string) error {
	data, _, err := readOpt(t, f)
	if err != nil {
		return err
	}
	lines := strings.Split(data, "\n")
	for _, i := range idx {
		lines[i] = edit(lines[i])
	}
	return tx.WriteFile(f, []byte(strings.Join(lines, "\n")), permOf(t, f, 0o644))
}

// pwq is a pwquality setting as pam_pwquality takes it: drop-ins first,
// then pwquality.conf, then the arguments of the PAM line.
func pwq(key, value string, accept func(string) bool) engine.Check {
	s := pamConfSetting{Conf: []string{pwqualityDropIn, pwqualityConf}, Main: pwqualityConf,
		Type: "password", Module: "pam_pwquality.so", Key: key, Value: value, Accept: accept}
	deb, rhel := s, s
	deb.PAM, rhel.PAM = pamPasswordDeb, pamStacksRHEL
	return perFamily{Deb: deb, RHEL: rhel}
}

// faillockSetting is a faillock setting: faillock.conf, overridden by the
// arguments of every pam_faillock auth line (preauth and authfail).
func faillockSetting(key, value string, accept func(string) bool) engine.Check {
	s := pamConfSetting{Conf: []string{faillockConf}, Main: faillockConf,
		Type: "auth", Module: "pam_faillock.so", Key: key, Value: value, Accept: accept}
	deb, rhel := s, s
	deb.PAM, rhel.PAM = pamAuthDeb, pamStacksRHEL
	return perFamily{Deb: deb, RHEL: rhel}
}
