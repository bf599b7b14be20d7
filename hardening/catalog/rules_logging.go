package catalog

import (
	"regexp"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

func journald(key, value string, accept func(string) bool) engine.Check {
	return primitive.SystemdConf{Main: "/etc/systemd/journald.conf", Section: "Journal", Key: key, Value: value, Accept: accept}
}

// loggingRules: CIS section 6 (AIDE, journald, rsyslog, log files) and 7
// (system file permissions, account database consistency, homes).
func loggingRules() []*engine.Rule {
	rsyslog := []string{"rsyslog"}
	aide := []string{"aide"}
	auditTools := []string{"auditctl", "auditd", "ausearch", "aureport", "autrace", "augenrules"}
	var toolChecks []engine.Check
	for _, tool := range auditTools {
		toolChecks = append(toolChecks, when{Installed: aide, Then: primitive.LineRequired{
			Files:   []string{"/etc/aide.conf", "/etc/aide.conf.d/*.conf"},
			Pattern: regexp.MustCompile(`^/usr/sbin/` + tool + `\s+\S*sha512`),
			Path:    "/etc/aide.conf", Line: "/usr/sbin/" + tool + " p+i+n+u+g+s+b+acl+xattrs+sha512", What: "AIDE watches /usr/sbin/" + tool}})
	}
	rs := []*engine.Rule{
		why(rule("aide-installed", "6", "AIDE is installed and its database is built on first boot",
			pkg("aide", "aide", true), pkg("aide-common", "", true),
			perFamily{
				Deb:  primitive.FileContent{Path: aideInitUnit, Content: aideInitUnitContent("/var/lib/aide/aide.db", "/usr/sbin/aideinit -y -f")},
				RHEL: primitive.FileContent{Path: aideInitUnit, Content: aideInitUnitContent("/var/lib/aide/aide.db.gz", "/bin/sh -c '/usr/sbin/aide --init && mv -f /var/lib/aide/aide.db.new.gz /var/lib/aide/aide.db.gz'")},
			},
			unit("harden-aide-init.service", primitive.Enabled)),
			"AIDE records checksums of system files so a replaced binary or edited config is detected; its database is built on each instance's first boot"),
		why(rule("aide-periodic", "6", "AIDE checks the file system daily", when{Installed: aide, Then: aidePeriodic{}}), "a file integrity database only helps if it is compared regularly; a daily check finds changed system files within a day"),
		only(why(rule("aide-audit-tools", "6", "AIDE protects the audit tools", toolChecks...), "an intruder who replaces auditctl or ausearch can hide from the audit trail; AIDE watches those binaries"), famRHEL),
		why(rule("journald-enabled", "6", "journald is present (static unit, always active)", unit("systemd-journald.service", primitive.Enabled)), "the journal is the primary log store: without it there is no record of logins, services or errors"),
		why(rule("journald-no-forward-syslog", "6", "journald does not forward to syslog when it is the only log store",
			when{Installed: rsyslog, Not: true, Then: journald("ForwardToSyslog", "no", oneOf("no", "false", "0"))}), "with the journal as the only store, forwarding to a missing syslog daemon only loses messages or duplicates them"),
		why(rule("journald-forward-rsyslog", "6", "journald feeds rsyslog where rsyslog is kept",
			when{Installed: rsyslog, Then: journald("ForwardToSyslog", "yes", oneOf("yes", "true", "1"))}), "where rsyslog is kept, it only sees what journald forwards; without forwarding those logs stay empty"),
		why(rule("journald-storage-persistent", "6", "The journal is stored on disk", journald("Storage", "persistent", nil)), "a journal kept only in memory is lost at every reboot, together with the evidence of what happened before it"),
		why(rule("journald-compress", "6", "Large journal entries are compressed", journald("Compress", "yes", oneOf("yes", "true", "1"))), "compressing large entries lets the journal keep more history in the same space"),
		why(rule("pkg-journal-remote-present", "6", "The journal upload client is installed", present("systemd-journal-remote")), "logs copied off the host survive an intruder who wipes the local ones"),
		why(rule("journal-remote-receiver-off", "6", "The journal receiver does not listen",
			unit("systemd-journal-remote.socket", primitive.Disabled), unit("systemd-journal-remote.service", primitive.Disabled)), "a host that is not a log server must not accept log streams from the network, which could flood or forge its logs"),
		why(rule("logging-single-system", "6", "Logs are shipped by one system only (rsyslog or journal upload)", singleLogShipper{}), "two log shippers send each line twice or conflict over where it goes; one is chosen and the other stays off"),
		why(rule("rsyslog-enabled", "6", "rsyslog is enabled where it is installed",
			when{Installed: rsyslog, Then: unit("rsyslog.service", primitive.Enabled)}), "an installed but stopped rsyslog silently drops the logs it was meant to write"),
		why(rule("rsyslog-file-create-mode", "6", "rsyslog creates log files 0640 or stricter",
			when{Installed: rsyslog, Then: primitive.LineRequired{Files: []string{"/etc/rsyslog.conf", "/etc/rsyslog.d/*.conf"},
				Pattern: regexp.MustCompile(`^\$FileCreateMode\s+0[0-6][0-4]0\b`), Path: "/etc/rsyslog.d/60-hardened-cis.conf",
				Line: "$FileCreateMode 0640", What: "$FileCreateMode 0640"}}), "log files often contain user names, addresses and typed-in secrets; new ones are not readable by other users"),
		why(rule("rsyslog-no-remote-input", "6", "rsyslog does not accept logs from the network",
			primitive.LineAbsent{Files: []string{"/etc/rsyslog.conf", "/etc/rsyslog.d/*.conf"},
				Pattern: regexp.MustCompile(`(?i)(module\s*\(\s*load\s*=\s*"im(tcp|udp|relp)"|\$ModLoad\s+im(tcp|udp)|input\s*\(\s*type\s*=\s*"im(tcp|udp|relp)"|\$(InputTCPServerRun|UDPServerRun))`),
				What:    "rsyslog network input", Example: `module(load="imtcp")`}), "accepting syslog from the network lets anyone who reaches the port flood or forge this host's logs"),
		why(rule("logfiles-perms", "6", "Log files are readable by their owner and group only", logFiles{}), "log files often contain user names, addresses and mistyped passwords; other users must not read them"),
	}

	// Section 7: system files.
	for _, f := range []struct {
		id, path string
		max      uint32
		group    string
		required bool
		why      string
	}{
		{"passwd", "/etc/passwd", 0o644, "root", true, "everyone reads /etc/passwd but only root may change it: write access lets anyone add a UID 0 account"},
		{"passwd-backup", "/etc/passwd-", 0o644, "root", false, "the backup /etc/passwd- is what tools restore from; writable, it is a way to slip in a UID 0 account"},
		{"group", "/etc/group", 0o644, "root", true, "a writable /etc/group lets a user join sudo, adm or any other privileged group"},
		{"group-backup", "/etc/group-", 0o644, "root", false, "the backup /etc/group- needs the same protection, or a restore can grant group memberships"},
		{"shadow", "/etc/shadow", 0o640, "root|shadow", true, "/etc/shadow holds the password hashes: readable they can be cracked offline, writable anyone can set root's password"},
		{"shadow-backup", "/etc/shadow-", 0o640, "root|shadow", false, "the backup /etc/shadow- holds the previous password hashes, just as crackable as the current ones"},
		{"gshadow", "/etc/gshadow", 0o640, "root|shadow", true, "/etc/gshadow holds group passwords and administrators: readable it can be cracked, writable it grants groups"},
		{"gshadow-backup", "/etc/gshadow-", 0o640, "root|shadow", false, "the backup /etc/gshadow- keeps old group password hashes and needs the same protection"},
		{"shells", "/etc/shells", 0o644, "root", false, "/etc/shells decides which programs count as login shells (chsh, FTP); writable, any program could be made one"},
		{"opasswd", "/etc/security/opasswd", 0o600, "root", false, "opasswd keeps old password hashes for the reuse check; users often vary old passwords slightly, so they must stay secret"},
	} {
		rs = append(rs, why(rule("perm-etc-"+f.id, "7", f.path+" has safe ownership and mode",
			primitive.FileMode{Path: f.path, Max: fsPerm(f.max), Owner: "root", Group: f.group, Required: f.required}), f.why))
	}
	rs = append(rs,
		why(rule("fs-world-writable", "7", "No world-writable files; world-writable directories are sticky", worldWritable{}), "a world-writable file can be changed by any user; a world-writable directory without the sticky bit lets users delete others' files"),
		auditOnly(why(rule("fs-unowned", "7", "Every file has a known owner and group", unowned{}), "files without a known owner are left over from deleted accounts and would belong to whoever gets that UID next")),
		auditOnly(why(rule("passwd-shadowed", "7", "Password hashes live only in /etc/shadow", accountScan{Kind: scanShadowed}), "a hash in the world-readable /etc/passwd can be copied and cracked offline by any user")),
		why(rule("shadow-no-empty-password", "7", "No account has an empty password", emptyPasswords{}), "an account with an empty password field may let anyone log in without a password"),
		auditOnly(why(rule("passwd-groups-exist", "7", "Every primary group exists in /etc/group", accountScan{Kind: scanGroupsExist}), "a primary group missing from /etc/group would be granted to whatever group is created next with that GID")),
		why(rule("shadow-group-empty", "7", "The shadow group has no members", groupEmpty{Name: "shadow"}), "members of the shadow group can read every password hash; nobody should be one"),
		auditOnly(why(rule("accounts-unique-uids", "7", "UIDs are unique", accountScan{Kind: scanDupUID}), "two accounts sharing a UID are the same user to the kernel, so actions cannot be told apart and one can read the other's files")),
		auditOnly(why(rule("groups-unique-gids", "7", "GIDs are unique", accountScan{Kind: scanDupGID}), "two groups sharing a GID grant each other's file access without anyone deciding it")),
		auditOnly(why(rule("accounts-unique-names", "7", "User names are unique", accountScan{Kind: scanDupUser}), "duplicate user names make logins and logs ambiguous about which account was used")),
		auditOnly(why(rule("groups-unique-names", "7", "Group names are unique", accountScan{Kind: scanDupGroup}), "duplicate group names make it unclear which group a permission really grants")),
		why(rule("home-dirs", "7", "Home directories exist, belong to their user and are private", homeDirs{}), "a home directory others can read or write exposes keys and shell start-up files that run at every login"),
		why(rule("home-dotfiles", "7", "Dot files are private; no .forward or .rhosts", dotFiles{}), "writable dot files let others plant commands that run at login; .rhosts and .forward bypass authentication or redirect mail"),
	)
	return rs
}
