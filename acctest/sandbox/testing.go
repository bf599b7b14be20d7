package sandbox

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"testing"
	"time"
)

// interrupts destroys this process's sandboxes on SIGINT/SIGTERM/SIGHUP: a
// test binary killed that way runs no t.Cleanup. It is process-wide because
// signals are; everything else in the package is per sandbox.
var interrupts = &sigRegistry{live: map[*Sandbox]bool{}}

type sigRegistry struct {
	once sync.Once
	mu   sync.Mutex
	live map[*Sandbox]bool
}

func (r *sigRegistry) add(s *Sandbox) {
	r.once.Do(func() {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
		go func() {
			sig := <-ch
			r.destroyAll()
			signal.Reset(sig)
			_ = syscall.Kill(os.Getpid(), sig.(syscall.Signal))
		}()
	})
	r.mu.Lock()
	r.live[s] = true
	r.mu.Unlock()
}

func (r *sigRegistry) remove(s *Sandbox) {
	r.mu.Lock()
	delete(r.live, s)
	r.mu.Unlock()
}

func (r *sigRegistry) destroyAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for s := range r.live {
		_ = s.destroy(context.Background(), nil)
		delete(r.live, s)
	}
}

// Track registers a sandbox made with New for destruction when this process
// is interrupted; Untrack (or Destroy beforehand) ends that. Long-running
// users such as tcsim call it for every sandbox they create.
func Track(s *Sandbox)   { interrupts.add(s) }
func Untrack(s *Sandbox) { interrupts.remove(s) }

var leftoversOnce sync.Once

// NewForTest creates a sandbox for t and destroys it in t.Cleanup. It skips
// the test with the reason when the machine cannot run sandboxes (not root,
// no namespaces, no debootstrap). The first call in a process also removes
// leftovers of crashed earlier runs.
func NewForTest(t testing.TB, opts Options) *Sandbox {
	t.Helper()
	if err := Capable(); err != nil {
		t.Skip(err.Error())
	}
	leftoversOnce.Do(func() {
		if err := CleanupLeftovers(context.Background()); err != nil {
			t.Logf("cleanup of earlier runs' sandboxes: %v", err)
		}
	})
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	s, err := New(ctx, opts)
	if err != nil {
		t.Fatalf("create sandbox: %v", err)
	}
	Track(s)
	t.Cleanup(func() {
		Untrack(s)
		if err := s.Destroy(context.Background()); err != nil {
			t.Errorf("destroy sandbox: %v", err)
		}
	})
	return s
}
