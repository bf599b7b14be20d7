package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// The apt proxy is one apt-cacher-ng shared by all sandboxes on the machine. It
// listens only on proxyAddr, which lives on a veth pair of its own in the host
// namespace (this kernel has no dummy links); each sandbox routes that one
// address through its own veth. It is started with the first sandbox and
// stopped with the last, under the global lock.
const (
	proxyPort   = 3142
	proxyLink   = NamePrefix + "px0"
	proxyPeer   = NamePrefix + "px1"
	proxyStateF = "proxy.json"
)

// ProxyURL is what apt inside a sandbox uses.
func ProxyURL() string {
	return "http://" + net.JoinHostPort(proxyAddr.String(), strconv.Itoa(proxyPort))
}

func proxyListening() bool {
	c, err := net.DialTimeout("tcp", net.JoinHostPort(proxyAddr.String(), strconv.Itoa(proxyPort)), 300*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func loadProxyRef(dir string) procRef {
	var r procRef
	b, err := os.ReadFile(filepath.Join(dir, proxyStateF))
	if err == nil {
		_ = json.Unmarshal(b, &r)
	}
	return r
}

// ensureProxy starts the anchor link and apt-cacher-ng unless they run.
// The caller holds the global lock.
func ensureProxy(ctx context.Context, dir string, logf func(string, ...any)) error {
	if err := ensureProxyLink(ctx); err != nil {
		return err
	}
	ref := loadProxyRef(dir)
	if ref.alive() && proxyListening() {
		return nil
	}
	killGroup(ctx, ref, 2*time.Second)
	bin, err := exec.LookPath("apt-cacher-ng")
	if err != nil {
		return fmt.Errorf("apt proxy: apt-cacher-ng is not installed (apt-get install apt-cacher-ng): %w", err)
	}
	cache, err := cacheDir()
	if err != nil {
		return err
	}
	confDir := filepath.Join(dir, "acng")
	cacheD := filepath.Join(cache, "apt-cacher")
	logD := filepath.Join(confDir, "log")
	for _, d := range []string{confDir, cacheD, logD} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("apt proxy: %w", err)
		}
	}
	// A private configuration: the system one may bind every address.
	conf := fmt.Sprintf(`CacheDir: %s
LogDir: %s
PidFile: %s
Port: %d
BindAddress: %s
ForeGround: 1
ExThreshold: 4
ReportPage: acng-report.html
`, cacheD, logD, filepath.Join(confDir, "acng.pid"), proxyPort, proxyAddr)
	if err := os.WriteFile(filepath.Join(confDir, "acng.conf"), []byte(conf), 0o644); err != nil {
		return fmt.Errorf("apt proxy config: %w", err)
	}
	out, err := os.Create(filepath.Join(confDir, "acng.out"))
	if err != nil {
		return fmt.Errorf("apt proxy log: %w", err)
	}
	defer out.Close()
	cmd := exec.Command(bin, "-c", confDir)
	cmd.Stdout, cmd.Stderr = out, out
	// Its own session: it outlives the process that started it when other
	// sandboxes still use it, and terminal signals do not reach it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start apt-cacher-ng: %w", err)
	}
	go func() { _ = cmd.Wait() }()
	ref, err = refOf(cmd.Process.Pid)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(ref)
	if err := os.WriteFile(filepath.Join(dir, proxyStateF), b, 0o644); err != nil {
		killGroup(ctx, ref, time.Second)
		return fmt.Errorf("record apt proxy: %w", err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for !proxyListening() {
		if !ref.alive() || time.Now().After(deadline) {
			killGroup(ctx, ref, time.Second)
			msg, _ := os.ReadFile(filepath.Join(confDir, "acng.out"))
			return fmt.Errorf("apt-cacher-ng did not listen on %s (is another apt-cacher-ng bound to 0.0.0.0:%d? stop it): %s",
				ProxyURL(), proxyPort, tail(string(msg), 500))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if logf != nil {
		logf("apt proxy apt-cacher-ng listening on %s, cache %s", ProxyURL(), cacheD)
	}
	return nil
}

func linkExists(name string) bool {
	_, err := os.Stat("/sys/class/net/" + name)
	return err == nil
}

func ensureProxyLink(ctx context.Context) error {
	if linkExists(proxyLink) {
		return nil
	}
	used, err := usedPrefixes(ctx)
	if err != nil {
		return err
	}
	for _, p := range used {
		if p.Contains(proxyAddr) {
			return fmt.Errorf("apt proxy address %s clashes with host route %s", proxyAddr, p)
		}
	}
	steps := [][]string{
		{"link", "add", proxyLink, "type", "veth", "peer", "name", proxyPeer},
		{"addr", "add", proxyAddr.String() + "/32", "dev", proxyLink},
		{"link", "set", proxyPeer, "up"},
		{"link", "set", proxyLink, "up"},
	}
	for _, s := range steps {
		if _, err := run(ctx, "ip", s...); err != nil {
			_, _ = run(context.WithoutCancel(ctx), "ip", "link", "del", proxyLink)
			return fmt.Errorf("apt proxy link: %w", err)
		}
	}
	return nil
}

// stopProxy stops apt-cacher-ng and removes its link. The caller holds the
// global lock and has checked that no sandbox is left.
func stopProxy(ctx context.Context, dir string) error {
	ref := loadProxyRef(dir)
	killGroup(ctx, ref, 5*time.Second)
	if ref.alive() {
		return fmt.Errorf("apt-cacher-ng (pid %d) does not stop", ref.PID)
	}
	_ = os.Remove(filepath.Join(dir, proxyStateF))
	if linkExists(proxyLink) {
		if _, err := run(ctx, "ip", "link", "del", proxyLink); err != nil && linkExists(proxyLink) {
			return fmt.Errorf("remove apt proxy link: %w", err)
		}
	}
	if err := os.RemoveAll(filepath.Join(dir, "acng")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove apt proxy state: %w", err)
	}
	return nil
}
