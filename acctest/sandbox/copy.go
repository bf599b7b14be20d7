package sandbox

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Copies go through tar inside the sandbox rather than through Root() on the
// host: a guest symlink such as /var/run -> /run must resolve in the guest,
// never to the host's own directories.

// CopyIn copies a host file or directory tree to guestPath (an absolute path
// inside the sandbox), owned by root with modes preserved.
func (s *Sandbox) CopyIn(ctx context.Context, hostPath, guestPath string) error {
	if !path.IsAbs(guestPath) || path.Clean(guestPath) == "/" {
		return fmt.Errorf("copy into %s: guest path %q must be absolute and not /", s.st.Name, guestPath)
	}
	guestPath = path.Clean(guestPath)
	if _, err := os.Lstat(hostPath); err != nil {
		return fmt.Errorf("copy into %s: %w", s.st.Name, err)
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeTar(pw, hostPath, path.Base(guestPath))) }()
	_, _, err := s.Exec(ctx, pr, "/bin/sh", "-c", `mkdir -p "$1" && exec tar -x -p --no-same-owner -C "$1" -f -`,
		"copyin", path.Dir(guestPath))
	pr.Close()
	if err != nil {
		return fmt.Errorf("copy %s into %s:%s: %w", hostPath, s.st.Name, guestPath, err)
	}
	return nil
}

func writeTar(w io.Writer, src, name string) error {
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		link := ""
		if fi.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			return err
		}
		hdr.Name = path.Join(name, filepath.ToSlash(rel))
		if fi.IsDir() {
			hdr.Name += "/"
		}
		hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "root", "root"
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			_, err = io.Copy(tw, f)
			f.Close()
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// CopyOut copies a guest file or directory tree to hostPath.
func (s *Sandbox) CopyOut(ctx context.Context, guestPath, hostPath string) error {
	if !path.IsAbs(guestPath) {
		return fmt.Errorf("copy out of %s: guest path %q must be absolute", s.st.Name, guestPath)
	}
	guestPath = path.Clean(guestPath)
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := readTar(pr, path.Base(guestPath), hostPath)
		_, _ = io.Copy(io.Discard, pr) // let tar finish even when we stopped reading
		done <- err
	}()
	var stderr strings.Builder
	err := s.ExecStream(ctx, nil, pw, &stderr, "tar", "-c", "-C", path.Dir(guestPath), "-f", "-", path.Base(guestPath))
	pw.Close()
	rerr := <-done
	if err != nil {
		return fmt.Errorf("copy %s:%s out: %w: %s", s.st.Name, guestPath, err, tail(stderr.String(), 500))
	}
	if rerr != nil {
		return fmt.Errorf("copy %s:%s out to %s: %w", s.st.Name, guestPath, hostPath, rerr)
	}
	return nil
}

// readTar unpacks a stream whose members all start with base into dst,
// refusing members that would land outside dst.
func readTar(r io.Reader, base, dst string) error {
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(path.Clean(hdr.Name), "/")
		var rel string
		switch {
		case name == base:
		case strings.HasPrefix(name, base+"/"):
			rel = strings.TrimPrefix(name, base+"/")
		default:
			return fmt.Errorf("unexpected member %q", hdr.Name)
		}
		if rel == ".." || strings.HasPrefix(rel, "../") || path.IsAbs(rel) {
			return fmt.Errorf("member %q escapes the target", hdr.Name)
		}
		target := filepath.Join(dst, filepath.FromSlash(rel))
		mode := fs.FileMode(hdr.Mode) & fs.ModePerm
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			if err := os.Chmod(target, mode); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			if err := os.Chmod(target, mode); err != nil {
				return err
			}
		case tar.TypeSymlink:
			_ = os.Remove(target)
			if err := os.Symlink(hdr.Linkname, target); err != nil {
				return err
			}
		default:
			// Devices, fifos and hard links are not needed by tests; skip them.
		}
	}
}
