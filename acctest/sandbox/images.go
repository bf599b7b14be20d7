package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// Snapshots are unpacked once into a read-only directory that serves as the
// overlay's lower layer for every sandbox started from them, so the second
// machine from the same image boots as fast as one from a base root. The
// unpacked images live under <stateDir>/.images and are removed when the last
// sandbox on the machine is destroyed.

func imagesDir() string { return filepath.Join(stateDir(), ".images") }

// snapshotLower returns the unpacked root of a snapshot tarball, unpacking it
// unless an identical one (same path, size and modification time) exists.
func snapshotLower(ctx context.Context, tarPath string) (string, error) {
	fi, err := os.Stat(tarPath)
	if err != nil {
		return "", fmt.Errorf("snapshot %s: %w", tarPath, err)
	}
	h := sha256.Sum256([]byte(tarPath + "\x00" + strconv.FormatInt(fi.Size(), 10) + "\x00" + strconv.FormatInt(fi.ModTime().UnixNano(), 10)))
	key := hex.EncodeToString(h[:])[:16]
	dir := filepath.Join(imagesDir(), key)
	if isRoot(dir) {
		return dir, nil
	}
	lock, err := lockFile(ctx, filepath.Join(imagesDir(), "."+key+".lock"))
	if err != nil {
		return "", err
	}
	defer lock.Unlock()
	if isRoot(dir) {
		return dir, nil
	}
	tmp := dir + ".partial"
	if err := removeTree(ctx, tmp); err != nil {
		return "", err
	}
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return "", fmt.Errorf("unpack snapshot: %w", err)
	}
	if _, err := run(ctx, "tar", "-x", "-p", "--numeric-owner", "--xattrs", "--xattrs-include=*",
		"-f", tarPath, "-C", tmp); err != nil {
		_ = removeTree(context.WithoutCancel(ctx), tmp)
		return "", fmt.Errorf("unpack snapshot %s: %w", tarPath, err)
	}
	if !isRoot(tmp) {
		_ = removeTree(context.WithoutCancel(ctx), tmp)
		return "", fmt.Errorf("snapshot %s holds no Debian root with /usr/sbin/sshd", tarPath)
	}
	if err := os.Rename(tmp, dir); err != nil {
		_ = removeTree(context.WithoutCancel(ctx), tmp)
		return "", fmt.Errorf("unpack snapshot: %w", err)
	}
	return dir, nil
}

// removeImages deletes every unpacked snapshot. The caller holds the global
// lock and has checked that no sandbox (and so no overlay) uses them.
func removeImages(ctx context.Context) error {
	return removeTree(ctx, imagesDir())
}
