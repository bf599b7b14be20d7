package catalog

// Persistent firewall configuration: ufw's user rules files and firewalld's
// public zone. Nothing here talks to the running kernel.

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// ufwRule is one rule as ufw stores it: the tuple comment ufw parses back
// into its rule list, then the iptables-restore line.
type ufwRule struct {
	v6          bool
	tuple, rule string
}

var (
	ufwSSH = []ufwRule{
		{false, "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in", "-A ufw-user-input -p tcp --dport 22 -j ACCEPT"},
		{true, "### tuple ### allow tcp 22 ::/0 any ::/0 in", "-A ufw6-user-input -p tcp --dport 22 -j ACCEPT"},
	}
	ufwLoopback = []ufwRule{
		{false, "### tuple ### allow any any 0.0.0.0/0 any 0.0.0.0/0 in_lo", "-A ufw-user-input -i lo -j ACCEPT"},
		{false, "### tuple ### allow any any 0.0.0.0/0 any 0.0.0.0/0 out_lo", "-A ufw-user-output -o lo -j ACCEPT"},
		{false, "### tuple ### deny any any 0.0.0.0/0 any 127.0.0.0/8 in", "-A ufw-user-input -s 127.0.0.0/8 -j DROP"},
		{true, "### tuple ### allow any any ::/0 any ::/0 in_lo", "-A ufw6-user-input -i lo -j ACCEPT"},
		{true, "### tuple ### allow any any ::/0 any ::/0 out_lo", "-A ufw6-user-output -o lo -j ACCEPT"},
		{true, "### tuple ### deny any any ::/0 any ::1 in", "-A ufw6-user-input -s ::1 -j DROP"},
	}
)

const (
	ufwUserRules  = "/etc/ufw/user.rules"
	ufwUser6Rules = "/etc/ufw/user6.rules"
)

// ufwSkeleton is the empty user rules file ufw itself starts from; used only
// when the file is missing.
func ufwSkeleton(v6 bool) string {
	p := "ufw"
	if v6 {
		p = "ufw6"
	}
	var b strings.Builder
	b.WriteString("*filter\n")
	for _, c := range []string{"user-input", "user-output", "user-forward", "before-logging-input", "before-logging-output",
		"before-logging-forward", "user-logging-input", "user-logging-output", "user-logging-forward", "after-logging-input",
		"after-logging-output", "after-logging-forward", "logging-deny", "logging-allow", "user-limit", "user-limit-accept"} {
		fmt.Fprintf(&b, ":%s-%s - [0:0]\n", p, c)
	}
	b.WriteString("### RULES ###\n\n### END RULES ###\n\n### LOGGING ###\n### END LOGGING ###\n\n### RATE LIMITING ###\n")
	fmt.Fprintf(&b, "-A %s-user-limit -m limit --limit 3/minute -j LOG --log-prefix \"[UFW LIMIT BLOCK] \"\n", p)
	fmt.Fprintf(&b, "-A %s-user-limit -j REJECT\n-A %s-user-limit-accept -j ACCEPT\n", p, p)
	b.WriteString("### END RATE LIMITING ###\nCOMMIT\n")
	return b.String()
}

// ufwRules requires rules in ufw's persistent user rules.
type ufwRules struct{ Want []ufwRule }

func (u ufwRules) Describe() string {
	var rs []string
	for _, r := range u.Want {
		rs = append(rs, r.rule)
	}
	return "ufw rules: " + strings.Join(rs, "; ")
}

func ufwFile(v6 bool) string {
	if v6 {
		return ufwUser6Rules
	}
	return ufwUserRules
}

func (u ufwRules) missing(t *engine.Target) ([]ufwRule, error) {
	var out []ufwRule
	for _, r := range u.Want {
		data, _, err := readOpt(t, ufwFile(r.v6))
		if err != nil {
			return nil, err
		}
		found := false
		for _, l := range strings.Split(data, "\n") {
			found = found || strings.TrimSpace(l) == r.rule
		}
		if !found {
			out = append(out, r)
		}
	}
	return out, nil
}

