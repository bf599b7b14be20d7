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
	for _, m := range []string{"cramfs", "freevxfs", "hfs", "hfsplus", "jffs2", "usb-storage", "atm", "can", "dccp", "rds", "sctp", "tipc", "firewire-core"} {
		sec := "1"
		switch m {
		case "atm", "can", "dccp", "rds", "sctp", "tipc":
			sec = "3"
		}
		rs = append(rs, why(rule("kmod-"+m+"-disabled", sec, "Kernel module "+m+" cannot be loaded",
			primitive.ModuleDisabled{Name: m}), "unused kernel code is attack surface; a cloud VM never needs it"))
	}

	// Mounts: /tmp and /dev/shm become tmpfs entries when missing, /var/tmp
	// (a favourite drop zone of miners) a bind mount of itself so its
	// options apply without a separate partition; /home, /var, /var/log and
	// /var/log/audit are only tightened when they already are separate.
	tmp := "tmpfs\t/tmp\ttmpfs\tdefaults,mode=1777\t0\t0"
	shm := "tmpfs\t/dev/shm\ttmpfs\tdefaults\t0\t0"
	varTmp := "/var/tmp\t/var/tmp\tnone\tbind\t0\t0"
	rs = append(rs,
		rule("mount-tmp-separate", "1", "/tmp is a separate tmpfs mount", primitive.FstabMount{Mount: "/tmp", Create: tmp}),
		rule("mount-dev-shm-separate", "1", "/dev/shm is a separate tmpfs mount", primitive.FstabMount{Mount: "/dev/shm", Create: shm}),
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
			r := rule("mount-"+m.id+"-"+o, "1", m.path+" is mounted "+o, primitive.FstabMount{Mount: m.path, Opt: o, Create: m.create})
			if m.id == "tmp" && o == "noexec" {
				// Packer uploads provisioner scripts to /tmp: fstab only, never remounted.
				late(r)
			}
			rs = append(rs, r)
		}
	}

	// Package sources (Debian 13 and the RHEL family).
	rs = append(rs,
		only(rule("apt-keys-perms", "1", "APT signing keys are root-owned and not writable by others",
			mode("/etc/apt/trusted.gpg.d", 0o755, "root", "root"),
			mode("/usr/share/keyrings", 0o755, "root", "root"),
			primitive.GlobMode{Patterns: []string{"/etc/apt/trusted.gpg.d/*", "/usr/share/keyrings/*", "/etc/apt/keyrings/*"}, Max: 0o644, Owner: "root", Group: "root", FilesOnly: true},
		), famDebian, famUbuntu),
		only(rule("apt-auth-perms", "1", "APT credentials are readable by root only",
			mode("/etc/apt/auth.conf.d", 0o755, "root", "root"),
			primitive.GlobMode{Patterns: []string{"/etc/apt/auth.conf.d/*", "/etc/apt/auth.conf"}, Max: 0o640, Owner: "root", Group: "root", FilesOnly: true},
		), famDebian, famUbuntu),
		only(rule("apt-sources-perms", "1", "APT source lists are root-owned and not writable by others",
			mode("/etc/apt/sources.list.d", 0o755, "root", "root"),
			primitive.GlobMode{Patterns: []string{"/etc/apt/sources.list.d/*", "/etc/apt/sources.list"}, Max: 0o644, Owner: "root", Group: "root", FilesOnly: true},
		), famDebian, famUbuntu),
		only(rule("dnf-gpgcheck-enabled", "1", "dnf verifies package signatures for every repository",
			primitive.KeyValue{Path: "/etc/dnf/dnf.conf", Key: "gpgcheck", Value: "1", Sep: "=", Accept: oneOf("1", "true", "yes")},
			primitive.LineAbsent{Files: []string{"/etc/yum.repos.d/*.repo"}, Pattern: regexp.MustCompile(`^gpgcheck\s*=\s*(0|false|no)\s*$`), What: "repository with gpgcheck disabled", Example: "gpgcheck=0"},
		), famRHEL),
	)

	// Mandatory access control.
	rs = append(rs,
		only(rule("apparmor-installed", "1", "AppArmor and its utilities are installed",
			present("apparmor"), present("apparmor-utils")), famDebian, famUbuntu),
		only(rule("apparmor-bootloader", "1", "The kernel command line enables AppArmor",
			primitive.GrubCmdline{Add: []string{"apparmor=1", "security=apparmor"}}), famDebian, famUbuntu),
		only(rule("apparmor-profiles-enforced", "1", "No AppArmor profile is disabled",
			apparmorNoneDisabled{}), famDebian, famUbuntu),
		only(rule("sysctl-apparmor-restrict-unconfined", "1", "Unprivileged unconfined processes are restricted by AppArmor",
			sysctl("kernel.apparmor_restrict_unprivileged_unconfined", "1")), famDebian, famUbuntu),
		only(rule("selinux-installed", "1", "SELinux libraries are installed", present("libselinux")), famRHEL),
		only(rule("selinux-bootloader", "1", "The kernel command line does not disable SELinux",
			primitive.GrubCmdline{Remove: []string{"selinux=0", "enforcing=0"}}), famRHEL),
		only(rule("selinux-policy-targeted", "1", "SELinux uses the targeted policy",
			primitive.KeyValue{Path: "/etc/selinux/config", Key: "SELINUXTYPE", Value: "targeted", Sep: "=", Accept: oneOf("targeted", "mls")}), famRHEL),
		only(why(rule("selinux-not-disabled", "1", "SELinux is enforcing or permissive",
			selinuxNotDisabled{}), "switching a disabled system straight to enforcing without a relabel can stop it booting; permissive is the safe Level 1 step"), famRHEL),
		only(rule("pkg-mcstrans-absent", "1", "mcstrans is not installed", pkg("", "mcstrans", false)), famRHEL),
		only(rule("pkg-setroubleshoot-absent", "1", "setroubleshoot is not installed", pkg("", "setroubleshoot", false)), famRHEL),
	)

	// Boot loader and process hardening.
	rs = append(rs,
		rule("boot-grub-perms", "1", "GRUB configuration is readable by root only",
			mode("/boot/grub/grub.cfg", 0o600, "root", "root"),
			mode("/boot/grub2/grub.cfg", 0o600, "root", "root"),
			mode("/boot/grub2/grubenv", 0o600, "root", "root"),
			mode("/boot/grub2/user.cfg", 0o600, "root", "root")),
		rule("sysctl-kernel-randomize-va-space", "1", "Full address space layout randomisation", sysctl("kernel.randomize_va_space", "2")),
		rule("sysctl-kernel-yama-ptrace-scope", "1", "ptrace is limited to descendant processes", sysctl("kernel.yama.ptrace_scope", "1")),
		rule("sysctl-fs-suid-dumpable", "1", "setuid programs never dump core", sysctl("fs.suid_dumpable", "0")),
		rule("sysctl-fs-protected-hardlinks", "1", "Hard links to files the user does not own are refused", sysctl("fs.protected_hardlinks", "1")),
		rule("sysctl-kernel-dmesg-restrict", "1", "The kernel log is readable by privileged users only", sysctl("kernel.dmesg_restrict", "1")),
		rule("sysctl-kernel-kptr-restrict", "1", "Kernel pointers are hidden from unprivileged users", sysctl("kernel.kptr_restrict", "1")),
		rule("limits-core-hard-zero", "1", "The hard core file size limit is zero", limitsCoreZero{}),
		rule("coredump-storage-none", "1", "systemd-coredump stores no core dumps",
			primitive.SystemdConf{Main: "/etc/systemd/coredump.conf", Section: "Coredump", Key: "Storage", Value: "none"}),
		rule("coredump-process-size-max", "1", "systemd-coredump processes no core dumps",
			primitive.SystemdConf{Main: "/etc/systemd/coredump.conf", Section: "Coredump", Key: "ProcessSizeMax", Value: "0"}),
		rule("pkg-prelink-absent", "1", "prelink is not installed", absent("prelink")),
		rule("apport-disabled", "1", "Apport crash reporting is disabled",
			perFamily{Ubuntu: when{Installed: []string{"apport"},
				Then: primitive.KeyValue{Path: "/etc/default/apport", Key: "enabled", Value: "0", Sep: "="}}},
			perFamily{Ubuntu: unit("apport.service", primitive.Masked)}),
	)

	// System-wide crypto policy (RHEL family).
	rs = append(rs,
		only(rule("crypto-policy-not-legacy", "1", "The system crypto policy is not LEGACY", cryptoPolicy{NotLegacy: true}), famRHEL),
		only(rule("crypto-policy-no-sha1", "1", "The system crypto policy rejects SHA-1",
			cryptoPolicy{Module: "NO-SHA1", Content: "hash = -SHA1\nsign = -*-SHA1\nsha1_in_certs = 0\n"}), famRHEL),
		only(rule("crypto-policy-no-weak-mac", "1", "The system crypto policy rejects MACs shorter than 128 bits",
			cryptoPolicy{Module: "NO-WEAKMAC", Content: "mac = -*-64\n"}), famRHEL),
		only(rule("crypto-policy-no-ssh-cbc", "1", "The system crypto policy rejects CBC ciphers for SSH",
			cryptoPolicy{Module: "NO-SSHCBC", Content: "cipher@SSH = -*-CBC\n"}), famRHEL),
		only(rule("sshd-crypto-policy-not-overridden", "1", "sshd follows the system crypto policy",
			primitive.LineAbsent{Files: []string{"/etc/sysconfig/sshd"}, Pattern: regexp.MustCompile(`^CRYPTO_POLICY\s*=`), What: "CRYPTO_POLICY override in /etc/sysconfig/sshd", Example: "CRYPTO_POLICY=-oCiphers=aes128-cbc"}), famRHEL),
	)

	// Banners.
	rs = append(rs,
		rule("banner-motd", "1", "The message of the day reveals no OS details", banner{Path: "/etc/motd"}),
		rule("banner-issue", "1", "The local login banner reveals no OS details", banner{Path: "/etc/issue", Create: true}),
		rule("banner-issue-net", "1", "The network login banner reveals no OS details", banner{Path: "/etc/issue.net", Create: true}),
		rule("perm-etc-motd", "1", "/etc/motd is root-owned 0644", mode("/etc/motd", 0o644, "root", "root")),
		rule("perm-etc-issue", "1", "/etc/issue is root-owned 0644", mode("/etc/issue", 0o644, "root", "root")),
		rule("perm-etc-issue-net", "1", "/etc/issue.net is root-owned 0644", mode("/etc/issue.net", 0o644, "root", "root")),
		why(rule("pkg-gdm-absent", "1", "No GNOME display manager on a server image",
			pkg("gdm3", "gdm", false)), "the GDM settings of the benchmark only matter where GDM runs; a server image carries none"),
	)
	return rs
}
