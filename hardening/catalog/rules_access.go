package catalog

import (
	"regexp"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

func sshd(key, value, def string, accept func(string) bool) engine.Check {
	return primitive.SSHDOption{Key: key, Value: value, Default: def, Accept: accept}
}

// listWithout accepts a comma-separated algorithm list that contains none
// of the weak entries (substring match, lower-case).
func listWithout(weak ...string) func(string) bool {
	return func(v string) bool {
		for _, a := range strings.Split(strings.ToLower(v), ",") {
			for _, w := range weak {
				if strings.Contains(a, w) {
					return false
				}
			}
		}
		return strings.TrimSpace(v) != ""
	}
}

func firstHasPQ(v string) bool {
	first, _, _ := strings.Cut(strings.ToLower(v), ",")
	return (strings.HasPrefix(first, "mlkem768x25519") || strings.HasPrefix(first, "sntrup761x25519")) && listWithout("sha1", "group1-", "group14-sha1")(v)
}

func maxStartupsOK(v string) bool {
	p := strings.Split(v, ":")
	if len(p) != 3 {
		return false
	}
	return atMost(10)(p[0]) && atMost(30)(p[1]) && atMost(60)(p[2]) && atLeast(1)(p[0])
}

const (
	ciphers = "aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr"
	macs    = "hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512,hmac-sha2-256"
	kexBase = "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp521,ecdh-sha2-nistp384,ecdh-sha2-nistp256,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256"
)

var weakCiphers = listWithout("cbc", "arcfour", "3des", "blowfish", "cast128", "rijndael")
var weakMACs = listWithout("md5", "sha1", "-96", "umac-64", "ripemd")
var weakKex = listWithout("group1-sha1", "group14-sha1", "group-exchange-sha1")

// sshRules: CIS section 5.1 (sshd). All are ordered late and validated with
// sshd -t; image mode never restarts sshd, so the builder's session survives.
// Options CIS audits get no default (""): an unset key fails and the fix
// writes it, because an auditor reads the configuration, not OpenSSH's
// compiled-in defaults (which differ between versions; the Ciphers default
// includes chacha20-poly1305).
func sshRules() []*engine.Rule {
	rs := []*engine.Rule{
		why(rule("ssh-config-perms", "5", "sshd configuration is root-only",
			mode("/etc/ssh/sshd_config", 0o600, "root", "root"),
			primitive.GlobMode{Patterns: []string{"/etc/ssh/sshd_config.d/*.conf"}, Max: 0o600, Owner: "root", Group: "root", FilesOnly: true},
			mode("/etc/sysconfig/sshd", 0o600, "root", "root")), "the sshd configuration decides who may log in and how; others must neither change it nor read which weaknesses it allows"),
		why(rule("ssh-host-private-keys-perms", "5", "SSH host private keys are readable by root only",
			perFamily{
				Deb:  primitive.GlobMode{Patterns: []string{"/etc/ssh/ssh_host_*_key"}, Max: 0o600, Owner: "root", Group: "root"},
				RHEL: primitive.GlobMode{Patterns: []string{"/etc/ssh/ssh_host_*_key"}, Max: 0o640, Owner: "root", Group: "root|ssh_keys"},
			}), "whoever reads a host private key can impersonate this server to every SSH client that trusts it"),
		why(rule("ssh-host-public-keys-perms", "5", "SSH host public keys are not writable by others",
			primitive.GlobMode{Patterns: []string{"/etc/ssh/ssh_host_*_key.pub"}, Max: 0o644, Owner: "root", Group: "root"}), "a replaced host public key would make clients record a key the attacker controls"),
		why(rule("ssh-access-restricted", "5", "sshd admits only members of the admin groups",
			perFamily{
				Deb:  sshd("AllowGroups", "root sudo", "", nonEmpty),
				RHEL: sshd("AllowGroups", "root wheel", "", nonEmpty),
			}), "limits SSH to accounts that are meant to log in, so a password on any other account is no way in; waived by default as cloud-init creates the user"),
		why(rule("ssh-banner", "5", "sshd shows the login banner", sshd("Banner", "/etc/issue.net", "none", func(v string) bool { return v != "none" && v != "" })), "a legal warning before login supports prosecution and tells users the system is monitored"),
		why(rule("ssh-ciphers", "5", "sshd offers strong ciphers only", sshd("Ciphers", ciphers, "", weakCiphers)), "CBC, RC4 and 3DES ciphers have known attacks; only authenticated modern ciphers protect the session"),
		why(rule("ssh-client-alive", "5", "Idle SSH sessions are reaped",
			sshd("ClientAliveInterval", "15", "0", between(1, 900)),
			sshd("ClientAliveCountMax", "3", "", between(1, 3))), "abandoned SSH sessions are closed instead of staying open for anyone who reaches the terminal or hijacks it"),
		why(rule("ssh-hostbased-auth", "5", "Host-based SSH authentication is off", sshd("HostbasedAuthentication", "no", "", nil)), "host-based authentication trusts whole client machines, so one compromised client opens every account"),
		why(rule("ssh-ignore-rhosts", "5", "sshd ignores rhosts files", sshd("IgnoreRhosts", "yes", "", nil)), ".rhosts files let users grant password-less access from other hosts, bypassing central control"),
		why(rule("ssh-kex", "5", "sshd offers strong key exchange only (hybrid post-quantum first where supported)",
			perPlatform{
				"debian-13": sshd("KexAlgorithms", "mlkem768x25519-sha256,sntrup761x25519-sha512@openssh.com,"+kexBase, "", firstHasPQ),
				famDebian:   sshd("KexAlgorithms", "sntrup761x25519-sha512@openssh.com,"+kexBase, "", weakKex),
				famUbuntu:   sshd("KexAlgorithms", "sntrup761x25519-sha512@openssh.com,"+kexBase, "", weakKex),
				famRHEL:     sshd("KexAlgorithms", kexBase, "", weakKex),
			}), "weak key exchanges (SHA-1, small groups) let a well-funded attacker decrypt recorded sessions; hybrid PQ exchange resists future quantum decryption"),
		why(rule("ssh-login-grace-time", "5", "SSH login grace time is at most 60 seconds", sshd("LoginGraceTime", "60", "120", between(1, 60))), "a short grace time frees unauthenticated connections quickly, so they cannot tie up sshd"),
		why(rule("ssh-log-level", "5", "sshd logs at INFO or VERBOSE", sshd("LogLevel", "VERBOSE", "", oneOf("info", "verbose"))), "INFO or VERBOSE logging records logins and key fingerprints, the trail needed to investigate an intrusion"),
		why(rule("ssh-macs", "5", "sshd offers strong MACs only", sshd("MACs", macs, "", weakMACs)), "MD5, SHA-1 and 64-bit MACs are too weak to stop tampering with packets of a long session"),
		why(rule("ssh-max-auth-tries", "5", "At most 4 SSH authentication attempts per connection", sshd("MaxAuthTries", "4", "6", between(1, 4))), "limits password and key guessing per connection, slowing brute-force attacks"),
		why(rule("ssh-max-sessions", "5", "At most 10 sessions per SSH connection", sshd("MaxSessions", "10", "", between(1, 10))), "caps the sessions one connection can open, limiting resource abuse through a single login"),
		why(rule("ssh-max-startups", "5", "Unauthenticated SSH connections are throttled", sshd("MaxStartups", "10:30:60", "10:30:100", maxStartupsOK)), "throttles concurrent unauthenticated connections, so a flood of them cannot starve legitimate logins"),
		why(rule("ssh-permit-empty-passwords", "5", "No SSH login with an empty password", sshd("PermitEmptyPasswords", "no", "", nil)), "an account with an empty password would be open to anyone who can reach SSH"),
		why(rule("ssh-permit-root-login", "5", "No direct root login over SSH", sshd("PermitRootLogin", "no", "prohibit-password", nil)),
			"root is the one account every attacker guesses; admins log in as themselves and use sudo (set in the image only, the builder keeps its session)"),
		why(rule("ssh-permit-user-environment", "5", "Users cannot pass environment to sshd", sshd("PermitUserEnvironment", "no", "", nil)), "user-set environment (LD_PRELOAD, PATH) could change how sshd-started programs behave and bypass restrictions"),
		why(rule("ssh-use-pam", "5", "sshd uses PAM", sshd("UsePAM", "yes", "no", nil)), "PAM applies account locks, faillock and session limits to SSH logins; without it those controls are skipped"),
	}
	for _, r := range rs {
		late(r)
	}
	return rs
}

// PAM stacks per family. RHEL's files are authselect's (symlinks followed).
var (
	pamAuthDeb      = []string{"/etc/pam.d/common-auth"}
	pamAccountDeb   = []string{"/etc/pam.d/common-account"}
	pamPasswordDeb  = []string{"/etc/pam.d/common-password"}
	pamSessionDeb   = []string{"/etc/pam.d/common-session"}
	pamStacksRHEL   = []string{"/etc/pam.d/system-auth", "/etc/pam.d/password-auth"}
	pwhistoryArgs   = []string{"remember=24", "enforce_for_root", "use_authtok"}
	pwqualityDeb    = []string{"retry=3"}
	pwqualityRHEL   = []string{"local_users_only"}
	faillockPreauth = func(files []string) primitive.PAMModule {
		return primitive.PAMModule{Files: files, Type: "auth", Module: "pam_faillock.so", Discriminator: "preauth", Control: "requisite", NewArgs: []string{"preauth"}, Before: "^"}
	}
)

var bashrcUmask = regexp.MustCompile(`^\s*umask\s+[0-7]{3,4}\b`)

var weakHashes = []string{"md5", "bigcrypt", "sha256", "blowfish", "gost_yescrypt"}

func pamPerFamily(deb, rhel primitive.PAMModule) engine.Check { return perFamily{Deb: deb, RHEL: rhel} }

// unixLine judges the pam_unix line of one type in both families.
func unixLine(typ string, args, forbid []string, accept map[string]func(string) bool) engine.Check {
	deb := map[string][]string{"auth": pamAuthDeb, "account": pamAccountDeb, "password": pamPasswordDeb, "session": pamSessionDeb}[typ]
	return pamPerFamily(
		primitive.PAMModule{Files: deb, Type: typ, Module: "pam_unix.so", Args: args, Forbid: forbid, Accept: accept},
		primitive.PAMModule{Files: pamStacksRHEL, Type: typ, Module: "pam_unix.so", Args: args, Forbid: forbid, Accept: accept})
}

func pwhistory(args ...string) engine.Check {
	acc := map[string]func(string) bool{"remember": atLeast(24)}
	return pamPerFamily(
		primitive.PAMModule{Files: pamPasswordDeb, Type: "password", Module: "pam_pwhistory.so", Control: "requisite", NewArgs: pwhistoryArgs, Before: "pam_unix.so", Args: args, Accept: acc},
		primitive.PAMModule{Files: pamStacksRHEL, Type: "password", Module: "pam_pwhistory.so", Control: "requisite", NewArgs: pwhistoryArgs, Before: "pam_unix.so", Args: args, Accept: acc})
}

// authRules: CIS 5.2 (sudo, su), 5.3 (PAM) and 5.4 (accounts, environment).
func authRules() []*engine.Rule {
	rs := []*engine.Rule{
		why(rule("pkg-sudo-present", "5", "sudo is installed", present("sudo")), "sudo gives administrators root rights per command, logged and tied to their own identity instead of a shared root password"),
		late(why(rule("sudo-use-pty", "5", "sudo runs commands in a pseudo terminal", primitive.SudoersDefault{Setting: "use_pty"}), "a pseudo terminal stops a command run through sudo from injecting keystrokes into the user's terminal after it exits")),
		late(why(rule("sudo-logfile", "5", "sudo keeps its own log file", primitive.SudoersDefault{Setting: `logfile="/var/log/sudo.log"`,
			Accept: func(s string) bool { return strings.HasPrefix(strings.ReplaceAll(s, " ", ""), "logfile=") }}), "a dedicated sudo log records who ran what as root, even when the journal is rotated or forwarded elsewhere")),
		late(why(rule("sudo-authenticate", "5", "sudo never disables authentication globally",
			primitive.LineAbsent{Files: []string{"/etc/sudoers", "/etc/sudoers.d/*"}, Pattern: regexp.MustCompile(`^Defaults\b.*!authenticate`), What: "Defaults !authenticate", Example: "Defaults !authenticate"}), "Defaults !authenticate would let every sudo rule run without a password, so any hijacked user session becomes root")),
		late(why(rule("sudo-timestamp-timeout", "5", "sudo caches credentials for at most 15 minutes", primitive.SudoersDefault{Setting: "timestamp_timeout=15",
			Accept: func(s string) bool {
				_, v, _ := strings.Cut(s, "=")
				return between(0, 15)(v)
			}}), "a short credential cache limits how long an unattended terminal can run sudo without the password")),
		late(why(rule("su-restricted", "5", "su is limited to the empty group sugroup",
			groupEmpty{Name: "sugroup", Create: true},
			primitive.LineRequired{Files: []string{"/etc/pam.d/su"}, Pattern: regexp.MustCompile(`^auth\s+required\s+pam_wheel\.so\b.*\buse_uid\b.*\bgroup=sugroup\b`),
				Path: "/etc/pam.d/su", Line: "auth       required   pam_wheel.so use_uid group=sugroup", What: "pam_wheel restricting su to sugroup"}), "with su limited to an empty group, root is reached only through sudo, where each use is logged per person")),

		why(rule("pkg-pam-present", "5", "PAM and its modules are installed",
			pkg("libpam-runtime", "pam", true), pkg("libpam-modules", "authselect", true)), "PAM is where password quality, lockout and history are enforced; without its modules those controls do not exist"),
		why(rule("pkg-pwquality-present", "5", "The password quality library is installed", pkg("libpam-pwquality", "libpwquality", true)), "pam_pwquality needs its library to check new passwords at all"),
		auditOnly(why(rule("pam-unix-enabled", "5", "pam_unix is in every PAM stack (restore it with pam-auth-update or authselect)",
			unixLine("auth", nil, nil, nil), unixLine("account", nil, nil, nil), unixLine("password", nil, nil, nil), unixLine("session", nil, nil, nil)), "a stack without pam_unix may accept or refuse logins in unexpected ways; this audit catches hand-edited stacks")),
		late(why(rule("pam-faillock-enabled", "5", "pam_faillock locks accounts after repeated failures",
			pamPerFamily(faillockPreauth(pamAuthDeb), faillockPreauth(pamStacksRHEL)),
			pamPerFamily(
				primitive.PAMModule{Files: pamAuthDeb, Type: "auth", Module: "pam_faillock.so", Discriminator: "authfail", Control: "[default=die]", NewArgs: []string{"authfail"}, Before: "pam_deny.so"},
				primitive.PAMModule{Files: pamStacksRHEL, Type: "auth", Module: "pam_faillock.so", Discriminator: "authfail", Control: "required", NewArgs: []string{"authfail"}, Before: "pam_deny.so"}),
			pamPerFamily(
				primitive.PAMModule{Files: pamAccountDeb, Type: "account", Module: "pam_faillock.so", Control: "required", Before: "^"},
				primitive.PAMModule{Files: pamStacksRHEL, Type: "account", Module: "pam_faillock.so", Control: "required", Before: "^"})),
			"locking an account after repeated password failures stops online guessing; key logins (the builder's) skip PAM auth and are never locked")),
		// The package ships pam_pwquality.so: a stack naming a missing module
		// makes passwd/chpasswd fail with "Module is unknown", so the rule
		// that writes the PAM line installs it too. pwquality's dictcheck
		// (on by default) rejects every password when the cracklib
		// dictionary is missing, and apt installs no Recommends: so the
		// dictionary package comes too.
		late(why(rule("pam-pwquality-enabled", "5", "pam_pwquality checks new passwords",
			pkg("libpam-pwquality", "libpwquality", true), pkg("cracklib-runtime", "cracklib-dicts", true),
			pamPerFamily(
				primitive.PAMModule{Files: pamPasswordDeb, Type: "password", Module: "pam_pwquality.so", Control: "requisite", NewArgs: pwqualityDeb, Before: "^"},
				primitive.PAMModule{Files: pamStacksRHEL, Type: "password", Module: "pam_pwquality.so", Control: "requisite", NewArgs: pwqualityRHEL, Before: "^"})), "new passwords are checked for length, classes and dictionary words before they are accepted")),
		late(why(rule("pam-pwhistory-enabled", "5", "pam_pwhistory refuses reused passwords", pwhistory()), "refusing recently used passwords stops users cycling back to a password that may have leaked")),
		late(why(rule("pwhistory-remember", "5", "The last 24 passwords are remembered", pwhistory("remember=24")), "remembering 24 passwords makes cycling back to an old, possibly leaked password impractical")),
		late(why(rule("pwhistory-enforce-root", "5", "Password history applies to root", pwhistory("enforce_for_root")), "root's password is the most valuable; reuse rules must apply to it too")),
		late(why(rule("pwhistory-use-authtok", "5", "pam_pwhistory uses the already checked password", pwhistory("use_authtok")), "pam_pwhistory checks the same password pam_pwquality approved instead of prompting again")),
		late(why(rule("pam-unix-no-nullok", "5", "pam_unix never accepts empty passwords",
			unixLine("auth", nil, []string{"nullok"}, nil), unixLine("account", nil, []string{"nullok"}, nil),
			unixLine("password", nil, []string{"nullok"}, nil), unixLine("session", nil, []string{"nullok"}, nil)), "nullok lets accounts with an empty password field log in without any password")),
		late(why(rule("pam-unix-no-remember", "5", "Password history is kept by pam_pwhistory, not pam_unix",
			unixLine("password", nil, []string{"remember"}, nil)), "password history belongs in one place, pam_pwhistory; a remember= option on pam_unix would keep a second, separately configured history")),
		late(why(rule("pam-unix-strong-hash", "5", "pam_unix hashes passwords with yescrypt or sha512",
			perFamily{
				Deb: anyOf{
					primitive.PAMModule{Files: pamPasswordDeb, Type: "password", Module: "pam_unix.so", Args: []string{"yescrypt"}, Forbid: weakHashes},
					primitive.PAMModule{Files: pamPasswordDeb, Type: "password", Module: "pam_unix.so", Args: []string{"sha512"}, Forbid: weakHashes}},
				RHEL: anyOf{
					primitive.PAMModule{Files: pamStacksRHEL, Type: "password", Module: "pam_unix.so", Args: []string{"sha512"}, Forbid: weakHashes},
					primitive.PAMModule{Files: pamStacksRHEL, Type: "password", Module: "pam_unix.so", Args: []string{"yescrypt"}, Forbid: weakHashes}},
			}), "yescrypt and SHA-512 hashes resist offline cracking far better than MD5 or DES")),
		late(why(rule("pam-unix-use-authtok", "5", "pam_unix uses the already checked password", unixLine("password", []string{"use_authtok"}, nil, nil)), "pam_unix stores exactly the password the quality checks approved, not a second unchecked prompt")),

		why(rule("faillock-deny", "5", "Accounts lock after 5 failed logins",
			faillockSetting("deny", "5", between(1, 5))), "locking after 5 failures stops online password guessing against local accounts"),
		why(rule("faillock-unlock-time", "5", "A failed-login lock lasts 15 minutes or is permanent",
			faillockSetting("unlock_time", "900", func(s string) bool { return s == "0" || atLeast(900)(s) })), "a lock that lasts 15 minutes turns guessing into a crawl of a few attempts per quarter hour"),
		why(rule("pwquality-difok", "5", "A new password differs from the old in at least 2 characters", pwq("difok", "2", atLeast(2))), "a new password that differs in only one character from the old one is easy to guess for whoever knew the old one"),
		why(rule("pwquality-minlen", "5", "Passwords have at least 14 characters", pwq("minlen", "14", atLeast(14))), "14 characters put brute force of a password out of practical reach"),
		why(rule("pwquality-minclass", "5", "Passwords mix all four character classes", pwq("minclass", "4", atLeast(4))), "mixing character classes enlarges the search space a password guesser has to cover"),
		why(rule("pwquality-maxrepeat", "5", "At most 3 identical consecutive characters", pwq("maxrepeat", "3", between(1, 3))), "runs of the same character (aaaa) are among the first things password crackers try"),
		why(rule("pwquality-maxsequence", "5", "At most 3 sequential characters", pwq("maxsequence", "3", between(1, 3))), "sequences like 1234 or abcd are among the first things password crackers try"),
		why(rule("pwquality-dictcheck", "5", "Dictionary words are rejected", pwq("dictcheck", "1", func(s string) bool { return s != "0" })), "dictionary words fall to the first pass of any password cracker"),
		why(rule("pwquality-enforcing", "5", "Weak passwords are rejected, not only warned about", pwq("enforcing", "1", func(s string) bool { return s != "0" })), "in warn-only mode the quality checks accept weak passwords anyway"),
		why(rule("pwquality-enforce-root", "5", "Password quality applies to root too",
			primitive.LineRequired{Files: []string{"/etc/security/pwquality.conf", "/etc/security/pwquality.conf.d/*.conf"}, Pattern: regexp.MustCompile(`^enforce_for_root\s*$`),
				Path: "/etc/security/pwquality.conf", Line: "enforce_for_root", What: "enforce_for_root in pwquality.conf"}), "root setting a weak password for itself or others must be refused too"),

		why(rule("login-pass-max-days", "5", "Passwords expire within 365 days",
			primitive.KeyValue{Path: "/etc/login.defs", Key: "PASS_MAX_DAYS", Value: "365", Accept: between(1, 365)},
			shadowField{Field: 4, Value: "365", Accept: between(1, 365), What: "maximum password age"}),
			"an expiring password limits how long a leaked one stays useful; key-only accounts (builder, cloud-init user) have none and never expire"),
		why(rule("login-pass-warn-age", "5", "Users are warned 7 days before their password expires",
			primitive.KeyValue{Path: "/etc/login.defs", Key: "PASS_WARN_AGE", Value: "7", Accept: atLeast(7)},
			shadowField{Field: 5, Value: "7", Accept: atLeast(7), What: "password warning period"}), "a warning before expiry lets users change passwords in time instead of getting locked out or reusing one in a hurry"),
		why(rule("login-encrypt-method", "5", "New passwords are hashed with yescrypt or SHA-512",
			perFamily{
				Deb:  primitive.KeyValue{Path: "/etc/login.defs", Key: "ENCRYPT_METHOD", Value: "YESCRYPT", Accept: oneOf("yescrypt", "sha512")},
				RHEL: primitive.KeyValue{Path: "/etc/login.defs", Key: "ENCRYPT_METHOD", Value: "SHA512", Accept: oneOf("yescrypt", "sha512")},
			}), "tools that set passwords outside PAM (useradd, chpasswd) must also use a hash that resists offline cracking"),
		why(rule("useradd-inactive", "5", "Accounts lock 30 days after their password expires",
			primitive.KeyValue{Path: "/etc/default/useradd", Key: "INACTIVE", Value: "30", Sep: "=", Accept: between(0, 45)},
			shadowField{Field: 6, Value: "30", Accept: between(0, 45), What: "inactivity period"}), "accounts whose password expired and nobody renewed are likely unused; locking them closes forgotten logins"),
		auditOnly(why(rule("shadow-lastchg-past", "5", "No password change is dated in the future", lastChangeInPast{}), "a password change dated in the future defeats expiry and points to clock tampering or a forged shadow entry")),
		auditOnly(why(rule("accounts-root-only-uid0", "5", "Only root has UID 0", accountScan{Kind: scanUID0}), "any other UID 0 account is a second root, often a backdoor")),
		auditOnly(why(rule("accounts-root-only-gid0", "5", "Only root (and halt/shutdown/sync/operator) has primary GID 0", accountScan{Kind: scanGID0}), "a primary GID 0 gives an account root group access to files owned by group root")),
		auditOnly(why(rule("groups-root-only-gid0", "5", "Only group root has GID 0", accountScan{Kind: scanGroupGID0}), "a second group with GID 0 silently shares root group permissions with its members")),
		why(rule("accounts-root-access-controlled", "5", "root has a password hash or is locked", rootAccess{}), "an empty root password field would allow password-less root logins on the console"),
		auditOnly(why(rule("root-path-integrity", "5", "root's PATH has no empty, relative or writable entries", rootPath{}), "an empty, relative or writable entry in root's PATH lets another user plant a program root then runs by mistake")),
		why(rule("root-umask", "5", "root's shell umask is 027 or stricter",
			umaskLines{Files: []string{"/root/.bash_profile", "/root/.bashrc", "/root/.profile"}}), "root creates many system files; a loose umask would make them readable or writable by other users"),
		why(rule("accounts-system-nologin", "5", "System accounts have no login shell", systemNoLogin{}), "system accounts exist for daemons; a login shell would let a stolen or default credential open an interactive session"),
		why(rule("accounts-nologin-locked", "5", "Accounts without a login shell are locked", nologinLocked{}), "accounts without a login shell must also have no usable password, or they can still authenticate to other services"),
		why(rule("shell-timeout", "5", "Idle interactive shells end after 15 minutes",
			tmoutConfigured{}), "an idle root or admin shell left open is a session anyone at the terminal can take over; non-interactive provisioner commands are not cut"),
		why(rule("default-umask", "5", "The default umask is 027",
			primitive.KeyValue{Path: "/etc/login.defs", Key: "UMASK", Value: "027", Accept: umaskOK},
			umaskLines{Files: []string{"/etc/profile", "/etc/profile.d/*.sh", "/etc/bash.bashrc", "/etc/bashrc"}},
			primitive.FileContent{Path: umaskProfile, Content: "# Managed by harden (CIS hardening).\numask 027\n"},
			// Interactive non-login shells read only the bashrc, never
			// profile.d: it must set the umask itself. Together with
			// umaskLines (no weaker value anywhere) the effective umask is
			// 027 or stricter.
			perFamily{
				Deb:  primitive.LineRequired{Files: []string{"/etc/bash.bashrc"}, Pattern: bashrcUmask, Path: "/etc/bash.bashrc", Line: "umask 027", Perm: 0o644, What: "umask set in /etc/bash.bashrc"},
				RHEL: primitive.LineRequired{Files: []string{"/etc/bashrc"}, Pattern: bashrcUmask, Path: "/etc/bashrc", Line: "umask 027", Perm: 0o644, What: "umask set in /etc/bashrc"},
			}), "new files are not readable or writable by other users unless someone decides they should be"),
	}
	return rs
}
