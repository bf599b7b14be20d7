// Package catalog holds the rule definitions and profiles that the harden
// bundle embeds: CIS Level 1 Server for debian-12, debian-13, ubuntu-22.04,
// ubuntu-24.04, rhel-8 and rhel-9 (Rocky, Alma, TencentOS and OpenCloudOS
// map onto the rhel profiles), plus the cloud-baseline layer.
//
// The control inventories in controls/*.tsv are the source of truth for
// which CIS control each rule implements; New attaches the references to
// the rules and derives every profile's rule list, manual list and
// not-for-image list from them.
package catalog

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// CloudBaseline is the id of the layer every OS profile includes.
const CloudBaseline = "cloud-baseline"

// New builds and validates the catalog with the wall clock.
func New() (*engine.Catalog, error) { return NewWithClock(time.Now) }

// NewWithClock builds the catalog; now is used by rules that judge dates.
func NewWithClock(now func() time.Time) (*engine.Catalog, error) {
	rules := Rules(now)
	benches, err := Benchmarks()
	if err != nil {
		return nil, err
	}
	byID := map[string]*engine.Rule{}
	for _, r := range rules {
		byID[r.ID] = r
	}
	for _, b := range benches {
		for _, c := range b.Controls {
			for _, id := range c.Rules {
				r, ok := byID[id]
				if !ok {
					return nil, fmt.Errorf("%s: control %s maps to unknown rule %q", b.File, c.ID, id)
				}
				r.CIS = append(r.CIS, engine.CISRef{Benchmark: b.ID, Version: b.Version, Control: c.ID})
			}
		}
	}
	profiles, err := Profiles(benches, rules)
	if err != nil {
		return nil, err
	}
	return engine.NewCatalog(rules, profiles)
}

// Rules returns every rule of the catalog, freshly built, with MLPS
// references attached (CIS references are attached by New).
func Rules(now func() time.Time) []*engine.Rule {
	var rs []*engine.Rule
	rs = append(rs, setupRules()...)
	rs = append(rs, serviceRules()...)
	rs = append(rs, networkRules()...)
	rs = append(rs, sshRules()...)
	rs = append(rs, authRules()...)
	rs = append(rs, loggingRules()...)
	rs = append(rs, cloudRules()...)
	for _, r := range rs {
		if l, ok := r.Checks[0].(lastChangeInPast); ok && len(r.Checks) == 1 {
			l.Now = now
			r.Checks[0] = l
		}
		r.MLPS = mlpsFor(r)
	}
	return rs
}

// defaultWaivers keep the image builder and first-boot users working; each
// can be lifted by a site layer or `--waive` with a different list.
func defaultWaivers(pl engine.Platform) []engine.Waiver {
	ws := []engine.Waiver{{RuleID: "ssh-access-restricted",
		Reason: "which groups may log in is decided per fleet: cloud-init creates the login user at first boot and the image builder may use a temporary account; set AllowGroups in a site layer"}}
	if pl.Family == famRHEL {
		ws = append(ws, engine.Waiver{RuleID: "fail2ban-sshd",
			Reason: "fail2ban is in EPEL, not in the RHEL/Rocky/Alma base repositories; lift this waiver where EPEL (or TencentOS/OpenCloudOS's own repository) is configured"})
	}
	return ws
}

// Profiles derives the OS profiles from the inventories and adds the
// cloud-baseline layer.
func Profiles(benches []*Benchmark, rules []*engine.Rule) ([]*engine.Profile, error) {
	var cloud []string
	for _, r := range rules {
		if r.Section == "cloud" {
			cloud = append(cloud, r.ID)
		}
	}
	sort.Strings(cloud)
	out := []*engine.Profile{{
		ID:    CloudBaseline,
		Title: "Cloud baseline: automatic security updates, fail2ban, auditd, SSH key-only, crypto-miner indicators",
		Rules: cloud,
	}}
	for _, b := range benches {
		p := &engine.Profile{
			ID:               b.Profile,
			Title:            fmt.Sprintf("%s v%s, Level 1 Server", b.Title, b.Version),
			Platform:         b.Platform,
			Benchmark:        b.ID,
			BenchmarkVersion: b.Version,
			Layers:           []string{CloudBaseline},
			Waivers:          defaultWaivers(b.Platform),
		}
		seen := map[string]bool{}
		for _, c := range b.Controls {
			switch c.Mapping {
			case MapRule, MapPrecondition:
				for _, id := range c.Rules {
					if !seen[id] {
						seen[id] = true
						p.Rules = append(p.Rules, id)
					}
				}
			case MapManual:
				p.Manual = append(p.Manual, engine.Exclusion{Control: c.ID, Title: c.Title, Reason: c.Reason})
			case MapAlt:
				p.Manual = append(p.Manual, engine.Exclusion{Control: c.ID, Title: c.Title, Reason: "alternative not selected: " + c.Reason})
			case MapCloud:
				p.NotForImage = append(p.NotForImage, engine.Exclusion{Control: c.ID, Title: c.Title, Reason: c.Reason})
			}
		}
		sort.Strings(p.Rules)
		out = append(out, p)
	}
	return out, nil
}

// mlpsFor maps a rule to the GB/T 22239-2019 (MLPS 2.0, level 3) clause of
// the "secure computing environment" requirements it supports.
func mlpsFor(r *engine.Rule) []string {
	const (
		ident   = "GB/T 22239-2019 8.1.4.1 身份鉴别"
		access  = "GB/T 22239-2019 8.1.4.2 访问控制"
		audit   = "GB/T 22239-2019 8.1.4.3 安全审计"
		intrude = "GB/T 22239-2019 8.1.4.4 入侵防范"
		malware = "GB/T 22239-2019 8.1.4.5 恶意代码防范"
	)
	id := r.ID
	has := func(prefixes ...string) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(id, p) {
				return true
			}
		}
		return false
	}
	switch {
	case has("miner-"):
		return []string{malware, intrude}
	case has("pam-", "pwquality-", "pwhistory-", "faillock-", "login-", "useradd-", "shadow-", "shell-timeout", "accounts-root-access",
		"ssh-permit-empty", "ssh-max-auth", "ssh-client-alive", "ssh-key-only", "ssh-login-grace", "fail2ban"):
		return []string{ident}
	case has("perm-", "accounts-", "groups-", "passwd-", "ssh-permit-root", "ssh-access", "su-", "sudo-", "pkg-sudo", "fs-", "home-",
		"default-umask", "root-", "selinux-", "apparmor-", "ssh-config", "ssh-host", "apt-", "boot-", "mount-", "cron-", "at-"):
		return []string{access}
	case has("audit", "journal", "rsyslog", "logging-", "logfiles-", "chrony-", "timesyncd-", "time-sync", "pkg-chrony"):
		return []string{audit}
	case has("aide-"):
		return []string{intrude, malware}
	case has("pkg-", "svc-", "kmod-", "sysctl-", "fw-", "mta-", "auto-security", "dnf-gpg", "crypto-", "sshd-crypto", "ssh-", "coredump-", "limits-", "apport-"):
		return []string{intrude}
	}
	return nil
}
