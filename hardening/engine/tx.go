package engine

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"syscall"
)

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// backup is the state of one path before the transaction first touched it.
type backup struct {
	existed  bool
	isLink   bool
	linkDest string
	data     []byte
	mode     fs.FileMode
	uid, gid int
	isDir    bool
}

// Tx writes to the target idempotently: a write that would not change bytes,
// mode or link target is skipped, so a second apply reports zero changes.
// Every path is backed up before its first change so Rollback can restore it.
type Tx struct {
	t           *Target
	backups     map[string]*backup
	order       []string
	createdDirs []string
	changed     map[string]bool
}

// NewTx starts a transaction on t.
func NewTx(t *Target) *Tx {
	return &Tx{t: t, backups: map[string]*backup{}, changed: map[string]bool{}}
}

// Changed returns the in-target paths changed so far, sorted.
func (tx *Tx) Changed() []string {
	out := make([]string, 0, len(tx.changed))
	for p := range tx.changed {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func (tx *Tx) save(p, hp string) error {
	if _, ok := tx.backups[p]; ok {
		return nil
	}
	b := &backup{}
	fi, err := os.Lstat(hp)
	switch {
	case isNotExist(err):
	case err != nil:
		return fmt.Errorf("back up %s: %w", p, err)
	default:
		b.existed = true
		b.mode = fi.Mode()
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			b.uid, b.gid = int(st.Uid), int(st.Gid)
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			b.isLink = true
			if b.linkDest, err = os.Readlink(hp); err != nil {
				return fmt.Errorf("back up %s: %w", p, err)
			}
		case fi.IsDir():
			b.isDir = true
		default:
			if b.data, err = os.ReadFile(hp); err != nil {
				return fmt.Errorf("back up %s: %w", p, err)
			}
		}
	}
	tx.backups[p] = b
	tx.order = append(tx.order, p)
	return nil
}

func (tx *Tx) mkdirs(dir string) error {
	hp, err := tx.t.HostPath(dir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(hp); err == nil {
		return nil
	}
	if dir != "/" {
		if err := tx.mkdirs(path.Dir(dir)); err != nil {
			return err
		}
	}
	if err := os.Mkdir(hp, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create directory %s: %w", dir, err)
	}
	tx.createdDirs = append(tx.createdDirs, hp)
	tx.changed[dir] = true
	return nil
}

// WriteFile replaces p (atomically, via rename) unless it already has data
// and perm. An existing file keeps its owner; a new one is owned by root.
func (tx *Tx) WriteFile(p string, data []byte, perm fs.FileMode) error {
	if err := tx.mkdirs(path.Dir(p)); err != nil {
		return err
	}
	hp, err := tx.t.HostPath(p)
	if err != nil {
		return err
	}
	fi, statErr := os.Lstat(hp)
	if statErr == nil && fi.Mode().IsRegular() && fi.Mode().Perm() == perm.Perm() {
		if old, err := os.ReadFile(hp); err == nil && bytes.Equal(old, data) {
			return nil
		}
	}
	if err := tx.save(p, hp); err != nil {
		return err
	}
	uid, gid := 0, 0
	if b := tx.backups[p]; b.existed && !b.isLink {
		uid, gid = b.uid, b.gid
	}
	if err := writeAtomic(hp, data, perm, uid, gid); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	tx.changed[p] = true
	return nil
}

func writeAtomic(hp string, data []byte, perm fs.FileMode, uid, gid int) error {
	f, err := os.CreateTemp(filepath.Dir(hp), ".harden-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, perm.Perm()); err != nil {
		return err
	}
	if os.Geteuid() == 0 {
		if err := os.Lchown(tmp, uid, gid); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, hp); err != nil {
		return err
	}
	ok = true
	return nil
}

// Symlink makes p a symlink to dest unless it already is one.
func (tx *Tx) Symlink(dest, p string) error {
	if err := tx.mkdirs(path.Dir(p)); err != nil {
		return err
	}
	hp, err := tx.t.HostPathNoFollow(p)
	if err != nil {
		return err
	}
	if cur, err := os.Readlink(hp); err == nil && cur == dest {
		return nil
	}
	if err := tx.save(p, hp); err != nil {
		return err
	}
	if b := tx.backups[p]; b.existed {
		if b.isDir {
			return fmt.Errorf("symlink %s: a directory is in the way", p)
		}
		if err := os.Remove(hp); err != nil {
			return fmt.Errorf("symlink %s: %w", p, err)
		}
	}
	if err := os.Symlink(dest, hp); err != nil {
		return fmt.Errorf("symlink %s: %w", p, err)
	}
	tx.changed[p] = true
	return nil
}

// Remove deletes a file or symlink p if present (never a directory).
func (tx *Tx) Remove(p string) error {
	hp, err := tx.t.HostPathNoFollow(p)
	if err != nil {
		return err
	}
	fi, err := os.Lstat(hp)
	if isNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove %s: %w", p, err)
	}
	if fi.IsDir() {
		return fmt.Errorf("remove %s: is a directory", p)
	}
	if err := tx.save(p, hp); err != nil {
		return err
	}
	if err := os.Remove(hp); err != nil {
		return fmt.Errorf("remove %s: %w", p, err)
	}
	tx.changed[p] = true
	return nil
}

// Chmod sets the permission bits of p (following symlinks) if they differ.
func (tx *Tx) Chmod(p string, perm fs.FileMode) error {
	hp, err := tx.t.HostPath(p)
	if err != nil {
		return err
	}
	fi, err := os.Stat(hp)
	if err != nil {
		return fmt.Errorf("chmod %s: %w", p, err)
	}
	want := fi.Mode()&^(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) | perm
	if fi.Mode() == want {
		return nil
	}
	if err := tx.save(p, hp); err != nil {
		return err
	}
	if err := os.Chmod(hp, perm); err != nil {
		return fmt.Errorf("chmod %s: %w", p, err)
	}
	tx.changed[p] = true
	return nil
}

// Chown sets owner and group of p (following symlinks) if they differ;
// -1 leaves that id unchanged.
func (tx *Tx) Chown(p string, uid, gid int) error {
	hp, err := tx.t.HostPath(p)
	if err != nil {
		return err
	}
	fi, err := os.Stat(hp)
	if err != nil {
		return fmt.Errorf("chown %s: %w", p, err)
	}
	st, _ := fi.Sys().(*syscall.Stat_t)
	if st != nil && (uid < 0 || int(st.Uid) == uid) && (gid < 0 || int(st.Gid) == gid) {
		return nil
	}
	if err := tx.save(p, hp); err != nil {
		return err
	}
	if err := os.Chown(hp, uid, gid); err != nil {
		return fmt.Errorf("chown %s: %w", p, err)
	}
	tx.changed[p] = true
	return nil
}

// MarkChanged records a change made outside Tx (e.g. by a package
// transaction or a shell fix) for the report; such changes are not rolled back.
func (tx *Tx) MarkChanged(p string) { tx.changed[p] = true }

// Rollback restores every backed-up path in reverse order and removes
// directories the transaction created (if empty).
func (tx *Tx) Rollback() error {
	var errs []error
	for i := len(tx.order) - 1; i >= 0; i-- {
		p := tx.order[i]
		b := tx.backups[p]
		hp, err := tx.t.HostPathNoFollow(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if b.isDir {
			if err := os.Chmod(hp, b.mode.Perm()|b.mode&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)); err != nil {
				errs = append(errs, err)
			}
			if err := os.Lchown(hp, b.uid, b.gid); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if err := os.Remove(hp); err != nil && !isNotExist(err) {
			errs = append(errs, fmt.Errorf("rollback %s: %w", p, err))
			continue
		}
		switch {
		case !b.existed:
		case b.isLink:
			if err := os.Symlink(b.linkDest, hp); err != nil {
				errs = append(errs, fmt.Errorf("rollback %s: %w", p, err))
			}
		default:
			if err := writeAtomic(hp, b.data, b.mode.Perm(), b.uid, b.gid); err != nil {
				errs = append(errs, fmt.Errorf("rollback %s: %w", p, err))
			} else if extra := b.mode & (fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky); extra != 0 {
				_ = os.Chmod(hp, b.mode.Perm()|extra)
			}
		}
	}
	for i := len(tx.createdDirs) - 1; i >= 0; i-- {
		_ = os.Remove(tx.createdDirs[i]) // only succeeds when empty, which is what we want
	}
	tx.backups = map[string]*backup{}
	tx.order = nil
	tx.createdDirs = nil
	tx.changed = map[string]bool{}
	return errors.Join(errs...)
}
