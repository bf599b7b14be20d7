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
// t.Packages(ctx) (dpkg status or rpm list, read once per run). It never
// starts a process per rule (primitive.Shell is the exception, see below).
//
// Fix batches through the Plan:
//
//   - p.Install / p.Remove join ONE package transaction (apt-get or dnf inside
//     the target; fixture roots use a text package database).
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
//	primitive.Service{Unit, State}                       Enabled | Disabled | Masked via unit symlinks
//	primitive.FileMode{Path, Max, Owner, Group}          permissions no looser than Max
//	primitive.FileContent{Path, Content, Perm}           exact content (banners)
//	primitive.FileAbsent{Path}                           path must not exist
//	primitive.KeyValue{Path, Key, Value, Sep, Accept}    login.defs, pwquality.conf, useradd, …
//	primitive.SSHDOption{Key, Value, Default, Accept}    effective sshd setting; 00- drop-in; sshd -t
//	primitive.SudoersDefault{Setting}                    Defaults use_pty / logfile; visudo -c
//	primitive.AuditRule{Line}                            /etc/audit/rules.d
//	primitive.Func{Desc, AuditFn, FixFn}                 Go escape hatch (scans, audit-only checks)
//	primitive.Shell{Desc, CheckScript, FixScript}        shell escape hatch: exit 0 pass, 1 fail
//
// Missing a primitive? Add it in a new file in hardening/primitive: a value
// type implementing engine.Check, whose Audit only reads and whose Fix only
// records into the Plan, idempotent by construction (write the desired
// state, not a delta).
//
// # Writing a rule
//
//	{
//		ID: "sysctl-ip-forward", Title: "IPv4 forwarding is disabled",
//		Section: "3", Level: 1,
//		CIS: []engine.CISRef{{Benchmark: "cis-debian-12", Version: "1.1.0", Control: "3.3.1"}},
//		Checks: []engine.Check{primitive.Sysctl{Key: "net.ipv4.ip_forward", Value: "0"}},
//	}
//
// Rules that cannot be automated set Manual to the reason and have no
// Checks (status "manual"). AuditOnly rules (miner indicators) report but
// never fix. Rules that can cut the image builder's session (sshd, sudo,
// PAM, firewall) set Order: engine.OrderLate so they run after everything
// else and are gated by validation; a rule that would lock the builder out
// (PermitRootLogin no while Packer connects as root, faillock, TMOUT, noexec
// /tmp) is waived by default in image builds with a reason, or deferred.
// Platforms restricts a rule to families ("debian", "ubuntu", "rhel") or
// platforms ("rhel-9"); use Package{Apt: …, Dnf: …} for differing names.
// Rule ids are lower-case words joined by '-' and never change once published.
//
// See catalog/example_rules.go for one rule per primitive.
//
// # Results
//
// pass | fail | fixed | error | not_applicable | waived | manual. A Check
// returns not_applicable when its subject is absent (e.g. sshd options when
// openssh-server is not installed). Waivers come from the profile defaults
// and from `harden apply --waive RULE[=reason][,RULE…]`; an unknown rule id
// is a usage error (exit 2).
package hardening
