package catalog

// Checks for AppArmor, SELinux and the RHEL system-wide crypto policy.

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

// apparmorNoneDisabled requires that no profile is linked into
// /etc/apparmor.d/disable (complain mode is allowed at Level 1).
type apparmorNoneDisabled struct{}

const apparmorDisable = "/etc/apparmor.d/disable"

func (apparmorNoneDisabled) Describe() string { return "no AppArmor profile disabled" }

func (apparmorNoneDisabled) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	if !t.Exists("/etc/apparmor.d") {
		return engine.NotApplicable("AppArmor profiles are not installed")
	}
	ents, err := t.ReadDir(apparmorDisable)
	if err != nil {
		return engine.Errorf("list %s: %v", apparmorDisable, err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) > 0 {
		return engine.Fail("disabled AppArmor profiles: %s", strings.Join(names, ", "))
	}
	return engine.Pass("no AppArmor profile is disabled")
}

func (apparmorNoneDisabled) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("re-enable disabled AppArmor profiles", func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		ents, err := t.ReadDir(apparmorDisable)
		if err != nil {
			return err
		}
		for _, e := range ents {
			if err := tx.Remove(apparmorDisable + "/" + e.Name()); err != nil {
				return err
			}
		}
		return nil
	})
	return nil
}

// selinuxNotDisabled requires SELINUX=enforcing or permissive. A disabled
// system is switched to permissive: enforcing on a file system that was
// never labelled can stop it booting, while permissive only logs. Moving to
// enforcing (Level 2) includes the relabel (fixfiles onboot).
type selinuxNotDisabled struct{}

const selinuxConfig = "/etc/selinux/config"

func (selinuxNotDisabled) Describe() string { return "SELinux mode is not disabled" }

func selinuxMode(t *engine.Target) (string, error) {
	data, _, err := readOpt(t, selinuxConfig)
	if err != nil {
		return "", err
	}
	mode := ""
	for _, l := range activeLinesOf(data) {
		if k, v, ok := strings.Cut(l, "="); ok && strings.TrimSpace(k) == "SELINUX" {
			mode = strings.ToLower(strings.TrimSpace(v))
		}
	}
	return mode, nil
}

func (selinuxNotDisabled) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	mode, err := selinuxMode(t)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	if mode == "enforcing" || mode == "permissive" {
		return engine.Pass("SELINUX=%s", mode)
	}
	if mode == "" {
		return engine.Fail("SELINUX is not set in %s", selinuxConfig)
	}
	return engine.Fail("SELINUX=%s in %s", mode, selinuxConfig)
}

func (s selinuxNotDisabled) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	return primitive.KeyValue{Path: selinuxConfig, Key: "SELINUX", Value: "permissive", Sep: "="}.Fix(ctx, t, p)
}

// cryptoPolicy requires the RHEL system-wide crypto policy not to be LEGACY
// (NotLegacy) or to include a sub-policy module (Module, with its .pmod
// Content). The fix writes /etc/crypto-policies/config and regenerates the
// back-end files with update-crypto-policies when the target has it (it only
// writes files; nothing running is reloaded).
type cryptoPolicy struct {
	NotLegacy bool
	Module    string
	Content   string
}

const (
	cryptoConfig  = "/etc/crypto-policies/config"
	cryptoModules = "/etc/crypto-policies/policies/modules/"
)

func (c cryptoPolicy) Describe() string {
	if c.NotLegacy {
		return "crypto policy is not LEGACY"
	}
	return "crypto policy includes " + c.Module
}

// readPolicy returns the base policy and its modules.
func readPolicy(t *engine.Target) (string, []string, bool, error) {
	data, ok, err := readOpt(t, cryptoConfig)
	if err != nil || !ok {
		return "", nil, ok, err
	}
	lines := activeLinesOf(data)
	if len(lines) == 0 {
		return "", nil, true, nil
	}
	parts := strings.Split(strings.TrimSpace(lines[0]), ":")
	return parts[0], parts[1:], true, nil
}

func (c cryptoPolicy) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	base, mods, ok, err := readPolicy(t)
	switch {
	case err != nil:
		return engine.Errorf("%v", err)
	case !ok:
		return engine.Fail("%s does not exist", cryptoConfig)
	case c.NotLegacy && strings.EqualFold(base, "LEGACY"):
		return engine.Fail("crypto policy is %s", base)
	case c.NotLegacy:
		return engine.Pass("crypto policy is %s", strings.Join(append([]string{base}, mods...), ":"))
	}
	has := false
	for _, m := range mods {
		has = has || m == c.Module
	}
	if !has {
		return engine.Fail("crypto policy %s lacks %s", strings.Join(append([]string{base}, mods...), ":"), c.Module)
	}
	data, _, err := readOpt(t, cryptoModules+c.Module+".pmod")
	if err != nil {
		return engine.Errorf("%v", err)
	}
	if strings.TrimSpace(data) == "" {
		return engine.Fail("module %s%s.pmod is missing or empty", cryptoModules, c.Module)
	}
	return engine.Pass("crypto policy includes %s", c.Module)
}

func (c cryptoPolicy) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("crypto policy: "+c.Describe(), func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		base, mods, _, err := readPolicy(t)
		if err != nil {
			return err
		}
		if base == "" || (c.NotLegacy && strings.EqualFold(base, "LEGACY")) {
			base = "DEFAULT"
		}
		if c.Module != "" {
			existing, _, err := readOpt(t, cryptoModules+c.Module+".pmod")
			if err != nil {
				return err
			}
			if strings.TrimSpace(existing) == "" {
				if err := tx.WriteFile(cryptoModules+c.Module+".pmod", []byte(c.Content), 0o644); err != nil {
					return err
				}
			}
			has := false
			for _, m := range mods {
				has = has || m == c.Module
			}
			if !has {
				mods = append(mods, c.Module)
			}
		}
		sort.Strings(mods)
		policy := strings.Join(append([]string{base}, mods...), ":")
		if err := tx.WriteFile(cryptoConfig, []byte(policy+"\n"), 0o644); err != nil {
			return err
		}
		if len(tx.Changed()) > 0 && t.HasCommand("update-crypto-policies") {
			if _, _, err := t.Run(ctx, nil, "update-crypto-policies", "--no-reload", "--set", policy); err != nil {
				return fmt.Errorf("apply crypto policy %s: %w", policy, err)
			}
		}
		return nil
	})
	return nil
}
