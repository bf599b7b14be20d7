package sandbox

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// firstBootScript does inside the machine what cloud-init does on a CVM's
// first boot: host name, fresh host keys, the default user with sudo and the
// key pair, password login when a password is given. It also points apt at
// the proxy and keeps package scripts from starting services (there is no
// systemd as pid 1); those two files are runtime-only and never snapshotted.
const firstBootScript = `set -eu
host=$1 user=$2 proxy=$3 pwauth=$4 newkeys=$5
keys=$(cat)
echo "$host" >/etc/hostname
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$host" >/etc/hosts
printf 'Acquire::http::Proxy "%s";\n' "$proxy" >/etc/apt/apt.conf.d/00hsb-proxy
printf '#!/bin/sh\n# sandbox: no init system to start services\nexit 101\n' >/usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d
if [ ! -s /etc/machine-id ]; then tr -d - </proc/sys/kernel/random/uuid >/etc/machine-id; fi
if [ "$newkeys" = 1 ]; then rm -f /etc/ssh/ssh_host_*; fi
# The three host keys in parallel: RSA alone takes about a second.
for t in rsa ecdsa ed25519; do
  f=/etc/ssh/ssh_host_${t}_key
  if [ ! -e "$f" ]; then ssh-keygen -q -t "$t" -N '' -C "root@$host" -f "$f" & fi
done
wait
if [ "$user" = root ]; then
  home=/root
else
  if ! id "$user" >/dev/null 2>&1; then
    groups=
    for g in adm audio cdrom dialout dip floppy netdev plugdev sudo video; do
      if getent group "$g" >/dev/null; then groups="$groups${groups:+,}$g"; fi
    done
    useradd --create-home --shell /bin/bash --comment "$user" ${groups:+--groups "$groups"} "$user"
  fi
  home=$(getent passwd "$user" | cut -d: -f6)
  printf '# default user, as cloud-init writes it\n%s ALL=(ALL) NOPASSWD:ALL\n' "$user" >/etc/sudoers.d/90-cloud-init-users
  chmod 0440 /etc/sudoers.d/90-cloud-init-users
fi
install -d -m 0700 "$home/.ssh"
if [ -n "$keys" ]; then printf '%s\n' "$keys" >"$home/.ssh/authorized_keys"; fi
touch "$home/.ssh/authorized_keys"
chmod 0600 "$home/.ssh/authorized_keys"
chown -R "$user:" "$home/.ssh"
if [ "$pwauth" = 1 ]; then
  mkdir -p /etc/ssh/sshd_config.d
  { echo "PasswordAuthentication yes"; if [ "$user" = root ]; then echo "PermitRootLogin yes"; fi; } >/etc/ssh/sshd_config.d/50-cloud-init.conf
fi
`

func (s *Sandbox) firstBoot(ctx context.Context, opts Options) error {
	host := s.st.Hostname
	pw, newKeys := "0", "0"
	if opts.Password != "" {
		pw = "1"
	}
	// An image is a snapshot of another machine: like cloud-init, do not
	// reuse its host keys.
	if opts.FromSnapshot != "" {
		newKeys = "1"
	}
	keys := strings.NewReader(strings.Join(opts.AuthorizedKeys, "\n"))
	if _, _, err := s.Exec(ctx, keys, "/bin/sh", "-c", firstBootScript, "firstboot",
		host, opts.LoginUser, ProxyURL(), pw, newKeys); err != nil {
		return fmt.Errorf("first boot: %w", err)
	}
	if opts.Password != "" {
		// Through stdin: the password must not show up in a process list.
		in := strings.NewReader(opts.LoginUser + ":" + opts.Password + "\n")
		if _, _, err := s.Exec(ctx, in, "chpasswd"); err != nil {
			return fmt.Errorf("set password of %s: chpasswd failed", opts.LoginUser)
		}
	}
	return nil
}

