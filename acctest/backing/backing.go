// Package backing lets end-to-end tests pick the machines behind tcsim
// instances: TCSIM_BACKING=sandbox (the default: Debian roots in network
// namespaces, seconds to boot) or TCSIM_BACKING=vm (QEMU virtual machines
// with systemd as PID 1, minutes under TCG; see acctest/tcsim/README.md).
package backing

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandboxbackend"
	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
	"github.com/hardenedcloud/terraform-provider-hardened/acctest/vmbackend"
)

// Env names the backing of ForTest.
const Env = "TCSIM_BACKING"

// closer is a backend that destroys its machines on Close.
type closer interface {
	tcsim.Backend
	Close(ctx context.Context) error
}

// New builds the named backing ("sandbox" or "vm") whose machines are
// destroyed on SIGINT/SIGTERM too, as tests need.
func New(kind string, logf func(string, ...any)) (tcsim.Backend, func(context.Context) error, error) {
	var b closer
	var err error
	switch kind {
	case "", "sandbox":
		b, err = sandboxbackend.New(sandboxbackend.Config{Logf: logf, DestroyOnSignal: true})
	case "vm":
		b, err = vmbackend.New(vmbackend.Config{Logf: logf, DestroyOnSignal: true, Accel: os.Getenv("TCSIM_VM_ACCEL")})
	default:
		return nil, nil, fmt.Errorf("%s=%q: use sandbox or vm", Env, kind)
	}
	if err != nil {
		return nil, nil, err
	}
	return b, b.Close, nil
}

// ForTest is the tcsim option that backs the test server's instances with
// the backing $TCSIM_BACKING names, closed (every machine destroyed) when
// the test ends.
func ForTest(t testing.TB) tcsim.Option {
	t.Helper()
	kind := os.Getenv(Env)
	b, closeFn, err := New(kind, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if kind == "" {
		kind = "sandbox"
	}
	t.Logf("tcsim instances are backed by %s machines (%s)", kind, Env)
	t.Cleanup(func() {
		if err := closeFn(context.Background()); err != nil {
			t.Errorf("close %s backing: %v", kind, err)
		}
	})
	return tcsim.WithBackend(b)
}
