package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// guestEnv is the whole environment of commands run by Exec: nothing of the
// host's (tokens, proxies, GOFLAGS…) leaks in.
var guestEnv = []string{
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"HOME=/root", "USER=root", "LOGNAME=root", "LANG=C.UTF-8", "DEBIAN_FRONTEND=noninteractive",
}

// enterCmd builds a command that runs argv as root inside every namespace of
// the sandbox, with its root directory and an empty environment.
func (s *Sandbox) enterCmd(ctx context.Context, argv ...string) (*exec.Cmd, error) {
	if len(argv) == 0 {
		return nil, fmt.Errorf("exec in %s: empty command", s.st.Name)
	}
	if !s.st.Init.alive() {
		return nil, fmt.Errorf("exec in %s: sandbox is not running (destroyed, or its init died)", s.st.Name)
	}
	args := []string{"--target", strconv.Itoa(s.st.Init.PID), "--mount", "--uts", "--ipc", "--net", "--pid",
		"--root", "--wd", "--", "/usr/bin/env", "-i"}
	args = append(args, guestEnv...)
	args = append(args, argv...)
	cmd := exec.CommandContext(ctx, "nsenter", args...)
	cmd.Env = []string{}
	// nsenter forks the real command into the pid namespace; both share this
	// process group, so cancelling kills the command, not just nsenter.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	return cmd, nil
}

// Exec runs argv as root inside the sandbox with a cleared environment and
// returns its output. A non-zero exit is an error that carries stderr.
func (s *Sandbox) Exec(ctx context.Context, stdin io.Reader, argv ...string) (stdout, stderr []byte, err error) {
	cmd, err := s.enterCmd(ctx, argv...)
	if err != nil {
		return nil, nil, err
	}
	var o, e bytes.Buffer
	cmd.Stdin = stdin
	cmd.Stdout = &o
	cmd.Stderr = &e
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil { // "signal: killed" would hide why
			err = ctx.Err()
		}
		return o.Bytes(), e.Bytes(), fmt.Errorf("exec %q in %s: %w: %s", shortArgv(argv), s.st.Name, err, tail(e.String(), 1000))
	}
	return o.Bytes(), e.Bytes(), nil
}

// ExecStream is Exec with caller-provided output streams, for long commands
// whose progress should be seen as it happens (harden apply, apt-get).
func (s *Sandbox) ExecStream(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, argv ...string) error {
	cmd, err := s.enterCmd(ctx, argv...)
	if err != nil {
		return err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return fmt.Errorf("exec %q in %s: %w", shortArgv(argv), s.st.Name, err)
	}
	return nil
}

// shortArgv keeps error messages readable when argv carries a whole script.
func shortArgv(argv []string) string {
	s := strings.Join(argv, " ")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