// StartSSH (re)starts sshd in the foreground (-D) on the sandbox address,
// after checking its configuration, and waits until it answers with an SSH
// banner. Use it after changing sshd_config.
func (s *Sandbox) StartSSH(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.stopSSH(ctx); err != nil {
		return err
	}
	if _, _, err := s.Exec(ctx, nil, "/bin/sh", "-c",
		"mkdir -p /run/sshd && chmod 0755 /run/sshd && ssh-keygen -A >/dev/null && /usr/sbin/sshd -t"); err != nil {
		return fmt.Errorf("sshd configuration of %s: %w", s.st.Name, err)
	}
	logPath := filepath.Join(s.st.Dir, "sshd.log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("sshd log: %w", err)
	}
	defer logf.Close()
	cmd, err := s.enterCmd(context.WithoutCancel(ctx), "/usr/sbin/sshd", "-D", "-e", "-o", "ListenAddress="+s.SSHAddr())
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	// Own session (not only group): sshd must outlive a CLI that started it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Cancel = nil
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start sshd in %s: %w", s.st.Name, err)
	}
	go func() { _ = cmd.Wait() }()
	ref, err := refOf(cmd.Process.Pid)
	if err != nil {
		return err
	}
	s.st.SSHD = ref
	if err := s.st.save(); err != nil {
		return err
	}
	if err := waitSSH(ctx, s.SSHAddr(), ref, 30*time.Second); err != nil {
		msg, _ := os.ReadFile(logPath)
		return fmt.Errorf("sshd in %s: %w: %s", s.st.Name, err, tail(string(msg), 800))
	}
	return nil
}

// waitSSH dials until the server sends its identification string.
func waitSSH(ctx context.Context, addr string, proc procRef, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
			line, rerr := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if rerr == nil && strings.HasPrefix(line, "SSH-2.0-") {
				return nil
			}
			err = fmt.Errorf("no SSH banner: %q %v", line, rerr)
		}
		if !proc.alive() {
			return fmt.Errorf("sshd exited: %w", err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer on %s after %s: %w", addr, timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// StopSSH stops the sshd listener (ours, and one a tool inside may have
// restarted on its own); open sessions keep running, like `systemctl stop ssh`.
func (s *Sandbox) StopSSH(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopSSH(ctx)
}

func (s *Sandbox) stopSSH(ctx context.Context) error {
	killGroup(ctx, s.st.SSHD, 5*time.Second)
	if s.st.SSHD.PID != 0 {
		s.st.SSHD = procRef{}
		if err := s.st.save(); err != nil {
			return err
		}
	}
	if !s.st.Init.alive() {
		return nil
	}
	// A listener started by something else (a hardening run restarting sshd).
	if _, _, err := s.Exec(ctx, nil, "/bin/sh", "-c",
		`p=$(cat /run/sshd.pid 2>/dev/null) && kill "$p" 2>/dev/null; rm -f /run/sshd.pid; true`); err != nil {
		return fmt.Errorf("stop sshd in %s: %w", s.st.Name, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.SSHAddr(), 300*time.Millisecond)
		if err != nil {
			return nil
		}
		c.Close()
		if time.Now().After(deadline) {
			return fmt.Errorf("stop sshd in %s: %s still accepts connections", s.st.Name, s.SSHAddr())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// HostKeys returns the sandbox's public SSH host keys (OpenSSH
// authorized_keys format, one per key type) so that clients can pin them
// instead of trusting whatever answers on the address.
func (s *Sandbox) HostKeys(ctx context.Context) ([]string, error) {
	out, _, err := s.Exec(ctx, nil, "/bin/sh", "-c", "cat /etc/ssh/ssh_host_*_key.pub")
	if err != nil {
		return nil, fmt.Errorf("host keys of %s: %w", s.st.Name, err)
	}
	var keys []string
	for l := range strings.SplitSeq(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			keys = append(keys, l)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("host keys of %s: none (start sshd first)", s.st.Name)
	}
	return keys, nil
}
