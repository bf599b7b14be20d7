package catalog

import (
	"regexp"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

// setupRules: CIS section 1 (initial setup): kernel modules, mounts, package
// sources, mandatory access control, boot loader, process hardening, crypto
// policy and banners.
func setupRules() []*engine.Rule {
	var rs []*engine.Rule
	// Unused kernel code is attack surface; each module says why a cloud VM
	// never needs it.
	for _, m := range []struct{ name, sec, why string }{
		{"cramfs", "1", "a crafted cramfs image would reach a rarely maintained file-system parser in the kernel; cloud images never use cramfs"},
		{"freevxfs", "1", "the Veritas VxFS reader is legacy kernel code no cloud VM needs, reachable through crafted disk images"},
		{"hfs", "1", "Apple HFS volumes are never mounted on a cloud server; the old driver is a parser a crafted image could exploit"},
		{"hfsplus", "1", "Apple HFS+ volumes are never mounted on a cloud server; the driver is a parser a crafted image could exploit"},
		{"jffs2", "1", "JFFS2 is for raw flash chips a VM does not have, so its driver is only attack surface"},
		{"usb-storage", "1", "USB mass storage is a way to copy data off a host or plant files on it; a cloud VM has no use for it"},
		{"atm", "3", "the ATM protocol stack is obsolete and absent from cloud networks; unloadable, its socket code cannot be reached"},
		{"can", "3", "CAN bus sockets serve vehicles and industrial devices, never a cloud VM; unloadable, local users cannot reach that code"},
		{"dccp", "3", "DCCP is a rarely used transport whose kernel code has had privilege-escalation bugs reachable by any local user"},
		{"rds", "3", "RDS sockets load on demand for any local user and the code has had privilege-escalation bugs; cloud workloads do not use it"},
		{"sctp", "3", "SCTP is not used by typical cloud workloads; keeping it unloadable removes a remotely reachable protocol parser"},
		{"tipc", "3", "TIPC is a cluster messaging protocol unused on cloud VMs whose kernel code has had remotely triggerable overflows"},
		{"firewire-core", "1", "FireWire devices can read and write host memory directly; a VM has no FireWire bus, so the driver is only risk"},
	} {
		rs = append(rs, why(rule("kmod-"+m.name+"-disabled", m.sec, "Kernel module "+m.name+" cannot be loaded",
			primitive.ModuleDisabled{Name: m.name}), m.why))
	}

	// Mounts: /tmp and /dev/shm become tmpfs entries when missing, /var/tmp
	// (a favourite drop zone of miners) a bind mount of itself so its
	// options apply without a separate partition; /home, /var, /var/log and
	// /var/log/audit are only tightened when they already are separate.
	tmp := "tmpfs\t/tmp\ttmpfs\tdefaults,mode=1777\t0\t0"
	shm := "tmpfs\t/dev/shm\ttmpfs\tdefaults\t0\t0"
	varTmp := "/var/tmp\t/var/tmp\tnone\tbind\t0\t0"
	rs = append(rs,
		why(rule("mount-tmp-separate", "1", "/tmp is a separate tmpfs mount", primitive.FstabMount{Mount: "/tmp", Create: tmp}), "a tmpfs /tmp keeps world-writable scratch files off the root file system (filling it cannot starve the system) and lets /tmp carry its own restrictive mount options"),
		why(rule("mount-dev-shm-separate", "1", "/dev/shm is a separate tmpfs mount", primitive.FstabMount{Mount: "/dev/shm", Create: shm}), "an explicit /dev/shm entry lets its restrictive options live in fstab: shared memory is world-writable and a handy place to stage files"),
	)
	for _, m := range []struct{ id, path, create string }{
		{"tmp", "/tmp", tmp}, {"dev-shm", "/dev/shm", shm}, {"home", "/home", ""}, {"var", "/var", ""},
		{"var-tmp", "/var/tmp", varTmp}, {"var-log", "/var/log", ""}, {"var-log-audit", "/var/log/audit", ""},
	} {
		opts := []string{"nodev", "nosuid", "noexec"}
		if m.id == "home" || m.id == "var" {
			opts = opts[:2] // CIS does not ask for noexec here
		}
		for _, o := range opts {
			r := why(rule("mount-"+m.id+"-"+o, "1", m.path+" is mounted "+o, primitive.FstabMount{Mount: m.path, Opt: o, Create: m.create}),
				mountWhy(m.path, o))
			if m.id == "tmp" && o == "noexec" {
				// Packer uploads provisioner scripts to /tmp: fstab only, never remounted.
				late(r)
			}
			rs = append(rs, r)
		}
	}

	// Package sources (Debian 13 and the RHEL family).
	rs = append(rs,
		only(why(rule("apt-keys-perms", "1", "APT signing keys are root-owned and not writable by others",
			mode("/etc/apt/trusted.gpg.d", 0o755, "root", "root"),
			mode("/usr/share/keyrings", 0o755, "root", "root"),
			primitive.GlobMode{Patterns: []string{"/etc/apt/trusted.gpg.d/*", "/usr/share/keyrings/*", "/etc/apt/keyrings/*"}, Max: 0o644, Owner: "root", Group: "root", FilesOnly: true},
		), "whoever can write an APT trust key can make apt accept packages they signed themselves"), famDebian, famUbuntu),
		only(why(rule("apt-auth-perms", "1", "APT credentials are readable by root only",
			mode("/etc/apt/auth.conf.d", 0o755, "root", "root"),
			primitive.GlobMode{Patterns: []string{"/etc/apt/auth.conf.d/*", "/etc/apt/auth.conf"}, Max: 0o640, Owner: "root", Group: "root", FilesOnly: true},
		), "auth.conf holds the user names and passwords of private repositories; other local users must not read them"), famDebian, famUbuntu),
		only(why(rule("apt-sources-perms", "1", "APT source lists are root-owned and not writable by others",
			mode("/etc/apt/sources.list.d", 0o755, "root", "root"),
			primitive.GlobMode{Patterns: []string{"/etc/apt/sources.list.d/*", "/etc/apt/sources.list"}, Max: 0o644, Owner: "root", Group: "root", FilesOnly: true},
		), "whoever can edit the source lists can point apt at a repository they control"), famDebian, famUbuntu),
		only(why(rule("dnf-gpgcheck-enabled", "1", "dnf verifies package signatures for every repository",
			primitive.KeyValue{Path: "/etc/dnf/dnf.conf", Key: "gpgcheck", Value: "1", Sep: "=", Accept: oneOf("1", "true", "yes")},
			primitive.LineAbsent{Files: []string{"/etc/yum.repos.d/*.repo"}, Pattern: regexp.MustCompile(`^gpgcheck\s*=\s*(0|false|no)\s*$`), What: "repository with gpgcheck disabled", Example: "gpgcheck=0"},
		), "without signature checks a tampered mirror or a man in the middle can ship any package, and dnf installs it as root"), famRHEL),
	)

	// Mandatory access control.
	rs = append(rs,
		only(why(rule("apparmor-installed", "1", "AppArmor and its utilities are installed",
			present("apparmor"), present("apparmor-utils")), "AppArmor confines network daemons to what their profiles allow, limiting what a compromised service can reach"), famDebian, famUbuntu),
		only(why(rule("apparmor-bootloader", "1", "The kernel command line enables AppArmor",
			primitive.GrubCmdline{Add: []string{"apparmor=1", "security=apparmor"}}), "AppArmor only confines anything when the kernel boots with it as the active security module"), famDebian, famUbuntu),
		only(why(rule("apparmor-profiles-enforced", "1", "No AppArmor profile is disabled",
			apparmorNoneDisabled{}), "a disabled profile leaves its program unconfined, usually without anyone noticing"), famDebian, famUbuntu),
		only(why(rule("sysctl-apparmor-restrict-unconfined", "1", "Unprivileged unconfined processes are restricted by AppArmor",
			sysctl("kernel.apparmor_restrict_unprivileged_unconfined", "1")), "stops unconfined unprivileged programs from creating user namespaces, a frequent first step of local kernel exploits"), famDebian, famUbuntu),
		only(why(rule("selinux-installed", "1", "SELinux libraries are installed", present("libselinux")), "the SELinux libraries are needed for the policy to label files and confine services at all"), famRHEL),
		only(why(rule("selinux-bootloader", "1", "The kernel command line does not disable SELinux",
			primitive.GrubCmdline{Remove: []string{"selinux=0", "enforcing=0"}}), "selinux=0 or enforcing=0 on the kernel command line silently switches off all SELinux confinement"), famRHEL),
		only(why(rule("selinux-policy-targeted", "1", "SELinux uses the targeted policy",
			primitive.KeyValue{Path: "/etc/selinux/config", Key: "SELINUXTYPE", Value: "targeted", Sep: "=", Accept: oneOf("targeted", "mls")}), "the targeted policy confines the exposed network services; an unknown or missing policy type leaves them unconfined"), famRHEL),
		only(why(rule("selinux-not-disabled", "1", "SELinux is enforcing or permissive",
			selinuxNotDisabled{}), "a disabled SELinux neither confines nor labels anything; permissive keeps labels and logs denials, and going to enforcing unlabelled could stop a boot"), famRHEL),
		only(why(rule("pkg-mcstrans-absent", "1", "mcstrans is not installed", pkg("", "mcstrans", false)), "the MCS translation daemon is not needed on a server and is one more root process exposed to local input"), famRHEL),
		only(why(rule("pkg-setroubleshoot-absent", "1", "setroubleshoot is not installed", pkg("", "setroubleshoot", false)), "setroubleshoot is a desktop helper that parses denial logs as root; a server image has no use for it"), famRHEL),
	)

	// Boot loader and process hardening.
	rs = append(rs,
		why(rule("boot-grub-perms", "1", "GRUB configuration is readable by root only",
			mode("/boot/grub/grub.cfg", 0o600, "root", "root"),
			mode("/boot/grub2/grub.cfg", 0o600, "root", "root"),
			mode("/boot/grub2/grubenv", 0o600, "root", "root"),
			mode("/boot/grub2/user.cfg", 0o600, "root", "root")), "the boot loader files show kernel options and boot passwords; only root should read or change how the system boots"),
		why(rule("sysctl-kernel-randomize-va-space", "1", "Full address space layout randomisation", sysctl("kernel.randomize_va_space", "2")), "random stack, heap and library addresses make memory-corruption exploits guess where their targets are"),
		why(rule("sysctl-kernel-yama-ptrace-scope", "1", "ptrace is limited to descendant processes", sysctl("kernel.yama.ptrace_scope", "1")), "stops a compromised process from attaching to other processes of the same user to read their secrets (SSH agents, browsers)"),
		why(rule("sysctl-fs-suid-dumpable", "1", "setuid programs never dump core", sysctl("fs.suid_dumpable", "0")), "a crashing setuid program must not leave a core file holding the privileged memory (password hashes, keys) it had read"),
		why(rule("sysctl-fs-protected-hardlinks", "1", "Hard links to files the user does not own are refused", sysctl("fs.protected_hardlinks", "1")), "blocks hard links to other users' files, the trick behind many race attacks on root-owned programs writing to shared directories"),
		why(rule("sysctl-kernel-dmesg-restrict", "1", "The kernel log is readable by privileged users only", sysctl("kernel.dmesg_restrict", "1")), "the kernel log leaks kernel addresses and hardware details that help local kernel exploits"),
		why(rule("sysctl-kernel-kptr-restrict", "1", "Kernel pointers are hidden from unprivileged users", sysctl("kernel.kptr_restrict", "1")), "hides kernel symbol addresses in /proc from unprivileged users, so an exploit cannot simply read where to jump"),
		why(rule("limits-core-hard-zero", "1", "The hard core file size limit is zero", limitsCoreZero{}), "core dumps copy process memory, including passwords and keys, to disk where other tools or users may read them"),
		why(rule("coredump-storage-none", "1", "systemd-coredump stores no core dumps",
			primitive.SystemdConf{Main: "/etc/systemd/coredump.conf", Section: "Coredump", Key: "Storage", Value: "none"}), "systemd-coredump would keep the memory of every crashing process in the journal or on disk, secrets included"),
		why(rule("coredump-process-size-max", "1", "systemd-coredump processes no core dumps",
			primitive.SystemdConf{Main: "/etc/systemd/coredump.conf", Section: "Coredump", Key: "ProcessSizeMax", Value: "0"}), "with a zero size limit systemd-coredump does not even collect crashing processes' memory"),
		why(rule("pkg-prelink-absent", "1", "prelink is not installed", absent("prelink")), "prelink rewrites binaries in place, which defeats address randomisation and breaks file integrity checks such as AIDE"),
		why(rule("apport-disabled", "1", "Apport crash reporting is disabled",
			perFamily{Ubuntu: when{Installed: []string{"apport"},
				Then: primitive.KeyValue{Path: "/etc/default/apport", Key: "enabled", Value: "0", Sep: "="}}},
			perFamily{Ubuntu: unit("apport.service", primitive.Masked)}), "Apport collects crash data as root and has had several local privilege-escalation bugs; servers do not need crash reports uploaded"),
	)

	// System-wide crypto policy (RHEL family).
	rs = append(rs,
		only(why(rule("crypto-policy-not-legacy", "1", "The system crypto policy is not LEGACY", cryptoPolicy{NotLegacy: true}), "the LEGACY policy re-enables protocols and ciphers that are known to be breakable, for every program at once"), famRHEL),
		only(why(rule("crypto-policy-no-sha1", "1", "The system crypto policy rejects SHA-1",
			cryptoPolicy{Module: "NO-SHA1", Content: "hash = -SHA1\nsign = -*-SHA1\nsha1_in_certs = 0\n"}), "SHA-1 collisions are practical, so signatures made with it can be forged"), famRHEL),
		only(why(rule("crypto-policy-no-weak-mac", "1", "The system crypto policy rejects MACs shorter than 128 bits",
			cryptoPolicy{Module: "NO-WEAKMAC", Content: "mac = -*-64\n"}), "MACs shorter than 128 bits can be forged by brute force on a busy connection"), famRHEL),
		only(why(rule("crypto-policy-no-ssh-cbc", "1", "The system crypto policy rejects CBC ciphers for SSH",
			cryptoPolicy{Module: "NO-SSHCBC", Content: "cipher@SSH = -*-CBC\n"}), "CBC modes in SSH have known plaintext-recovery attacks; the counter and AEAD modes do not"), famRHEL),
		only(why(rule("sshd-crypto-policy-not-overridden", "1", "sshd follows the system crypto policy",
			primitive.LineAbsent{Files: []string{"/etc/sysconfig/sshd"}, Pattern: regexp.MustCompile(`^CRYPTO_POLICY\s*=`), What: "CRYPTO_POLICY override in /etc/sysconfig/sshd", Example: "CRYPTO_POLICY=-oCiphers=aes128-cbc"}), "a CRYPTO_POLICY line in /etc/sysconfig/sshd bypasses the system policy and can bring weak ciphers back to sshd only"), famRHEL),
	)

	// Banners.
	rs = append(rs,
		why(rule("banner-motd", "1", "The message of the day reveals no OS details", banner{Path: "/etc/motd"}), "naming the OS and version after login tells an intruder which exploits to try"),
		why(rule("banner-issue", "1", "The local login banner reveals no OS details", banner{Path: "/etc/issue", Create: true}), "a pre-login banner with OS and kernel details fingerprints the host for anyone at the console"),
		why(rule("banner-issue-net", "1", "The network login banner reveals no OS details", banner{Path: "/etc/issue.net", Create: true}), "a network login banner with OS details fingerprints the host for anyone who connects"),
		why(rule("perm-etc-motd", "1", "/etc/motd is root-owned 0644", mode("/etc/motd", 0o644, "root", "root")), "a message of the day others can edit can be used to trick users after login (fake notices, instructions to run commands)"),
		why(rule("perm-etc-issue", "1", "/etc/issue is root-owned 0644", mode("/etc/issue", 0o644, "root", "root")), "a local banner others can edit can show users false instructions before they log in"),
		why(rule("perm-etc-issue-net", "1", "/etc/issue.net is root-owned 0644", mode("/etc/issue.net", 0o644, "root", "root")), "a network banner others can edit can show users false instructions before they log in"),
		why(rule("pkg-gdm-absent", "1", "No GNOME display manager on a server image",
			pkg("gdm3", "gdm", false)), "a graphical login manager is a large root-run program with its own login paths that a server never uses"),
	)
	return rs
}

// mountWhy says what a mount option on path protects against.
func mountWhy(path, opt string) string {
	switch opt {
	case "nodev":
		return "a device node created on " + path + " would give raw access to disks or memory; nodev makes such nodes inert"
	case "nosuid":
		return "a setuid program planted on " + path + " cannot run with its owner's privileges"
	default: // noexec
		return "programs dropped into " + path + ", a common foothold of malware and miners, cannot be executed from there"
	}
}
