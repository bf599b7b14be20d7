package engine

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// CleanupOptions configure image cleanup.
type CleanupOptions struct {
	// RemoveUsers are temporary build accounts to delete with their homes.
	RemoveUsers []string
	Log         func(format string, args ...any)
}

// CleanupReport lists what Cleanup did.
type CleanupReport struct {
	Actions []string `json:"actions"`
}

// hostKeyUnit regenerates SSH host keys on first boot when no cloud-init
// does it, so removing the image's keys never leaves sshd unable to start.
const hostKeyUnit = `# Installed by harden image cleanup: SSH host keys are removed from the
# image so every instance gets its own; regenerate them before sshd starts.
[Unit]
Description=Regenerate SSH host keys (harden image cleanup)
Before=ssh.service sshd.service
ConditionFileNotEmpty=|!/etc/ssh/ssh_host_ed25519_key
ConditionFileNotEmpty=|!/etc/ssh/ssh_host_rsa_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=multi-user.target
`

// Cleanup prepares a root for capture as an image: empty machine-id, no SSH
// host keys (with a first-boot regeneration unit), cloud-init state reset,
// logs truncated, shell histories and temporary build users removed,
// package caches and temporary directories emptied.
//
// In live mode this runs at the very end of a build; it does not touch the
// running sshd, so the builder's open session survives until it disconnects.
func Cleanup(ctx context.Context, t *Target, opts CleanupOptions) (*CleanupReport, error) {
	rep := &CleanupReport{}
	did := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		rep.Actions = append(rep.Actions, msg)
		if opts.Log != nil {
			opts.Log("cleanup: %s", msg)
		}
	}
	host := func(p string) (string, error) { return t.HostPath(p) }

	for _, u := range opts.RemoveUsers {
		if u == "root" || u == "" {
			return rep, fmt.Errorf("cleanup: refusing to remove user %q", u)
		}
		if _, err := lookupPasswd(t, u); err != nil {
			continue
		}
		// --force: the temporary build user is usually still logged in (its
		// SSH session runs this cleanup); its session ends when Packer disconnects.
		if _, _, err := t.Run(ctx, nil, "userdel", "--force", "--remove", u); err != nil {
			return rep, fmt.Errorf("cleanup: remove build user %s: %w", u, err)
		}
		did("removed build user %s and its home", u)
		if hp, err := host("/etc/sudoers.d/" + u); err == nil {
			if os.Remove(hp) == nil {
				did("removed /etc/sudoers.d/%s", u)
			}
		}
	}

	if hp, err := host("/etc/machine-id"); err == nil {
		if fi, err := os.Lstat(hp); err == nil && fi.Mode().IsRegular() {
			if err := os.WriteFile(hp, nil, 0o444); err != nil {
				return rep, fmt.Errorf("cleanup: truncate machine-id: %w", err)
			}
			did("truncated /etc/machine-id")
		}
	}
	if hp, err := t.HostPathNoFollow("/var/lib/dbus/machine-id"); err == nil {
		if fi, err := os.Lstat(hp); err == nil && fi.Mode().IsRegular() {
			os.Remove(hp)
			did("removed /var/lib/dbus/machine-id")
		}
	}

	keys, _ := t.Glob("/etc/ssh/ssh_host_*")
	for _, k := range keys {
		if hp, err := t.HostPathNoFollow(k); err == nil && os.Remove(hp) == nil {
			did("removed %s", k)
		}
	}
	if t.Exists("/etc/ssh/sshd_config") && !t.Exists("/usr/bin/cloud-init") {
		tx := NewTx(t)
		unit := "/etc/systemd/system/harden-ssh-hostkeys.service"
		if err := tx.WriteFile(unit, []byte(hostKeyUnit), 0o644); err != nil {
			return rep, err
		}
		if err := tx.Symlink(unit, "/etc/systemd/system/multi-user.target.wants/harden-ssh-hostkeys.service"); err != nil {
			return rep, err
		}
		if len(tx.Changed()) > 0 {
			did("installed first-boot host key regeneration (%s)", unit)
		}
	}

	if t.HasCommand("cloud-init") {
		if _, _, err := t.Run(ctx, nil, "cloud-init", "clean", "--logs", "--seed"); err != nil {
			return rep, fmt.Errorf("cleanup: cloud-init clean: %w", err)
		}
		did("cloud-init clean --logs --seed")
	}

	if n, err := truncateLogs(t); err != nil {
		return rep, err
	} else if n > 0 {
		did("truncated or removed %d log files under /var/log", n)
	}

	histories := []string{"/root/.bash_history", "/root/.zsh_history", "/root/.lesshst", "/root/.viminfo", "/root/.python_history"}
	homes, _ := t.ReadDir("/home")
	for _, h := range homes {
		if h.IsDir() {
			for _, f := range []string{".bash_history", ".zsh_history", ".lesshst", ".viminfo", ".python_history"} {
				histories = append(histories, "/home/"+h.Name()+"/"+f)
			}
		}
	}
	for _, p := range histories {
		if hp, err := t.HostPathNoFollow(p); err == nil && os.Remove(hp) == nil {
			did("removed %s", p)
		}
	}

	switch {
	case t.HasCommand("apt-get"):
		if _, _, err := t.Run(ctx, nil, "apt-get", "-o", aptLockWait, "clean"); err != nil {
			return rep, fmt.Errorf("cleanup: apt-get clean: %w", err)
		}
		did("apt-get clean")
	case t.HasCommand("dnf"):
		if _, _, err := t.Run(ctx, nil, "dnf", "clean", "all"); err != nil {
			return rep, fmt.Errorf("cleanup: dnf clean all: %w", err)
		}
		did("dnf clean all")
	}

	for _, d := range []string{"/tmp", "/var/tmp"} {
		n, err := emptyDir(t, d)
		if err != nil {
			return rep, err
		}
		if n > 0 {
			did("emptied %s (%d entries)", d, n)
		}
	}
	return rep, nil
}

