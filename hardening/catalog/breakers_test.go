package catalog

// Breakers plant a violation of one check into a hardened fixture root, so
// every rule can be shown failing, fixed, passing and idempotent. They are
// derived from the check's own data (sysctl key, file, module...), so a new
// rule built from known check types gets its failing case for free; an
// unknown check type fails the test until it has a breaker.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine/enginetest"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

type breaker struct {
	t    *testing.T
	root string
	tg   *engine.Target
}

// host maps an in-target path to the host, resolving symlinks inside the
// root (authselect's absolute links must not reach the host's /etc).
func (b breaker) host(p string) string {
	hp, err := b.tg.HostPath(p)
	if err != nil {
		b.t.Fatal(err)
	}
	return hp
}

func (b breaker) read(p string) string {
	data, _ := os.ReadFile(b.host(p))
	return string(data)
}

func (b breaker) write(p, content string, perm os.FileMode) {
	b.t.Helper()
	hp := b.host(p)
	if err := os.MkdirAll(filepath.Dir(hp), 0o755); err != nil {
		b.t.Fatal(err)
	}
	_ = os.Remove(hp)
	if err := os.WriteFile(hp, []byte(content), perm); err != nil {
		b.t.Fatal(err)
	}
	if err := os.Chmod(hp, perm); err != nil {
		b.t.Fatal(err)
	}
}

func (b breaker) appendLine(p, line string) {
	old := b.read(p)
	if old != "" && !strings.HasSuffix(old, "\n") {
		old += "\n"
	}
	perm := os.FileMode(0o644)
	if fi, err := os.Stat(b.host(p)); err == nil {
		perm = fi.Mode().Perm()
	}
	b.write(p, old+line+"\n", perm)
}

// editLines rewrites every line of the files for which fn returns ok.
func (b breaker) editLines(files []string, fn func(line string) (string, bool)) {
	for _, f := range b.glob(files) {
		lines := strings.Split(b.read(f), "\n")
		changed := false
		var out []string
		for _, l := range lines {
			nl, ok := fn(l)
			if !ok {
				out = append(out, l)
				continue
			}
			changed = true
			if nl != "\x00" {
				out = append(out, nl)
			}
		}
		if changed {
			fi, _ := os.Stat(b.host(f))
			b.write(f, strings.Join(out, "\n"), fi.Mode().Perm())
		}
	}
}

func (b breaker) glob(patterns []string) []string {
	out, err := primitive.Expand(b.tg, patterns)
	if err != nil {
		b.t.Fatal(err)
	}
	return out
}

// plantPath turns a glob into a concrete file name for a planted file.
func plantPath(p string) string { return strings.ReplaceAll(p, "*", "zz-break") }

func (b breaker) family() string {
	f, err := family(b.tg)
	if err != nil {
		b.t.Fatal(err)
	}
	return f
}

// pkgDB adds (present) or removes a package in the fixture's text database.
func (b breaker) pkgDB(name string, present bool) {
	if name == "" {
		return
	}
	var add, rm []string
	if present {
		add = []string{name}
	} else {
		rm = []string{name}
	}
	if err := (enginetest.FixtureBackend{}).Apply(context.Background(), b.tg, add, rm); err != nil {
		b.t.Fatal(err)
	}
	b.tg.InvalidatePackages()
}

func badValue(accept func(string) bool, want string, candidates ...string) string {
	for _, c := range append(candidates, "999999", "-1", "0", "no", "yes", "bad", "") {
		if accept != nil && !accept(c) || accept == nil && c != want {
			return c
		}
	}
	return "bad"
}

func (b breaker) ensureUnit(u string) {
	if unitFile := "/usr/lib/systemd/system/" + u; b.read(unitFile) == "" {
		b.write(unitFile, "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n", 0o644)
	}
}

