// Package e2e runs the real packer binary (bin/packer) with this plugin
// against tcsim. Gated on PACKER_ACC=1; builds whose instances must really
// boot also need root (sandboxes).
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/backing"
	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandbox"
	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

const region = "ap-guangzhou"

var (
	buildOnce  sync.Once
	pluginDir  string // shared by all tests of one run; removed by TestMain
	pluginPath string
	buildErr   error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "packer-plugin-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pluginDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func repoRoot(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

func requireAcc(t testing.TB) {
	t.Helper()
	if os.Getenv("PACKER_ACC") != "1" {
		t.Skip("packer e2e tests run real packer builds; set PACKER_ACC=1 to run them")
	}
	if _, err := os.Stat(filepath.Join(repoRoot(t), "bin", "packer")); err != nil {
		t.Skip("bin/packer missing: run scripts/tools.sh first")
	}
}

func requireSandbox(t testing.TB) {
	t.Helper()
	if err := sandbox.Capable(); err != nil {
		t.Skip(err.Error())
	}
}

// plugin builds the plugin (with the harden bundle embedded) once per run.
func plugin(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		root := repoRoot(t)
		pluginPath = filepath.Join(pluginDir, "packer-plugin-hardened")
		cmds := [][]string{
			{"make", "-C", "packer-plugin", "bundle"},
			{"go", "build", "-trimpath", "-ldflags", "-X github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/version.VersionPrerelease=",
				"-o", pluginPath, "./packer-plugin"},
		}
		for _, c := range cmds {
			cmd := exec.Command(c[0], c[1:]...)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("%s: %v\n%s", strings.Join(c, " "), err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return pluginPath
}

// env is one packer environment: its own plugin directory with the plugin installed.
type env struct {
	t    testing.TB
	root string
	dir  string
	vars []string
	srv  *tcsim.TestServer
}

func newEnv(t testing.TB, srv *tcsim.TestServer) *env {
	t.Helper()
	e := &env{t: t, root: repoRoot(t), dir: t.TempDir(), srv: srv}
	e.vars = []string{
		"PACKER_PLUGIN_PATH=" + filepath.Join(e.dir, "plugins"),
		"PACKER_CONFIG_DIR=" + filepath.Join(e.dir, "config"),
		"PACKER_CACHE_DIR=" + filepath.Join(e.dir, "cache"),
		"CHECKPOINT_DISABLE=1",
		"PACKER_NO_COLOR=1",
		"TENCENTCLOUD_SECRET_ID=" + srv.SecretID,
		"TENCENTCLOUD_SECRET_KEY=" + srv.SecretKey,
		"TENCENTCLOUD_REGION=" + region,
	}
	out, err := e.packer(context.Background(), nil, "plugins", "install", "--path", plugin(t), "github.com/hardenedcloud/hardened")
	if err != nil {
		t.Fatalf("packer plugins install: %v\n%s", err, out)
	}
	return e
}

// endpointVars points a template at tcsim.
func (e *env) endpointVars() []string {
	return []string{"-var", "cvm_endpoint=" + e.srv.Endpoint(), "-var", "vpc_endpoint=" + e.srv.Endpoint(), "-var", "scheme=http"}
}

func (e *env) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(e.root, "bin", "packer"), args...)
	cmd.Dir = e.dir
	cmd.Env = append(os.Environ(), e.vars...)
	return cmd
}

// packer runs packer to completion; the output is also streamed to the test log.
func (e *env) packer(ctx context.Context, extraEnv []string, args ...string) (string, error) {
	cmd := e.command(ctx, args...)
	cmd.Env = append(cmd.Env, extraEnv...)
	var buf bytes.Buffer
	w := io.MultiWriter(&buf, logWriter{e.t})
	cmd.Stdout, cmd.Stderr = w, w
	start := time.Now()
	err := cmd.Run()
	e.t.Logf("packer %s: %v after %s", args[0], err, time.Since(start).Round(time.Second))
	return buf.String(), err
}

type logWriter struct{ t testing.TB }

func (l logWriter) Write(p []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		l.t.Log(line)
	}
	return len(p), nil
}

// sandboxServer starts tcsim whose Debian instances are real machines:
// sandboxes, or QEMU VMs with TCSIM_BACKING=vm (acctest/backing).
func sandboxServer(t *testing.T, opts ...tcsim.Option) *tcsim.TestServer {
	t.Helper()
	return tcsim.StartForTest(t, append([]tcsim.Option{backing.ForTest(t)}, opts...)...)
}

// assertNoOrphans fails when any temporary resource of a build is left.
func assertNoOrphans(t *testing.T, srv *tcsim.TestServer, allowImages bool) {
	t.Helper()
	r := srv.Resources(region)
	if len(r.Instances) > 0 || len(r.KeyPairs) > 0 || len(r.SecurityGroups) > 0 || len(r.Vpcs) > 0 || len(r.Subnets) > 0 {
		t.Errorf("orphans in tcsim: instances=%v key_pairs=%v security_groups=%v vpcs=%v subnets=%v",
			r.Instances, r.KeyPairs, r.SecurityGroups, r.Vpcs, r.Subnets)
	}
	if !allowImages && len(r.PrivateImages) > 0 {
		t.Errorf("orphan images: %v", r.PrivateImages)
	}
}

func execIn(dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	return cmd
}
