package engine

import (
	"errors"
	"fmt"
	"os"
	"path"
	"syscall"
)

// LockPath serialises apply and cleanup runs on one target.
const LockPath = "/var/lib/harden/lock"

// ErrLocked means another harden run holds the target's lock.
var ErrLocked = errors.New("another harden apply or cleanup is running on this target")

// Lock takes an exclusive, non-blocking lock on the target so that two runs
// (e.g. a retried provisioner) never interleave their transactions. The
// returned function releases it; the lock also dies with the process.
func (t *Target) Lock() (func(), error) {
	hp, err := t.HostPath(LockPath)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(path.Dir(hp), 0o755); err != nil {
		return nil, fmt.Errorf("lock %s: %w", LockPath, err)
	}
	f, err := os.OpenFile(hp, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", LockPath, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("lock %s: %w", LockPath, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