func lookupPasswd(t *Target, user string) (string, error) {
	data, err := t.ReadFile("/etc/passwd")
	if err != nil {
		return "", err
	}
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, user+":") {
			return l, nil
		}
	}
	return "", fmt.Errorf("user %s not found", user)
}

// truncateLogs empties regular log files and removes rotated ones and
// journal files; directory structure and ownership stay for the daemons.
func truncateLogs(t *Target) (int, error) {
	root, err := t.HostPath("/var/log")
	if err != nil {
		return 0, err
	}
	n := 0
	var paths []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("cleanup: walk /var/log: %w", err)
	}
	sort.Strings(paths)
	for _, p := range paths {
		base := filepath.Base(p)
		rotated := strings.HasSuffix(base, ".gz") || strings.HasSuffix(base, ".xz") || strings.HasSuffix(base, ".old") ||
			strings.HasSuffix(base, ".journal") || strings.HasSuffix(base, ".journal~") || isRotatedNumber(base)
		if rotated {
			if os.Remove(p) == nil {
				n++
			}
			continue
		}
		if fi, err := os.Stat(p); err == nil && fi.Size() > 0 {
			if err := os.Truncate(p, 0); err != nil {
				return n, fmt.Errorf("cleanup: truncate %s: %w", p, err)
			}
			n++
		}
	}
	return n, nil
}

func isRotatedNumber(base string) bool {
	i := strings.LastIndexByte(base, '.')
	if i < 0 || i == len(base)-1 {
		return false
	}
	for _, r := range base[i+1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func emptyDir(t *Target, d string) (int, error) {
	hp, err := t.HostPath(d)
	if err != nil {
		return 0, err
	}
	if fi, err := t.Lstat(d); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// /tmp as a link elsewhere (even inside the image): never empty its target.
		return 0, nil
	}
	ents, err := os.ReadDir(hp)
	if err != nil {
		if os.IsNotExist(err) {
			return 0, nil
		}
		return 0, fmt.Errorf("cleanup: list %s: %w", d, err)
	}
	n := 0
	for _, e := range ents {
		if err := os.RemoveAll(filepath.Join(hp, e.Name())); err != nil {
			return n, fmt.Errorf("cleanup: empty %s: %w", d, err)
		}
		n++
	}
	return n, nil
}
