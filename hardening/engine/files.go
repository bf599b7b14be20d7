package engine

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// FileEntry is one path of the target's file index.
type FileEntry struct {
	Path     string      // in-target, absolute
	Mode     fs.FileMode // from lstat: symlinks are not followed
	UID, GID uint32
	Size     int64
}

// virtualDirs are never indexed: kernel and runtime file systems.
var virtualDirs = map[string]bool{"/proc": true, "/sys": true, "/dev": true, "/run": true}

type fileIndex struct {
	once    sync.Once
	entries []FileEntry
	err     error
}

// Files returns an index of every path on the root's file system (like
// `find / -xdev`, without /proc, /sys, /dev, /run), sorted by path. It is
// built once per Target and shared by all checks, so several whole-system
// scans (world-writable files, unowned files, miner indicators) cost one
// walk. Unreadable entries are skipped.
func (t *Target) Files(ctx context.Context) ([]FileEntry, error) {
	t.filesMu.Lock()
	idx := t.files
	if idx == nil {
		idx = &fileIndex{}
		t.files = idx
	}
	t.filesMu.Unlock()
	idx.once.Do(func() { idx.entries, idx.err = t.walk(ctx) })
	return idx.entries, idx.err
}

// FilesUnder returns the index entries at or below dir.
func (t *Target) FilesUnder(ctx context.Context, dir string) ([]FileEntry, error) {
	all, err := t.Files(ctx)
	if err != nil {
		return nil, err
	}
	dir = path.Clean(dir)
	if dir == "/" {
		return all, nil
	}
	var out []FileEntry
	for _, e := range all {
		if e.Path == dir || strings.HasPrefix(e.Path, dir+"/") {
			out = append(out, e)
		}
	}
	return out, nil
}

// Invalidate drops cached package and file information after the target
// changed (the runner calls it between apply and the final audit).
func (t *Target) Invalidate() {
	t.InvalidatePackages()
	t.filesMu.Lock()
	t.files = nil
	t.filesMu.Unlock()
}

func (t *Target) walk(ctx context.Context) ([]FileEntry, error) {
	rootFi, err := os.Stat(t.root)
	if err != nil {
		return nil, err
	}
	rootDev := rootFi.Sys().(*syscall.Stat_t).Dev
	var out []FileEntry
	prefix := len(strings.TrimSuffix(t.root, "/"))
	err = filepath.WalkDir(t.root, func(hp string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		p := hp[prefix:]
		if p == "" {
			p = "/"
		}
		if d.IsDir() && virtualDirs[p] {
			return filepath.SkipDir
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return nil
		}
		if st.Dev != rootDev {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		out = append(out, FileEntry{Path: p, Mode: fi.Mode(), UID: st.Uid, GID: st.Gid, Size: fi.Size()})
		return nil
	})
	return out, err
}