func (u ufwRules) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	miss, err := u.missing(t)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	if len(miss) > 0 {
		var s []string
		for _, r := range miss {
			s = append(s, ufwFile(r.v6)+": "+r.rule)
		}
		return engine.Fail("missing ufw rules: %s", strings.Join(s, "; "))
	}
	return engine.Pass("ufw rules present")
}

func (u ufwRules) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("ufw persistent rules", func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		miss, err := u.missing(t)
		if err != nil {
			return err
		}
		for _, v6 := range []bool{false, true} {
			var add []string
			for _, r := range miss {
				if r.v6 == v6 {
					add = append(add, r.tuple, r.rule)
				}
			}
			if len(add) == 0 {
				continue
			}
			f := ufwFile(v6)
			data, ok, err := readOpt(t, f)
			if err != nil {
				return err
			}
			if !ok || !strings.Contains(data, "### END RULES ###") {
				data = ufwSkeleton(v6)
			}
			i := strings.Index(data, "### END RULES ###")
			head := strings.TrimRight(data[:i], "\n") + "\n\n"
			data = head + strings.Join(add, "\n") + "\n\n" + data[i:]
			if err := tx.WriteFile(f, []byte(data), permOf(t, f, 0o640)); err != nil {
				return err
			}
		}
		return nil
	})
	return nil
}

// firewalldZone requires properties of firewalld's persistent public zone.
type firewalldZone struct{ Want zoneAspect }

type zoneAspect int

const (
	zoneTargetDrop zoneAspect = iota // target DROP/REJECT and SSH admitted
	zoneLoopback                     // spoofed loopback sources dropped
)

const publicZone = "/etc/firewalld/zones/public.xml"

// publicZoneXML is the managed zone: default drop, SSH and DHCPv6 replies
// admitted, packets claiming a loopback source from outside dropped.
const publicZoneXML = `<?xml version="1.0" encoding="utf-8"?>
<zone target="DROP">
  <short>Public</short>
  <description>Managed by harden: unsolicited inbound traffic is dropped; SSH and DHCPv6 replies are admitted.</description>
  <service name="ssh"/>
  <service name="dhcpv6-client"/>
  <rule family="ipv4">
    <source address="127.0.0.1"/>
    <destination address="127.0.0.1" invert="True"/>
    <drop/>
  </rule>
  <rule family="ipv6">
    <source address="::1"/>
    <destination address="::1" invert="True"/>
    <drop/>
  </rule>
</zone>
`

var (
	zoneTarget = regexp.MustCompile(`<zone[^>]*\starget="(DROP|REJECT|%%REJECT%%)"`)
	zoneSSH    = regexp.MustCompile(`<service\s+name="ssh"\s*/>|<port\s+[^>]*port="22"`)
	zoneLo4    = regexp.MustCompile(`(?s)<source address="127\.0\.0\.1"/>.*?<drop/>`)
	zoneLo6    = regexp.MustCompile(`(?s)<source address="::1"/>.*?<drop/>`)
)

func (z firewalldZone) Describe() string {
	if z.Want == zoneLoopback {
		return "firewalld public zone drops spoofed loopback sources"
	}
	return "firewalld public zone drops inbound except SSH"
}

func (z firewalldZone) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	data, ok, err := readOpt(t, publicZone)
	switch {
	case err != nil:
		return engine.Errorf("%v", err)
	case !ok:
		return engine.Fail("%s does not exist (the vendor zone accepts by default)", publicZone)
	}
	var bad []string
	if z.Want == zoneTargetDrop {
		if !zoneTarget.MatchString(data) {
			bad = append(bad, "zone target is not DROP or REJECT")
		}
		if !zoneSSH.MatchString(data) {
			bad = append(bad, "SSH is not admitted")
		}
	} else {
		if !zoneLo4.MatchString(data) {
			bad = append(bad, "no rule drops spoofed 127.0.0.1")
		}
		if !zoneLo6.MatchString(data) {
			bad = append(bad, "no rule drops spoofed ::1")
		}
	}
	if len(bad) > 0 {
		return engine.Fail("%s: %s", publicZone, strings.Join(bad, "; "))
	}
	return engine.Pass("%s: %s", publicZone, z.Describe())
}

func (z firewalldZone) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("firewalld public zone", func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		return tx.WriteFile(publicZone, []byte(publicZoneXML), 0o644)
	})
	return nil
}
