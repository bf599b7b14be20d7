package sandbox

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// holderScript runs as pid 1 of the sandbox's fresh pid, mount, uts and ipc
// namespaces (inside its network namespace). It builds the machine's view of
// the world, pivots into the root so that no host mount stays reachable (or
// pinned) from inside, reports readiness on stdout and then idles as a
// zombie-reaping init: orphans of Exec'd commands are re-parented to it.
const holderScript = `set -e
root=$1 host=$2
mount --make-rprivate /
mount --bind "$root" "$root"
cd "$root"
mount -t proc -o nosuid,nodev,noexec proc proc
# /proc/sys stays read-only: a sysctl -w inside would otherwise change the host kernel.
mount --bind proc/sys proc/sys
mount -o remount,bind,ro,nosuid,nodev,noexec proc/sys
if [ -e proc/sysrq-trigger ]; then
  mount --bind proc/sysrq-trigger proc/sysrq-trigger
  mount -o remount,bind,ro proc/sysrq-trigger
fi
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs sys || true
mount -t tmpfs -o nosuid,noexec,mode=0755,size=16m tmpfs dev
mknod -m 666 dev/null c 1 3
mknod -m 666 dev/zero c 1 5
mknod -m 666 dev/full c 1 7
mknod -m 666 dev/random c 1 8
mknod -m 666 dev/urandom c 1 9
mknod -m 666 dev/tty c 5 0
mkdir -m 0755 dev/pts
mkdir -m 1777 dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec devpts dev/pts
ln -s pts/ptmx dev/ptmx
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs dev/shm
ln -s /proc/self/fd dev/fd
ln -s /proc/self/fd/0 dev/stdin
ln -s /proc/self/fd/1 dev/stdout
ln -s /proc/self/fd/2 dev/stderr
mount -t tmpfs -o nosuid,nodev,mode=0755,size=64m tmpfs run
mkdir -m 1777 run/lock
mkdir -m 0755 run/sshd
hostname "$host"
pivot_root . .
umount -l .
cd /
echo HSB-READY
exec >/dev/null 2>&1 </dev/null
exec /bin/sh -c 'trap "exit 0" TERM; while :; do sleep 86400 & wait $!; done'
`

// startHolder starts the namespaces' init process and returns the host pids of
// unshare (the holder, whose death kills init via --kill-child) and of init.
func startHolder(ctx context.Context, st *state) (holder, init procRef, err error) {
	logf, err := os.Create(filepath.Join(st.Dir, "holder.log"))
	if err != nil {
		return holder, init, fmt.Errorf("holder log: %w", err)
	}
	defer logf.Close()
	// From a file rather than -c, so that `ps` on the host stays readable; the
	// shell has read all of it before pivot_root hides the host file system.
	script := filepath.Join(st.Dir, "init.sh")
	if err := os.WriteFile(script, []byte(holderScript), 0o600); err != nil {
		return holder, init, fmt.Errorf("write sandbox init: %w", err)
	}
	cmd := exec.Command("nsenter", "--net=/run/netns/"+st.Name, "--",
		"unshare", "--uts", "--ipc", "--mount", "--pid", "--fork", "--kill-child", "--propagation", "private", "--",
		"/bin/sh", script, st.root(), st.Hostname)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	cmd.Stderr = logf
	// Own session: Ctrl-C on a terminal must not kill a machine behind the
	// back of Destroy, and a CLI-created sandbox outlives the CLI.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	// A plain pipe, not StdoutPipe: cmd.Wait runs concurrently and would
	// close a StdoutPipe under the reader.
	out, w, err := os.Pipe()
	if err != nil {
		return holder, init, err
	}
	defer out.Close()
	cmd.Stdout = w
	err = cmd.Start()
	w.Close()
	if err != nil {
		return holder, init, fmt.Errorf("start sandbox init: %w", err)
	}
	go func() { _ = cmd.Wait() }()
	holder, err = refOf(cmd.Process.Pid)
	if err != nil {
		return holder, init, err
	}
	ready := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(out).ReadString('\n')
		if strings.TrimSpace(line) == "HSB-READY" {
			ready <- nil
			_, _ = io.Copy(io.Discard, out)
			return
		}
		ready <- fmt.Errorf("init exited before it was ready: %v", err)
	}()
	select {
	case err = <-ready:
	case <-time.After(30 * time.Second):
		err = fmt.Errorf("init not ready after 30s")
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		killGroup(context.WithoutCancel(ctx), holder, 0)
		msg, _ := os.ReadFile(filepath.Join(st.Dir, "holder.log"))
		return holder, init, fmt.Errorf("sandbox %s: %w: %s", st.Name, err, tail(string(msg), 1000))
	}
	kids, err := children(holder.PID)
	if err != nil || len(kids) != 1 {
		return holder, init, fmt.Errorf("sandbox %s: find init below pid %d: children %v: %v", st.Name, holder.PID, kids, err)
	}
	init, err = refOf(kids[0])
	return holder, init, err
}
