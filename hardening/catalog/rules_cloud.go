package catalog

import (
	"regexp"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

const fail2banJail = "/etc/fail2ban/jail.d/60-hardened-cis-sshd.local"

// fail2banJailContent bans an address after 5 failures within 10 minutes
// for one hour; the systemd backend reads sshd's journal (Debian 12 and
// later have no auth.log by default).
const fail2banJailContent = `# Managed by harden (cloud baseline).
[sshd]
enabled = true
backend = systemd
maxretry = 5
findtime = 10m
bantime = 1h
`

// cloudRules: the cloud-baseline layer (section "cloud"): automatic
// security updates, fail2ban, auditd with a CIS-style rule set, SSH
// key-only authentication and audit-only crypto-miner indicators.
func cloudRules() []*engine.Rule {
	ar := func(lines ...string) []engine.Check {
		var cs []engine.Check
		for _, l := range lines {
			cs = append(cs, primitive.AuditRule{Line: l})
		}
		return cs
	}
	// sc builds syscall rules per architecture: x86_64 gets the 64- and
	// 32-bit ABI, arm64 its own (smaller) syscall set, since auditctl
	// rejects a rule naming a syscall the architecture lacks.
	sc := func(x86, arm64, rest string) []engine.Check {
		var cs []engine.Check
		for _, abi := range []string{"b64", "b32"} {
			cs = append(cs, onArch{Arch: archX86, Then: primitive.AuditRule{Line: "-a always,exit -F arch=" + abi + " -S " + x86 + " " + rest}})
		}
		if arm64 != "" {
			cs = append(cs, onArch{Arch: archARM64, Then: primitive.AuditRule{Line: "-a always,exit -F arch=b64 -S " + arm64 + " " + rest}})
		}
		return cs
	}
	cat := func(ls ...[]engine.Check) []engine.Check {
		var out []engine.Check
		for _, l := range ls {
			out = append(out, l...)
		}
		return out
	}
	const who = "-F auid>=1000 -F auid!=unset"
	cloud := func(id, title string, level int, checks ...engine.Check) *engine.Rule {
		r := rule(id, "cloud", title, checks...)
		r.Level = level
		return r
	}
	rs := []*engine.Rule{
		why(cloud("auto-security-updates", "Security updates install automatically", 1,
			perFamily{
				Deb:  present("unattended-upgrades"),
				RHEL: present("dnf-automatic"),
			},
			perFamily{
				Deb: primitive.LineRequired{Files: []string{"/etc/apt/apt.conf.d/*"}, Pattern: regexp.MustCompile(`^APT::Periodic::Update-Package-Lists\s+"1";`),
					Path: "/etc/apt/apt.conf.d/20auto-upgrades", Line: `APT::Periodic::Update-Package-Lists "1";`, What: "daily package list refresh"},
				RHEL: primitive.KeyValue{Path: "/etc/dnf/automatic.conf", Key: "apply_updates", Value: "yes", Sep: " = ", Accept: oneOf("yes", "true", "1")},
			},
			perFamily{
				Deb: primitive.LineRequired{Files: []string{"/etc/apt/apt.conf.d/*"}, Pattern: regexp.MustCompile(`^APT::Periodic::Unattended-Upgrade\s+"1";`),
					Path: "/etc/apt/apt.conf.d/20auto-upgrades", Line: `APT::Periodic::Unattended-Upgrade "1";`, What: "daily unattended upgrade"},
				RHEL: primitive.KeyValue{Path: "/etc/dnf/automatic.conf", Key: "upgrade_type", Value: "security", Sep: " = "},
			},
			perFamily{RHEL: unit("dnf-automatic.timer", primitive.Enabled)}),
			"unpatched packages are the most common way into cloud hosts; unattended-upgrades defaults to the security pocket"),
		late(why(cloud("fail2ban-sshd", "fail2ban bans addresses that keep failing SSH logins", 1,
			present("fail2ban"), perFamily{Deb: present("python3-systemd")},
			primitive.FileContent{Path: fail2banJail, Content: fail2banJailContent},
			unit("fail2ban.service", primitive.Enabled)), "banning addresses that keep failing SSH logins cuts off password-guessing bots and keeps the logs readable")),
		why(cloud("auditd-enabled", "auditd is installed and enabled at boot", 2,
			pkg("auditd", "audit", true), unit("auditd.service", primitive.Enabled)), "the kernel audit trail records security-relevant actions with the user who did them, evidence that survives a compromised account"),
		why(cloud("auditd-log-retention", "Audit logs rotate within a bounded size", 2,
			primitive.KeyValue{Path: "/etc/audit/auditd.conf", Key: "max_log_file", Value: "32", Sep: " = ", Accept: atLeast(8)},
			primitive.KeyValue{Path: "/etc/audit/auditd.conf", Key: "num_logs", Value: "10", Sep: " = ", Accept: atLeast(5)},
			primitive.KeyValue{Path: "/etc/audit/auditd.conf", Key: "max_log_file_action", Value: "ROTATE", Sep: " = ", Accept: oneOf("rotate", "keep_logs")},
			primitive.KeyValue{Path: "/etc/audit/auditd.conf", Key: "space_left_action", Value: "SYSLOG", Sep: " = ", Accept: oneOf("syslog", "email", "exec", "single", "halt")}), "bounded, rotated audit logs cannot fill the disk, while enough of them are kept to look back over an incident"),
		why(cloud("audit-rules-sudoers", "Changes to sudoers are audited", 2,
			ar("-w /etc/sudoers -p wa -k scope", "-w /etc/sudoers.d -p wa -k scope")...), "a changed sudoers file is how an intruder keeps root; auditing the writes shows who did it and when"),
		why(cloud("audit-rules-time", "Changes to the system time are audited", 2,
			cat(sc("adjtimex,settimeofday,clock_settime", "adjtimex,settimeofday,clock_settime", "-k time-change"),
				ar("-w /etc/localtime -p wa -k time-change"))...), "changing the clock is a way to confuse log timelines and certificate checks; every change is recorded"),
		why(cloud("audit-rules-identity", "Changes to account databases are audited", 2,
			ar("-w /etc/group -p wa -k identity", "-w /etc/passwd -p wa -k identity", "-w /etc/gshadow -p wa -k identity",
				"-w /etc/shadow -p wa -k identity", "-w /etc/security/opasswd -p wa -k identity", "-w /etc/nsswitch.conf -p wa -k identity",
				"-w /etc/pam.conf -p wa -k identity", "-w /etc/pam.d -p wa -k identity")...), "changes to accounts, groups, passwords and PAM are how an intruder adds a backdoor login; each write is recorded"),
		why(cloud("audit-rules-network", "Changes to host name and network identity are audited", 2,
			cat(sc("sethostname,setdomainname", "sethostname,setdomainname", "-k system-locale"),
				ar("-w /etc/issue -p wa -k system-locale", "-w /etc/issue.net -p wa -k system-locale",
					"-w /etc/hosts -p wa -k system-locale", "-w /etc/hostname -p wa -k system-locale"))...), "a changed host name or hosts file can redirect traffic or disguise the machine in logs; each change is recorded"),
		why(cloud("audit-rules-mac", "Changes to the mandatory access control policy are audited", 2,
			perFamily{
				Deb:  primitive.AuditRule{Line: "-w /etc/apparmor.d -p wa -k MAC-policy"},
				RHEL: primitive.AuditRule{Line: "-w /etc/selinux -p wa -k MAC-policy"},
			}), "weakening the AppArmor or SELinux policy is a quiet way to disable confinement; each change is recorded"),
		why(cloud("audit-rules-logins", "Login records are audited", 2,
			ar("-w /var/log/lastlog -p wa -k logins", "-w /var/run/faillock -p wa -k logins")...), "writes to lastlog and the faillock records trace logins and lockouts, including attempts to erase them"),
		why(cloud("audit-rules-session", "Session records are audited", 2,
			ar("-w /var/run/utmp -p wa -k session", "-w /var/log/wtmp -p wa -k session", "-w /var/log/btmp -p wa -k session")...), "utmp, wtmp and btmp show who was logged in; tampering with them to hide a session is recorded"),
		why(cloud("audit-rules-perm-mod", "Permission and ownership changes by users are audited", 2,
			cat(sc("chmod,fchmod,fchmodat", "fchmod,fchmodat", who+" -k perm_mod"),
				sc("chown,fchown,fchownat,lchown", "fchown,fchownat", who+" -k perm_mod"),
				sc("setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr", "setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr", who+" -k perm_mod"))...), "an intruder loosening permissions or taking ownership of files leaves a trace for each change"),
		why(cloud("audit-rules-access", "Refused file accesses by users are audited", 2,
			cat(sc("creat,open,openat,truncate,ftruncate", "openat,truncate,ftruncate", "-F exit=-EACCES "+who+" -k access"),
				sc("creat,open,openat,truncate,ftruncate", "openat,truncate,ftruncate", "-F exit=-EPERM "+who+" -k access"))...), "repeated permission-denied accesses by a user are the mark of someone probing for files they should not read"),
		why(cloud("audit-rules-mounts", "Mounts by users are audited", 2,
			sc("mount", "mount", who+" -k mounts")...), "a user mounting media or file systems can bring in tools or carry data out; each mount is recorded"),
		why(cloud("audit-rules-delete", "File deletions and renames by users are audited", 2,
			sc("rename,unlink,unlinkat,renameat", "unlinkat,renameat", who+" -k delete")...), "deleting or renaming files is how intruders clean up their traces; each such call by a user is recorded"),
		why(cloud("audit-rules-modules", "Kernel module loading is audited", 2,
			append([]engine.Check{primitive.AuditRule{Line: "-a always,exit -F arch=b64 -S init_module,finit_module,delete_module " + who + " -k kernel_modules"}},
				ar("-a always,exit -F path=/usr/bin/kmod -F perm=x "+who+" -k kernel_modules")...)...), "loading a kernel module is how rootkits hide; every load and unload is recorded"),
		why(cloud("audit-rules-sudo-log", "The sudo log is audited", 2,
			ar("-w /var/log/sudo.log -p wa -k sudo_log_file")...), "edits to the sudo log are attempts to hide what was run as root; each is recorded"),
		why(cloud("audit-rules-immutable", "Audit rules are immutable until reboot", 2,
			ar("-e 2")...), "locked audit rules cannot be switched off by an intruder with root without a reboot that others notice"),
		late(why(cloud("ssh-key-only", "SSH accepts keys only, no passwords", 1,
			sshd("PasswordAuthentication", "no", "yes", nil),
			perPlatform{
				"rhel-8": sshd("ChallengeResponseAuthentication", "no", "yes", nil),
				"*":      sshd("KbdInteractiveAuthentication", "no", "yes", nil),
			},
			sshd("PubkeyAuthentication", "yes", "yes", nil)),
			"password guessing is the bulk of SSH attacks on cloud hosts; image builders and cloud-init users log in with keys")),
	}
	for _, m := range []struct {
		id, title, why string
		kind           minerKind
	}{
		{"miner-known-files", "No files with known crypto-miner names", "miners dropped on compromised cloud hosts reuse a handful of file names; finding one is a strong sign of compromise", minerFiles},
		{"miner-pool-configs", "No mining pool addresses in configuration files", "a mining pool address (stratum) in a config file means something on the host is set up to mine for someone else", minerPools},
		{"miner-cron-persistence", "No cron jobs that fetch and run code or run from temporary directories", "cron jobs that download and run code or start programs from /tmp are how miners come back after being killed", minerCron},
		{"miner-systemd-persistence", "No services that run from temporary directories or run miner binaries", "a service running a binary from a temporary directory, or a known miner, is how miners survive reboots", minerSystemd},
		{"miner-tmp-executables", "No executable files in /tmp, /var/tmp or /dev/shm", "world-writable temporary directories are where intruders drop and run their tools; executables there are suspect", minerTmpExec},
		{"miner-ld-preload", "No libraries force-loaded through /etc/ld.so.preload", "/etc/ld.so.preload injects a library into every program, the usual trick to hide a miner from ps and top", minerPreload},
	} {
		rs = append(rs, auditOnly(why(cloud(m.id, m.title, 1, minerCheck{Kind: m.kind}), m.why)))
	}
	return rs
}
