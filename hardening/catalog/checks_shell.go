package catalog

// Checks over shell start-up files: umask, TMOUT and root's PATH.

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

const (
	umaskProfile = "/etc/profile.d/60-hardened-cis-umask.sh"
	tmoutProfile = "/etc/profile.d/60-hardened-cis-tmout.sh"
	tmoutContent = "# Managed by harden (CIS hardening).\nTMOUT=900\nreadonly TMOUT\nexport TMOUT\n"
)

// umaskOK accepts an octal umask that removes at least group write and all
// other access (027 or stricter).
func umaskOK(s string) bool {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 8, 32)
	return err == nil && n&0o027 == 0o027
}

var umaskLine = regexp.MustCompile(`^(\s*(?:[^#]*\s)?umask\s+)([0-7]{3,4})\b`)

// umaskLines requires every numeric umask command in the files to be 027
// or stricter; the fix rewrites weak values to 027.
type umaskLines struct{ Files []string }

func (u umaskLines) Describe() string {
	return "umask 027 or stricter in " + strings.Join(u.Files, ", ")
}

func (u umaskLines) weak(t *engine.Target) (map[string][]int, []string, error) {
	files, err := primitive.Expand(t, u.Files)
	if err != nil {
		return nil, nil, err
	}
	out := map[string][]int{}
	var detail []string
	for _, f := range files {
		data, _, err := readOpt(t, f)
		if err != nil {
			return nil, nil, err
		}
		for i, l := range strings.Split(data, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "#") {
				continue
			}
			if m := umaskLine.FindStringSubmatch(l); m != nil && !umaskOK(m[2]) {
				out[f] = append(out[f], i)
				detail = append(detail, fmt.Sprintf("%s:%d umask %s", f, i+1, m[2]))
			}
		}
	}
	return out, detail, nil
}

func (u umaskLines) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	_, detail, err := u.weak(t)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	if len(detail) > 0 {
		return engine.Fail("weak umask: %s", strings.Join(detail, "; "))
	}
	return engine.Pass("no umask weaker than 027")
}

func (u umaskLines) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("tighten umask commands", func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		bad, _, err := u.weak(t)
		if err != nil {
			return err
		}
		for f, idx := range bad {
			data, _, err := readOpt(t, f)
			if err != nil {
				return err
			}
			lines := strings.Split(data, "\n")
			for _, i := range idx {
				lines[i] = umaskLine.ReplaceAllString(lines[i], "${1}027")
			}
			if err := tx.WriteFile(f, []byte(strings.Join(lines, "\n")), permOf(t, f, 0o644)); err != nil {
				return err
			}
		}
		return nil
	})
	return nil
}

// tmoutConfigured requires a readonly, exported TMOUT of at most 900
// seconds for login shells, and no file setting a longer or no timeout.
type tmoutConfigured struct{}

var tmoutAssign = regexp.MustCompile(`\bTMOUT=([0-9]+)`)

var shellStartup = []string{"/etc/profile", "/etc/profile.d/*.sh", "/etc/bash.bashrc", "/etc/bashrc"}

func (tmoutConfigured) Describe() string { return "TMOUT ≤ 900, readonly and exported" }

func (tmoutConfigured) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	files, err := primitive.Expand(t, shellStartup)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	good := ""
	var bad []string
	for _, f := range files {
		data, _, err := readOpt(t, f)
		if err != nil {
			return engine.Errorf("%v", err)
		}
		body := strings.Join(activeLinesOf(data), "\n")
		for _, m := range tmoutAssign.FindAllStringSubmatch(body, -1) {
			n, _ := strconv.Atoi(m[1])
			if n < 1 || n > 900 {
				bad = append(bad, fmt.Sprintf("%s sets TMOUT=%d", f, n))
				continue
			}
			if strings.Contains(body, "readonly TMOUT") || strings.Contains(body, "typeset -xr TMOUT") || strings.Contains(body, "declare -xr TMOUT") {
				if strings.Contains(body, "export TMOUT") || strings.Contains(body, "-xr TMOUT") {
					good = f
				}
			}
		}
	}
	switch {
	case len(bad) > 0:
		return engine.Fail("%s", strings.Join(bad, "; "))
	case good == "":
		return engine.Fail("no readonly, exported TMOUT of at most 900 seconds in %s", strings.Join(shellStartup, ", "))
	}
	return engine.Pass("TMOUT configured in %s", good)
}

func (tmoutConfigured) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("shell idle timeout", func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		return tx.WriteFile(tmoutProfile, []byte(tmoutContent), 0o644)
	})
	return primitive.LineAbsent{Files: shellStartup, Pattern: tmoutAssign, What: "TMOUT of 0 or more than 900 seconds",
		Keep: func(l string) bool {
			m := tmoutAssign.FindStringSubmatch(l)
			n, _ := strconv.Atoi(m[1])
			return n >= 1 && n <= 900
		}}.Fix(ctx, t, p)
}

// rootPath audits root's PATH as the start-up files set it: no empty or
// relative entries, and every directory root-owned and not writable by
// group or others.
type rootPath struct{}

var pathAssign = regexp.MustCompile(`\bPATH=["']?([^"'\s;]*)`)

func (rootPath) Describe() string {
	return "root's PATH entries are absolute, root-owned and not writable by others"
}

func (rootPath) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	files, err := primitive.Expand(t, []string{"/etc/environment", "/root/.profile", "/root/.bashrc", "/root/.bash_profile", "/etc/login.defs"})
	if err != nil {
		return engine.Errorf("%v", err)
	}
	paths := []string{"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	for _, f := range files {
		data, _, err := readOpt(t, f)
		if err != nil {
			return engine.Errorf("%v", err)
		}
		for _, l := range activeLinesOf(data) {
			if m := pathAssign.FindStringSubmatch(l); m != nil {
				paths = append(paths, m[1])
			}
		}
	}
	var bad []string
	seen := map[string]bool{}
	for _, p := range paths {
		if strings.HasPrefix(p, ":") || strings.HasSuffix(p, ":") || strings.Contains(p, "::") {
			bad = append(bad, fmt.Sprintf("empty entry in %q", p))
		}
		for _, d := range strings.Split(p, ":") {
			if d == "" || strings.Contains(d, "$") || seen[d] {
				continue
			}
			seen[d] = true
			if !path.IsAbs(d) {
				bad = append(bad, fmt.Sprintf("relative entry %q", d))
				continue
			}
			fi, err := t.Stat(d)
			if err != nil {
				continue
			}
			if fi.Mode().Perm()&0o022 != 0 {
				bad = append(bad, fmt.Sprintf("%s is group or world writable", d))
			}
			if uid, ok := ownerUID(fi); ok && uid != 0 {
				bad = append(bad, fmt.Sprintf("%s is owned by uid %d", d, uid))
			}
		}
	}
	if len(bad) > 0 {
		return engine.Fail("root PATH: %s", strings.Join(bad, "; "))
	}
	return engine.Pass("root PATH entries are sound")
}

func (rootPath) Fix(context.Context, *engine.Target, *engine.Plan) error { return engine.ErrNoFix }
