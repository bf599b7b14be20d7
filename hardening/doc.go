// Package hardening is the CIS hardening engine, rule catalog and the
// `harden` bundle that runs on build targets.
//
// # Layout
//
//   - engine/    rule model (Rule, Check, Finding, Status), Profile and Catalog,
//     Target (a root filesystem: "/" or an unbooted image tree), os-release
//     detection, Plan (batched fixes) and Tx (idempotent writes with rollback),
//     the audit/apply runner.
//   - primitive/ typed, idempotent checks+fixes rules are built from.
//   - catalog/   rule definitions and profiles (debian-12/13, ubuntu-22.04/24.04,
//     rhel-8/9, cloud-baseline) and the CIS control inventories.
//   - report/    text, JSON, JUnit and HTML reports.
//   - cmd/harden the bundle CLI.
//   - e2e/       real-root tests of the bundle; internal/fstree the file-tree
//     snapshots they and the catalog's fixture tests compare.
//
// # How a rule works
//
// A rule is data: a stable id, a title, the CIS area ("1".."6", or "cloud" for
// the cloud-baseline layer), the level, CIS references per benchmark, optional
// MLPS (等保 2.0) references, the platforms it applies to, and a list of
// Checks. Every Check implements engine.Check:
//
//	Describe() string
//	Audit(ctx, t *engine.Target) engine.Finding       // read-only
//	Fix(ctx, t *engine.Target, p *engine.Plan) error  // record changes, never write
//
// The rule passes when every Check passes. During apply the runner audits
// all rules concurrently, asks each failing Check to record its fix in one
// shared Plan, executes the Plan once, and audits again: rules that failed
// before and pass now are "fixed".
//
// Audit reads files under the target root through t.ReadFile, t.Stat,
// t.ReadDir, t.Glob (symlinks resolve inside the root, so an absolute link
// in an image never reaches the host) and the package database through
// t.Packages(ctx) (dpkg status or rpm list, read once per run); whole-system
// scans iterate t.Files(ctx) / t.FilesUnder(ctx, dir), one shared `find -xdev`
// style index per run. It never starts a process per rule (primitive.Shell
// is the exception, see below).
//
// Fix batches through the Plan:
//
//   - p.Install / p.Remove join ONE package transaction (apt-get or dnf inside
//     the target; tests on fixture roots inject enginetest.FixtureBackend,
//     which edits their text package database).
//   - p.DropIn(spec, key, line) adds a line to a managed drop-in file; all
//     rules of a subsystem share one file (primitive.SysctlDropIn,
//     ModprobeDropIn, SSHDDropIn, SudoersDropIn, AuditDropIn). The file is
//     rendered sorted, so it is byte-identical on every run.
//   - p.Step(name, fn) runs fn(ctx, t, tx) after the package transaction (so
//     unit files and config dirs of new packages exist); all writes go
//     through tx (WriteFile, Symlink, Remove, Chmod, Chown), which skips
//     writes that change nothing and backs up every path for rollback.
//   - p.Validate(name, fn) gates the whole transaction (sshd -t, visudo -c):
//     on failure every file is restored and apply exits 4.
//   - p.OnLive(name, prefixes, fn) activates a change at runtime (sysctl
//     --system, reload sshd) — only in live mode, never in image mode.
//
// # Primitives
//
//	primitive.Sysctl{Key, Value}                         sysctl.d, effective value across files
//	primitive.ModuleDisabled{Name}                       modprobe.d install /bin/false + blacklist
//	primitive.Package{Apt, Dnf, Present}                 Installed(name), Absent(name)
//	primitive.Service{Unit, State}                       Enabled | Disabled | Masked via unit symlinks (live: start/stop)
//	primitive.FileMode{Path, Max, Owner, Group}          permissions no looser than Max
//	primitive.FileContent{Path, Content, Perm}           exact content (banners)
//	primitive.FileAbsent{Path}                           path must not exist
//	primitive.KeyValue{Path, Key, Value, Sep, Accept}    login.defs, pwquality.conf, useradd, …
//	primitive.SSHDOption{Key, Value, Default, Accept}    effective sshd setting; 00- drop-in; sshd -t
//	primitive.SudoersDefault{Setting}                    Defaults use_pty / logfile; visudo -c
//	primitive.AuditRule{Line}                            /etc/audit/rules.d
//	primitive.LineAbsent{Files, Pattern, What, Example}  no active line matches; fix comments it out
//	primitive.LineRequired{Files, Pattern, Path, Line}   some active line matches; fix appends Line to Path
//	primitive.FileExists{Path, Content, Perm}            file exists (created, never overwritten)
//	primitive.GlobMode{Patterns, Max, Owner, Group}      FileMode over every glob match
//	primitive.SystemdConf{Main, Section, Key, Value}     systemd daemon setting, drop-in precedence
//	primitive.FstabMount{Mount, Opt, Create}             /etc/fstab mount option (never remounts)
//	primitive.GrubCmdline{Add, Remove}                   kernel parameters in GRUB / BLS sources and grub.cfg (regenerated)
//	primitive.Func{Desc, AuditFn, FixFn}                 Go escape hatch (scans, audit-only checks)
//	primitive.Shell{Desc, CheckScript, FixScript}        shell escape hatch: exit 0 pass, 1 fail
//
// # Where a check type goes
//
// One rule decides the home of a check type (a type implementing
// engine.Check):
//
//   - hardening/primitive when it is parameterised by its subject and
//     desired state (a path, glob, key, value, unit, package, module, mount
//     point, pattern) and holds no policy of its own, so a rule of any
//     profile could use it by filling in fields. All the types listed above.
//   - hardening/catalog (checks_*.go) when it hard-codes one control's
//     subject or policy (which files, which accounts, which thresholds:
//     rootAccess, limitsCoreZero, minerCheck, the account scans, the firewall
//     configurations), or when it is a combinator speaking the catalog's
//     family/platform vocabulary (perFamily, perPlatform, when, anyOf,
//     onArch in helpers.go and arch.go).
//
// A new primitive is a value type in its own file in hardening/primitive,
// whose Audit only reads and whose Fix only records into the Plan,
// idempotent by construction (write the desired state, not a delta); its
// violation goes in breakCheck (catalog/breakers_test.go), a catalog check
// type's in breakLocal (catalog/breakers_local_test.go).
//
// # Writing a rule
//
// Rules are written in hardening/catalog with its helpers (helpers.go). The
// worked example below is compiled and run as Example_writingARule in
// hardening/catalog/example_test.go (`go test ./hardening/catalog -run
// Example -v`), so it cannot drift from the helpers. Five steps:
//
// Step 1, where: the section function of the rule's file — setupRules
// (rules_setup.go, CIS 1), serviceRules (rules_services.go, 2), networkRules
// (rules_network.go, 3 and 4), sshRules and authRules (rules_access.go, 5),
// loggingRules (rules_logging.go, 6), cloudRules (rules_cloud.go, section
// "cloud": the cloud-baseline layer every profile includes).
//
// Step 2, the rule, built with the helpers:
//
//	why(rule("sysctl-kernel-perf-event-paranoid", "1", "Unprivileged users cannot use perf events",
//		perFamily{
//			Deb:  sysctl("kernel.perf_event_paranoid", "3"),
//			RHEL: sysctl("kernel.perf_event_paranoid", "2"),
//		}),
//		"perf exposes kernel addresses and timing to local attackers; Debian kernels accept 3 (no unprivileged use at all), RHEL kernels stop at 2")
//
//	late(why(rule("sudo-passwd-timeout", "5", "sudo asks for the password again after one minute",
//		primitive.SudoersDefault{Setting: "passwd_timeout=1"}),
//		"a sudo password prompt left open times out instead of waiting for whoever reaches the terminal next"))
//
// rule(id, section, title, checks...) makes a Level 1 rule that passes when
// every check passes. why(r, rationale) is mandatory: one line, in your
// own words, saying what the rule protects against ("limits password
// guessing per connection", not the title again); the reports show it and
// TestEveryRuleHasRationale fails for a rule without one, a rationale
// longer than 200 characters, or one shared with another rule. Wrappers
// set the rarer fields: late(r) for rules that touch sshd, sudo,
// PAM or the firewall (their fix runs after all others, behind sshd -t /
// visudo -c, so a bad change cannot lock the builder out half-way; sshRules
// makes every rule of its list late); only(r,
// "rhel", "debian-13") restricts the rule to families or platform ids;
// auditOnly(r) reports and never fixes. Check shorthands: sysctl, pkg(apt,
// dnf, present), present, absent, mode, unit, and sshd(key, value, default,
// accept) with atMost, atLeast, between or oneOf as accept (nil: equal to
// value). Combinators: perFamily{Deb, Ubuntu, RHEL} when the check differs
// per family (Ubuntu falls back to Deb; a nil check is not applicable
// there), perPlatform{"rhel-8": …} per platform id, when{Installed, Then}
// for a check that applies only if a package is installed, anyOf for
// alternatives. A control that cannot be automated is a rule with Manual set
// to the reason and no checks. A rule that would lock the image builder or
// first-boot users out gets a default waiver with its reason in
// defaultWaivers (catalog.go). Rule ids are lower-case words joined by '-'.
//
// Step 3, publish the id: add it to catalog/rule-ids.txt in its sorted
// place (ids never change once published; TestRuleIDsStable). Start it with a prefix that
// mlpsFor (catalog.go) maps to a GB/T 22239 clause (sysctl-, pkg-, ssh-,
// audit…), or extend mlpsFor: every rule needs one.
//
// Step 4, reference it from the CIS inventories, not from Go: in every
// catalog/controls/cis_*.tsv whose benchmark has the control, name the id in
// the last column of the control's row (mapping "rule"; several ids
// comma-separated), as the row of sysctl-ip-forward in cis_debian12.tsv does
// (tab-separated: control, title, level, assessment, mapping, rules):
//
//	3.3.1	IP forwarding off	L1	automated	rule	sysctl-ip-forward,sysctl-ipv6-forward
//
// catalog.New attaches the CIS references from these rows, and each profile
// (debian-12 … rhel-9) includes exactly the rules its rows name. Rules of
// section "cloud" need no row; any other rule without one fails
// TestEveryRuleIsReferenced, so a hardening that no CIS benchmark has a
// control for belongs in cloudRules.
//
// Step 5, test:
//
//	go test ./hardening/catalog -count=1 -run 'Example|TestRuleIDsStable|TestInventoryRulesResolve|TestEveryRuleIsReferenced|TestEveryRuleHasRationale|TestCoverage'
//
// and, as root, TestRuleCases, which needs a passing and a failing case for
// every rule: breakCheck (breakers_test.go) plants the violation for the
// primitives and breakLocal (breakers_local_test.go) for the catalog's
// check types; a new check type needs a case there. The numbers in
// catalog/README.md come from `-run 'TestCoverage|TestProfileRuleCounts' -v`
// (coverage per benchmark from the first; rules per profile and the catalog
// total from the second): update them with the rule.
//
// Missing a check type? See "Where a check type goes" above.
//
// # Results
//
// pass | fail | fixed | error | not_applicable | waived | manual. A Check
// returns not_applicable when its subject is absent (e.g. sshd options when
// openssh-server is not installed).
//
// Every report carries each rule's rationale (what the rule protects
// against): HTML under the title of every rule, JSON as "rationale", text
// on a "why:" line under each problem.
//
// # The harden bundle
//
//	harden apply [--profile ID] [--waive RULE=reason[@YYYY-MM-DD][,RULE…]] [--waivers FILE] [--root DIR]
//	             [--report FILE] [--format text|json|junit|html] [--update all|security|none] [--no-update]
//	             [--cleanup-image] [--remove-user NAME] [--builder-user NAME] [--builder-addr IP] [--mode auto|image|live]
//	harden audit [--profile ID] [--format text|json|junit|html] [--root DIR] [--waive …] [--report FILE]
//	harden cleanup [--root DIR] [--remove-user NAME]
//	harden profiles | rules [--profile ID] | version
//
// Exit codes: 0 all pass, 1 audit failures (fail or error), 2 usage, 3
// unsupported OS, 4 apply error (file changes rolled back).
//
// Profile: detected from /etc/os-release under --root (Rocky, Alma, RHEL,
// TencentOS 3/4 and OpenCloudOS 8/9 map to rhel-8/rhel-9), or --profile.
//
// Waivers: `--waive RULE=reason[@YYYY-MM-DD]` (repeatable, comma-separated;
// a comma starts a new waiver only when a rule id follows, so reasons may
// contain commas) or `--waivers FILE` with one "RULE reason…[@YYYY-MM-DD]"
// per line ('#' comments). The reason is mandatory: a waiver without one is
// a usage error (exit 2) naming the flag and rule. The optional date is the
// waiver's last day (UTC); a waiver past it fails the run with exit 2,
// naming rule, reason and date, before anything is audited or changed, so a
// temporary exception gets reviewed instead of silently staying. Profile
// default waivers apply too; user waivers win. A rule id that is not in the
// catalog, or not in the selected profile, is a usage error (exit 2).
// Waived rules report status "waived" with the reason and expiry in text
// (and a waiver list at the end), JSON (waiver_reason, waiver_expires),
// JUnit (skipped message) and HTML (and a Waivers table).
//
// MLPS (等保 2.0) references of a rule appear in every format: JSON "mlps",
// text "[MLPS 8.1.4.1 身份鉴别]" after the CIS controls, JUnit system-out,
// HTML an MLPS column.
//
// Modes: image mode (default with --root, inside a chroot, or when systemd
// is not PID 1) writes persistent configuration only; commands in an image
// root run chrooted without CAP_SYS_MODULE/SYS_ADMIN/NET_ADMIN/SYS_TIME, and
// apt maintainer scripts cannot start services (policy-rc.d). Live mode
// (booted systemd host) additionally runs `sysctl --system`, `systemctl
// daemon-reload` and reloads sshd (a reload keeps existing sessions).
//
// Patching first: apply installs pending updates (apt-get dist-upgrade or
// dnf upgrade; --update security restricts to security sources) before the
// rules and records package count, package-set sha256, update policy, the
// check time and the last time updates changed packages in every report
// (/var/lib/harden/update-state.json keeps the latter; it is only rewritten
// when packages change, so an apply with nothing to do writes no file).
//
// Builder safety: fixes are ordered (OrderLate last), sshd and sudoers
// changes are validated with `sshd -t` / `visudo -c` and rolled back on
// failure, image mode never restarts sshd. When apply runs as root over SSH
// (Packer's root communicator) and the profile sets PermitRootLogin no, a
// Match block for root from the builder's client address only is appended
// to sshd_config between markers, so the builder can reconnect; the report
// says so, and `harden cleanup` / `apply --cleanup-image` removes it.
//
// Image cleanup (`harden cleanup` or `apply --cleanup-image`): empty
// machine-id, SSH host keys removed (with a first-boot unit running
// `ssh-keygen -A` when cloud-init is absent), `cloud-init clean --logs
// --seed`, logs truncated and rotated logs removed, shell histories,
// temporary build users (--remove-user), apt/dnf caches and /tmp, /var/tmp.
package hardening
