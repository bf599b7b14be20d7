package engine

import (
	"context"
	"io"
	"strings"
	"testing"
)

type recordRunner struct{ calls []string }

func (r *recordRunner) Run(ctx context.Context, stdin io.Reader, argv ...string) ([]byte, []byte, error) {
	r.calls = append(r.calls, strings.Join(argv, " "))
	return nil, nil, nil
}

// TestLiveHooksOnlyInLiveMode proves image mode never activates changes
// (no sysctl --system, no sshd reload), and live mode activates only what
// the changed files concern.
func TestLiveHooksOnlyInLiveMode(t *testing.T) {
	for _, mode := range []Mode{ModeImage, ModeLive} {
		dir := writeTree(t, map[string]string{"/etc/os-release": "ID=debian\n"})
		rr := &recordRunner{}
		// Constructed directly: NewTarget only allows live mode on "/".
		tg := &Target{root: dir, mode: mode, runner: rr}
		p := NewPlan()
		p.Step("sysctl", func(ctx context.Context, t *Target, tx *Tx) error {
			return tx.WriteFile("/etc/sysctl.d/x.conf", []byte("a = 1\n"), 0o644)
		})
		p.OnLive("sysctl --system", []string{"/etc/sysctl"}, func(ctx context.Context, t *Target) error {
			_, _, err := t.Run(ctx, nil, "sysctl", "--system")
			return err
		})
		p.OnLive("reload sshd", []string{"/etc/ssh/"}, func(ctx context.Context, t *Target) error {
			_, _, err := t.Run(ctx, nil, "systemctl", "reload", "ssh.service")
			return err
		})
		out, err := p.Execute(context.Background(), tg, ExecOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(rr.calls, ";")
		want := ""
		if mode == ModeLive {
			want = "sysctl --system"
		}
		if got != want || strings.Join(out.LiveHooks, ";") != want {
			t.Errorf("%s mode: ran %q (hooks %v), want %q", mode, got, out.LiveHooks, want)
		}
	}
}
