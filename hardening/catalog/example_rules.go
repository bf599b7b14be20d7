package catalog

import (
	"strconv"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	p "github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

// Example rules showing one of each primitive. The CIS control numbers are
// from the Debian 12 v1.1.0 and RHEL 9 v2.0.0 benchmarks as we understand
// them; the control inventories in catalog/controls are authoritative.

func cis(benchmark, version, control string) engine.CISRef {
	return engine.CISRef{Benchmark: benchmark, Version: version, Control: control}
}

const (
	deb12 = "cis-debian-12"
	rhel9 = "cis-rhel-9"
)

// exAtMost accepts an integer value ≤ max (e.g. MaxAuthTries 4 or lower).
func exAtMost(max int) func(string) bool {
	return func(s string) bool {
		n, err := strconv.Atoi(s)
		return err == nil && n >= 0 && n <= max
	}
}

// exAtLeast accepts an integer value ≥ min.
func exAtLeast(min int) func(string) bool {
	return func(s string) bool {
		n, err := strconv.Atoi(s)
		return err == nil && n >= min
	}
}

func exampleRules() []*engine.Rule {
	return []*engine.Rule{
		{
			ID: "kmod-cramfs-disabled", Title: "cramfs kernel module is disabled", Section: "1", Level: 1,
			CIS:       []engine.CISRef{cis(deb12, "1.1.0", "1.1.1.1"), cis(rhel9, "2.0.0", "1.1.1.1")},
			Checks:    []engine.Check{p.ModuleDisabled{Name: "cramfs"}},
			Rationale: "Unused filesystem drivers widen the kernel attack surface.",
		},
		{
			ID: "sysctl-ip-forward", Title: "IPv4 forwarding is disabled", Section: "3", Level: 1,
			CIS:    []engine.CISRef{cis(deb12, "1.1.0", "3.3.1"), cis(rhel9, "2.0.0", "3.3.1")},
			MLPS:   []string{"8.1.3.2"},
			Checks: []engine.Check{p.Sysctl{Key: "net.ipv4.ip_forward", Value: "0"}},
		},
		{
			ID: "pkg-telnet-absent", Title: "telnet client is not installed", Section: "2", Level: 1,
			CIS:    []engine.CISRef{cis(deb12, "1.1.0", "2.3.4"), cis(rhel9, "2.0.0", "2.3.2")},
			Checks: []engine.Check{p.Absent("telnet")},
		},
		{
			ID: "auditd-enabled", Title: "auditd is installed and enabled", Section: "4", Level: 2,
			CIS: []engine.CISRef{cis(deb12, "1.1.0", "6.2.1.2"), cis(rhel9, "2.0.0", "6.3.1.2")},
			Checks: []engine.Check{
				p.Package{Apt: "auditd", Dnf: "audit", Present: true},
				p.Service{Unit: "auditd.service", State: p.Enabled},
			},
		},
		{
			ID: "audit-rules-sudoers", Title: "changes to sudoers are audited", Section: "4", Level: 2,
			CIS: []engine.CISRef{cis(deb12, "1.1.0", "6.2.3.1"), cis(rhel9, "2.0.0", "6.3.3.1")},
			Checks: []engine.Check{
				p.AuditRule{Line: "-w /etc/sudoers -p wa -k scope"},
				p.AuditRule{Line: "-w /etc/sudoers.d -p wa -k scope"},
			},
		},
		{
			ID: "ssh-max-auth-tries", Title: "sshd MaxAuthTries is 4 or less", Section: "5", Level: 1,
			CIS:    []engine.CISRef{cis(deb12, "1.1.0", "5.1.16"), cis(rhel9, "2.0.0", "5.1.16")},
			Checks: []engine.Check{p.SSHDOption{Key: "MaxAuthTries", Value: "4", Default: "6", Accept: exAtMost(4)}},
			Order:  engine.OrderLate,
		},
		{
			ID: "sudo-use-pty", Title: "sudo runs commands in a pseudo terminal", Section: "5", Level: 1,
			CIS:    []engine.CISRef{cis(deb12, "1.1.0", "5.2.2"), cis(rhel9, "2.0.0", "5.2.2")},
			Checks: []engine.Check{p.SudoersDefault{Setting: "use_pty"}},
			Order:  engine.OrderLate,
		},
		{
			ID: "login-defs-pass-max-days", Title: "passwords expire after at most 365 days", Section: "5", Level: 1,
			CIS: []engine.CISRef{cis(deb12, "1.1.0", "5.4.1.1"), cis(rhel9, "2.0.0", "5.4.1.1")},
			Checks: []engine.Check{p.KeyValue{Path: "/etc/login.defs", Key: "PASS_MAX_DAYS", Value: "365",
				Accept: func(s string) bool { return exAtMost(365)(s) && exAtLeast(1)(s) }}},
		},
		{
			ID: "file-etc-shadow-perms", Title: "/etc/shadow is mode 0640 or stricter, root:shadow", Section: "6", Level: 1,
			CIS:    []engine.CISRef{cis(deb12, "1.1.0", "7.1.5"), cis(rhel9, "2.0.0", "7.1.5")},
			Checks: []engine.Check{p.FileMode{Path: "/etc/shadow", Max: 0o640, Owner: "root", Group: "root|shadow", Required: true}},
		},
		{
			ID: "bootloader-password", Title: "bootloader password is set", Section: "1", Level: 1,
			CIS:    []engine.CISRef{cis(deb12, "1.1.0", "1.4.1"), cis(rhel9, "2.0.0", "1.4.1")},
			Manual: "a GRUB password cannot be set on a cloud image: the console is the provider's, and an unattended reboot would stall at the prompt",
		},
		{
			ID: "miner-tmp-executables", Title: "no executable files in /tmp, /var/tmp, /dev/shm (miner indicator)", Section: "cloud", Level: 1,
			AuditOnly: true,
			Checks: []engine.Check{p.Shell{
				Desc:        "executables in temporary directories",
				CheckScript: `found=$(find /tmp /var/tmp /dev/shm -xdev -type f -perm /111 2>/dev/null | head -n 20); if [ -n "$found" ]; then echo "$found"; exit 1; fi`,
			}},
		},
	}
}
