package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// state is what a sandbox needs to be found, used and destroyed from another
// process (the CLI, or `cleanup` after a crash). It is written to
// <stateDir>/<name>/state.json before any kernel object is created.
type state struct {
	Name         string    `json:"name"`
	Release      string    `json:"release,omitempty"`
	FromSnapshot string    `json:"from_snapshot,omitempty"`
	Index        int       `json:"subnet_index"`
	HostIP       string    `json:"host_ip"`
	GuestIP      string    `json:"guest_ip"`
	Dir          string    `json:"dir"`
	Lower        string    `json:"lower,omitempty"` // base root under the overlay
	LoginUser    string    `json:"login_user"`
	Hostname     string    `json:"hostname"`
	Owner        procRef   `json:"owner"` // zero: detached (CLI), kept until destroyed
	Holder       procRef   `json:"holder"`
	Init         procRef   `json:"init"`
	SSHD         procRef   `json:"sshd"`
	Created      time.Time `json:"created"`
}

const stateFile = "state.json"

func (st *state) root() string { return filepath.Join(st.Dir, "root") }

func (st *state) save() error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(st.Dir, stateFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("save state of %s: %w", st.Name, err)
	}
	if err := os.Rename(tmp, filepath.Join(st.Dir, stateFile)); err != nil {
		return fmt.Errorf("save state of %s: %w", st.Name, err)
	}
	return nil
}

func loadState(dir string) (*state, error) {
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return nil, err
	}
	st := &state{}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("parse %s: %w", filepath.Join(dir, stateFile), err)
	}
	if st.Name != filepath.Base(dir) || !strings.HasPrefix(st.Name, NamePrefix) {
		return nil, fmt.Errorf("state in %s names %q", dir, st.Name)
	}
	st.Dir = dir
	return st, nil
}

// listStates returns the states in the state directory and the names of
// sandbox directories whose state cannot be read (half-created or corrupt).
func listStates() ([]*state, []string, error) {
	ents, err := os.ReadDir(stateDir())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("list sandboxes: %w", err)
	}
	var sts []*state
	var broken []string
	for _, e := range ents {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), NamePrefix) {
			continue
		}
		st, err := loadState(filepath.Join(stateDir(), e.Name()))
		if err != nil {
			broken = append(broken, e.Name())
			continue
		}
		sts = append(sts, st)
	}
	sort.Slice(sts, func(i, j int) bool { return sts[i].Name < sts[j].Name })
	return sts, broken, nil
}

func newName() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return NamePrefix + hex.EncodeToString(b)
}

// globalLock serialises address allocation, proxy start/stop and cleanup
// across every process on the machine.
func globalLock(ctx context.Context) (*fileLock, error) {
	return lockFile(ctx, filepath.Join(stateDir(), ".lock"))
}

// Info describes an existing sandbox for listings.
type Info struct {
	Name      string
	Addr      string
	Root      string
	LoginUser string
	Release   string
	Snapshot  string
	Created   time.Time
	OwnerPID  int  // 0 when detached (created by the CLI)
	Running   bool // its init process is alive
	Orphaned  bool // the owning process died without destroying it
}

// List describes every sandbox on this machine, including those of other
// processes.
func List() ([]Info, error) {
	sts, _, err := listStates()
	if err != nil {
		return nil, err
	}
	out := make([]Info, 0, len(sts))
	for _, st := range sts {
		out = append(out, Info{
			Name: st.Name, Addr: st.GuestIP, Root: st.root(), LoginUser: st.LoginUser,
			Release: st.Release, Snapshot: st.FromSnapshot, Created: st.Created,
			OwnerPID: st.Owner.PID, Running: st.Init.alive(),
			Orphaned: st.Owner.PID != 0 && !st.Owner.alive(),
		})
	}
	return out, nil
}

// Open attaches to an existing sandbox by name, e.g. one the CLI created in
// an earlier process.
func Open(name string) (*Sandbox, error) {
	if !strings.HasPrefix(name, NamePrefix) || strings.ContainsAny(name, "/.") {
		return nil, fmt.Errorf("sandbox name %q: names start with %q (see `sandbox list`)", name, NamePrefix)
	}
	st, err := loadState(filepath.Join(stateDir(), name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("sandbox %s does not exist (see `sandbox list`)", name)
	}
	if err != nil {
		return nil, err
	}
	return &Sandbox{st: st, logf: func(string, ...any) {}}, nil
}

// Dir is the sandbox's private host directory (state, logs, root); it is
// removed by Destroy, so callers may keep per-sandbox files there.
func (s *Sandbox) Dir() string { return s.st.Dir }
