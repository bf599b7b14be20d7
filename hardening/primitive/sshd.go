package primitive

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"os"
	"path"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// SSHDOption requires an sshd_config setting. The check evaluates the
// effective global value like sshd does: /etc/ssh/sshd_config with Include
// expanded, first occurrence wins, settings inside Match blocks ignored, and
// Default used when no file sets the key. The fix writes the key into
// SSHDDropIn (named "00-" so it is read first and wins), makes sure
// sshd_config includes sshd_config.d before any of its own settings, and
// validates with `sshd -t` before the transaction commits. Running sessions
// survive: image mode never restarts sshd; live mode only reloads it.
type SSHDOption struct {
	Key   string // as documented, e.g. "PermitRootLogin"
	Value string // written by the fix
	// Default is sshd's built-in value, used when nothing sets the key.
	Default string
	// Accept judges the effective value (lower-cased); nil = equal to Value, case-insensitive.
	Accept func(got string) bool
}

const sshdConfig = "/etc/ssh/sshd_config"
const sshdInclude = "Include /etc/ssh/sshd_config.d/*.conf"

func (o SSHDOption) Describe() string { return fmt.Sprintf("sshd %s %s", o.Key, o.Value) }

// sshdEffective returns the first global value of every key (lower-cased key).
func sshdEffective(t *engine.Target) (map[string]sshdValue, error) {
	out := map[string]sshdValue{}
	inMatch := false
	var walk func(file string, depth int) error
	walk = func(file string, depth int) error {
		if depth > 8 {
			return fmt.Errorf("sshd_config Include nesting too deep at %s", file)
		}
		data, ok, err := readOptional(t, file)
		if err != nil || !ok {
			return err
		}
		for _, l := range activeLines(data, "#") {
			key, val := parseKV(l)
			lk := strings.ToLower(key)
			switch {
			case lk == "match":
				inMatch = true
			case lk == "include":
				for _, pat := range strings.Fields(val) {
					if !path.IsAbs(pat) {
						pat = "/etc/ssh/" + pat
					}
					files, err := t.Glob(pat)
					if err != nil {
						return err
					}
					for _, f := range files {
						if err := walk(f, depth+1); err != nil {
							return err
						}
					}
				}
			case inMatch:
			default:
				if _, seen := out[lk]; !seen {
					out[lk] = sshdValue{val, file}
				}
			}
		}
		return nil
	}
	return out, walk(sshdConfig, 0)
}

type sshdValue struct{ value, file string }

func (o SSHDOption) accept(v string) bool {
	if o.Accept != nil {
		return o.Accept(strings.ToLower(v))
	}
	return strings.EqualFold(v, o.Value)
}

func (o SSHDOption) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	if !t.Exists(sshdConfig) {
		return engine.NotApplicable("openssh-server is not installed (%s missing)", sshdConfig)
	}
	eff, err := sshdEffective(t)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	got, ok := eff[strings.ToLower(o.Key)]
	if !ok {
		if o.Default != "" && o.accept(o.Default) {
			return engine.Pass("%s not set; sshd default %q is compliant", o.Key, o.Default)
		}
		return engine.Fail("%s is not set (default %q), want %s", o.Key, o.Default, o.Value)
	}
	if !o.accept(got.value) {
		return engine.Fail("%s is %q in %s, want %s", o.Key, got.value, got.file, o.Value)
	}
	return engine.Pass("%s %s (%s)", o.Key, got.value, got.file)
}

func (o SSHDOption) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	if !t.Exists(sshdConfig) {
		return nil
	}
	p.DropIn(engine.DropInSpec{Path: SSHDDropIn, Header: managedHeader, Perm: 0o600, KeyOf: func(l string) string {
		k, _ := parseKV(l)
		return strings.ToLower(k)
	}}, strings.ToLower(o.Key), o.Key+" "+o.Value)
	p.Step("sshd_config includes sshd_config.d first", ensureSSHDInclude)
	p.Validate("sshd -t", ValidateSSHD)
	p.OnLive("reload sshd", []string{"/etc/ssh/"}, func(ctx context.Context, t *engine.Target) error {
		// reload (SIGHUP) re-execs the listener only; existing sessions,
		// including the builder's, are separate processes and survive.
		if _, _, err := t.Run(ctx, nil, "systemctl", "reload", "ssh.service"); err != nil {
			_, _, err = t.Run(ctx, nil, "systemctl", "reload", "sshd.service")
			return err
		}
		return nil
	})
	return nil
}

// ensureSSHDInclude puts the Include line before sshd_config's first
// setting, so our "00-" drop-in wins (RHEL 8 ships without it).
func ensureSSHDInclude(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
	data, err := t.ReadFile(sshdConfig)
	if err != nil {
		return fmt.Errorf("read %s: %w", sshdConfig, err)
	}
	lines := strings.Split(string(data), "\n")
	for _, l := range lines {
		tl := strings.TrimSpace(l)
		if tl == "" || strings.HasPrefix(tl, "#") {
			continue
		}
		key, val := parseKV(tl)
		if strings.EqualFold(key, "include") && strings.Contains(val, "sshd_config.d/") {
			return nil // already first
		}
		break
	}
	fi, err := t.Stat(sshdConfig)
	if err != nil {
		return err
	}
	out := sshdInclude + "\n" + string(data)
	return tx.WriteFile(sshdConfig, []byte(out), fi.Mode().Perm())
}

// ValidateSSHD runs `sshd -t` inside the target when sshd is present. An
// unbooted image often has no host keys yet (they are generated on first
// boot), so a throwaway key is supplied for the test only.
func ValidateSSHD(ctx context.Context, t *engine.Target) error {
	if !t.HasCommand("sshd") {
		return nil
	}
	args := []string{"/usr/sbin/sshd", "-t", "-f", sshdConfig}
	keys, _ := t.Glob("/etc/ssh/ssh_host_*_key")
	var cleanup []string
	defer func() {
		for i := len(cleanup) - 1; i >= 0; i-- {
			os.Remove(cleanup[i])
		}
	}()
	if hp, err := t.HostPath("/run/sshd"); err == nil {
		if _, err := os.Stat(hp); isNotExist(err) {
			if err := os.MkdirAll(hp, 0o755); err == nil {
				cleanup = append(cleanup, hp)
			}
		}
	}
	if len(keys) == 0 {
		dir, err := t.HostPath("/run")
		if err != nil {
			return err
		}
		f, err := os.CreateTemp(dir, "harden-sshd-test-key-*")
		if err != nil {
			return fmt.Errorf("sshd -t: temporary host key: %w", err)
		}
		cleanup = append(cleanup, f.Name())
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			f.Close()
			return err
		}
		blk, err := ssh.MarshalPrivateKey(priv, "harden sshd -t")
		if err != nil {
			f.Close()
			return err
		}
		if _, err := f.Write(pem.EncodeToMemory(blk)); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("sshd -t: temporary host key: %w", err)
		}
		if err := os.Chmod(f.Name(), 0o600); err != nil {
			return fmt.Errorf("sshd -t: temporary host key: %w", err)
		}
		args = append(args, "-h", "/run/"+path.Base(f.Name()))
	}
	if _, _, err := t.Run(ctx, nil, args...); err != nil {
		return fmt.Errorf("sshd configuration invalid: %w", err)
	}
	return nil
}