// breakCheck plants a violation of c. It reports false when the check is
// not applicable on this root (a wrapper's condition or family).
func (b breaker) breakCheck(c engine.Check) bool {
	b.t.Helper()
	ctx := context.Background()
	switch c := c.(type) {
	case perFamily:
		sub, _, err := c.pick(b.tg)
		if err != nil || sub == nil {
			return false
		}
		return b.breakCheck(sub)
	case perPlatform:
		sub, _, err := c.pick(b.tg)
		if err != nil || sub == nil {
			return false
		}
		return b.breakCheck(sub)
	case when:
		if c.Not {
			for _, p := range c.Installed {
				b.pkgDB(p, false)
			}
		} else {
			b.pkgDB(c.Installed[0], true)
		}
		return b.breakCheck(c.Then)
	case onArch:
		if targetArch(b.tg) != c.Arch {
			return false
		}
		return b.breakCheck(c.Then)
	case anyOf:
		ok := false
		for _, s := range c {
			ok = b.breakCheck(s) || ok
		}
		return ok
	case primitive.Sysctl:
		bad := "0"
		if c.Value == "0" {
			bad = "1"
		}
		b.appendLine("/etc/sysctl.d/99-zz-zz-break.conf", c.Key+" = "+bad)
	case primitive.ModuleDisabled:
		n := strings.ReplaceAll(c.Name, "-", "_")
		b.editLines([]string{"/etc/modprobe.d/*.conf"}, func(l string) (string, bool) {
			return "\x00", strings.Contains(strings.ReplaceAll(l, "-", "_"), " "+n)
		})
	case primitive.Package:
		name := c.Apt
		if b.family() == famRHEL {
			name = c.Dnf
		}
		if name == "" {
			return false
		}
		b.pkgDB(name, !c.Present)
	case primitive.Service:
		u := c.Unit
		if !strings.Contains(u, ".") {
			u += ".service"
		}
		admin := filepath.Join(b.root, "etc/systemd/system", u)
		adminUnit := false
		if fi, err := os.Lstat(admin); err == nil && fi.Mode().IsRegular() {
			adminUnit = true // a unit the catalog itself installs
		} else {
			_ = os.Remove(admin)
		}
		switch c.State {
		case primitive.Enabled:
			links, _ := filepath.Glob(filepath.Join(b.root, "etc/systemd/system/*/"+u))
			for _, l := range links {
				_ = os.Remove(l)
			}
			if !adminUnit {
				b.ensureUnit(u)
				// Masking breaks static units too (no [Install] to unlink).
				_ = os.Symlink("/dev/null", admin)
			}
		default:
			b.ensureUnit(u)
			if err := os.MkdirAll(filepath.Join(b.root, "etc/systemd/system/multi-user.target.wants"), 0o755); err != nil {
				b.t.Fatal(err)
			}
			_ = os.Symlink("/usr/lib/systemd/system/"+u, filepath.Join(b.root, "etc/systemd/system/multi-user.target.wants", u))
		}
	case primitive.FileMode:
		if _, err := os.Stat(b.host(c.Path)); err != nil {
			b.write(c.Path, "planted\n", 0o666)
		}
		if err := os.Chmod(b.host(c.Path), 0o777); err != nil {
			b.t.Fatal(err)
		}
	case primitive.KeyValue:
		bad := badValue(c.Accept, c.Value, "99999", "DISABLED", "md5")
		content := primitive.SetKey(b.read(c.Path), c.Key+c.Sep+bad, func(k string) bool { return strings.EqualFold(k, c.Key) })
		if c.Sep == "" {
			content = primitive.SetKey(b.read(c.Path), c.Key+" "+bad, func(k string) bool { return strings.EqualFold(k, c.Key) })
		}
		b.write(c.Path, content, 0o644)
	case primitive.SSHDOption:
		// A vendor value in sshd_config with our drop-in entry gone: the
		// state of an unhardened image.
		bad := badValue(c.Accept, strings.ToLower(c.Value), "none", "quiet", "3des-cbc", "hmac-md5", "diffie-hellman-group1-sha1", "100:100:100")
		b.editLines([]string{primitive.SSHDDropIn}, func(l string) (string, bool) {
			k, _, _ := strings.Cut(strings.TrimSpace(l), " ")
			return "\x00", strings.EqualFold(k, c.Key)
		})
		b.editLines([]string{"/etc/ssh/sshd_config"}, func(l string) (string, bool) {
			k, _, _ := strings.Cut(strings.TrimSpace(l), " ")
			return "\x00", strings.EqualFold(k, c.Key)
		})
		// First match wins in sshd: plant it above everything, Include too.
		b.write("/etc/ssh/sshd_config", c.Key+" "+bad+"\n"+b.read("/etc/ssh/sshd_config"), 0o600)
	case primitive.SudoersDefault:
		n, _, _ := strings.Cut(c.Setting, "=")
		b.editLines([]string{primitive.SudoersDropIn}, func(l string) (string, bool) {
			return "\x00", strings.Contains(l, " "+n)
		})
		b.write("/etc/sudoers", "Defaults !"+n+"\n"+b.read("/etc/sudoers"), 0o440)
	case primitive.AuditRule:
		want := strings.Join(strings.Fields(c.Line), " ")
		b.editLines([]string{"/etc/audit/rules.d/*.rules"}, func(l string) (string, bool) {
			return "\x00", strings.Join(strings.Fields(l), " ") == want
		})
	case primitive.FileContent:
		// A drifted copy: still the same kind of file, no longer the same bytes.
		b.write(c.Path, c.Content+"# drifted\n", 0o644)
	case primitive.PAMModule:
		if c.Absent {
			b.appendLine(c.Files[0], c.Type+" required "+c.Module)
			break
		}
		b.editLines(c.Files, func(l string) (string, bool) {
			f := strings.Fields(l)
			if len(f) < 3 || strings.HasPrefix(f[0], "#") || strings.TrimPrefix(f[0], "-") != c.Type || !strings.HasSuffix(l, c.Module) && !strings.Contains(l, c.Module+" ") {
				return "", false
			}
			if c.Discriminator != "" && !strings.Contains(l, " "+c.Discriminator) {
				return "", false
			}
			switch {
			case len(c.Forbid) > 0:
				return l + " " + c.Forbid[0], true
			case len(c.Args) > 0:
				return strings.Replace(l, " "+argName(c.Args[0]), " x"+argName(c.Args[0]), 1), true
			default:
				return "\x00", true
			}
		})
	case primitive.LineAbsent:
		b.appendLine(plantPath(c.Files[0]), c.Example)
	case primitive.LineRequired:
		b.editLines(c.Files, func(l string) (string, bool) {
			return "# broken: " + l, c.Pattern.MatchString(strings.TrimSpace(l))
		})
	case primitive.FileExists:
		_ = os.Remove(b.host(c.Path))
	case primitive.GlobMode:
		matches := b.glob(c.Patterns)
		if len(matches) == 0 {
			matches = []string{plantPath(c.Patterns[0])}
			b.write(matches[0], "planted\n", 0o666)
		}
		for _, m := range matches {
			if c.Skip != nil && c.Skip(m) {
				continue
			}
			_ = os.Chmod(b.host(m), 0o777)
		}
	case primitive.SystemdConf:
		bad := badValue(c.Accept, c.Value, "volatile", "auto")
		// The vendor main file sets a bad value and our drop-in is gone.
		_ = os.Remove(b.host(c.DropInDirs()[0] + "/" + primitive.SystemdDropInName))
		b.write(c.Main, "["+c.Section+"]\n"+c.Key+"="+bad+"\n", 0o644)
		// A vendor drop-in sorting before ours must not matter.
		b.write(c.DropInDirs()[2]+"/50-vendor.conf", "["+c.Section+"]\n"+c.Key+"="+bad+"\n", 0o644)
	case primitive.FstabMount:
		b.editLines([]string{primitive.Fstab}, func(l string) (string, bool) {
			f := strings.Fields(l)
			if len(f) < 4 || strings.HasPrefix(f[0], "#") || f[1] != c.Mount {
				return "", false
			}
			if c.Opt == "" {
				return "\x00", true
			}
			var opts []string
			for _, o := range strings.Split(f[3], ",") {
				if o != c.Opt {
					opts = append(opts, o)
				}
			}
			f[3] = strings.Join(opts, ",")
			return strings.Join(f, "\t"), true
		})
	case primitive.GrubCmdline:
		if b.read("/etc/default/grub") == "" {
			return false
		}
		b.editLines([]string{"/etc/default/grub", "/etc/default/grub.d/*.cfg", "/boot/loader/entries/*.conf"}, func(l string) (string, bool) {
			nl := l
			for _, a := range c.Add {
				nl = strings.ReplaceAll(nl, " "+a, "")
				nl = strings.ReplaceAll(nl, `"`+a, `"`)
			}
			if strings.HasPrefix(nl, "GRUB_CMDLINE_LINUX=") && len(c.Remove) > 0 {
				nl = strings.TrimSuffix(nl, `"`) + " " + c.Remove[0] + `"`
			}
			return nl, nl != l
		})
	default:
		return b.breakLocal(ctx, c)
	}
	return true
}

func argName(a string) string { n, _, _ := strings.Cut(a, "="); return n }
