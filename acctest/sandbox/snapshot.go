package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// snapshotExcludes are left out of snapshots: kernel and runtime mounts
// (empty on the host side anyway), and the two files that only make sense
// inside this sandbox host (apt proxy, no-service policy).
var snapshotExcludes = []string{
	"./proc/*", "./sys/*", "./dev/*", "./run/*",
	"./etc/apt/apt.conf.d/00hsb-proxy", "./usr/sbin/policy-rc.d",
}

// Snapshot writes a tarball of the root file system (numeric owners, modes,
// xattrs such as file capabilities) that New can start from. A name ending in
// .gz or .zst is compressed. The machine keeps running; files written while
// the archive is made may or may not be in it.
func (s *Sandbox) Snapshot(ctx context.Context, tarPath string) error {
	if tarPath == "" {
		return errors.New("snapshot: empty tarball path")
	}
	if _, err := os.Stat(s.st.Dir); err != nil {
		return fmt.Errorf("snapshot of %s: sandbox is destroyed", s.st.Name)
	}
	if err := os.MkdirAll(filepath.Dir(tarPath), 0o755); err != nil {
		return fmt.Errorf("snapshot of %s: %w", s.st.Name, err)
	}
	tmp := tarPath + ".partial"
	// The archive holds /etc/shadow and host keys: readable by root only.
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("snapshot of %s: %w", s.st.Name, err)
	}
	f.Close()
	args := []string{"-c", "--numeric-owner", "--xattrs", "--xattrs-include=*", "--one-file-system",
		"--warning=no-file-changed", "--warning=no-file-removed", "-f", tmp}
	switch {
	case strings.HasSuffix(tarPath, ".gz"):
		args = append(args, "--gzip")
	case strings.HasSuffix(tarPath, ".zst"):
		args = append(args, "--zstd")
	}
	for _, e := range snapshotExcludes {
		args = append(args, "--exclude="+e)
	}
	args = append(args, "-C", s.st.root(), ".")
	cmd := exec.CommandContext(ctx, "tar", args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	// GNU tar exits 1 when files changed while being read: a live machine.
	var ee *exec.ExitError
	if err != nil && (!errors.As(err, &ee) || ee.ExitCode() != 1) {
		_ = os.Remove(tmp)
		return fmt.Errorf("snapshot of %s: tar: %w: %s", s.st.Name, err, tail(out.String(), 800))
	}
	if err := os.Rename(tmp, tarPath); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("snapshot of %s: %w", s.st.Name, err)
	}
	return nil
}
