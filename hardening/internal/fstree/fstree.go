// Package fstree snapshots file trees for the hardening tests: they compare
// a root before and after an apply to prove that a second apply changes
// nothing and that hardening an image root leaves the host alone.
package fstree

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Entry is one path of a walked tree, never following symlinks.
type Entry struct {
	Path string // as walked (root joined with Rel)
	Rel  string // relative to the walked root; "." for the root itself
	Info fs.FileInfo
	UID  uint32
	GID  uint32
}

// Walk calls fn for root and every path below it, with its lstat
// information and owner. An error from fn or from reading the tree stops
// the walk and is returned unwrapped (os.IsNotExist works on a missing root).
func Walk(root string, fn func(e Entry) error) error {
	return filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return fmt.Errorf("%s: no owner information on this platform", p)
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		return fn(Entry{Path: p, Rel: rel, Info: fi, UID: st.Uid, GID: st.Gid})
	})
}

// Content describes e by mode, owner, symlink target and, for a regular
// file, the first hashBytes bytes (1..32) of its content's sha256 in hex:
// equal descriptions mean nothing an apply could change differs.
func Content(e Entry, hashBytes int) (string, error) {
	desc := fmt.Sprintf("%v %d:%d", e.Info.Mode(), e.UID, e.GID)
	switch {
	case e.Info.Mode()&fs.ModeSymlink != 0:
		l, err := os.Readlink(e.Path)
		if err != nil {
			return "", err
		}
		desc += " -> " + l
	case e.Info.Mode().IsRegular():
		data, err := os.ReadFile(e.Path)
		if err != nil {
			return "", err
		}
		sum := sha256.Sum256(data)
		desc += " " + hex.EncodeToString(sum[:min(max(hashBytes, 1), len(sum))])
	}
	return desc, nil
}
