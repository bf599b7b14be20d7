package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Mode says whether runtime state may be touched.
type Mode string

const (
	// ModeImage writes persistent configuration under the root only; it never
	// changes the running kernel, firewall, mounts or services of the host.
	ModeImage Mode = "image"
	// ModeLive additionally activates changes on the running system in ways that
	// keep existing sessions (sysctl --system, sshd reload).
	ModeLive Mode = "live"
)

// Runner runs a command inside the target. The default runs it directly for
// root "/" and via chroot(8) otherwise.
type Runner interface {
	Run(ctx context.Context, stdin io.Reader, argv ...string) (stdout, stderr []byte, err error)
}

// TargetOptions configure NewTarget.
type TargetOptions struct {
	Mode   Mode   // required
	Runner Runner // nil: chroot runner
	// BuilderUsers are accounts whose SSH + sudo access must survive hardening
	// (the user running harden, SUDO_USER, explicit --builder-user).
	BuilderUsers []string
	// Env is passed to commands run in the target (e.g. apt proxy settings).
	Env []string
}

// Target is a root filesystem to audit or harden: "/" for the running system
// or an unbooted image tree. All paths given to its methods are absolute paths
// as seen inside the target; symlinks are resolved inside the root so an
// absolute link can never escape to the host.
type Target struct {
	root         string
	mode         Mode
	runner       Runner
	builderUsers []string

	osOnce sync.Once
	osRel  OSRelease
	osErr  error

	pkgOnce sync.Once
	pkgs    *PackageDB
	pkgErr  error

	filesMu sync.Mutex
	files   *fileIndex
}

// NewTarget opens a target root.
func NewTarget(root string, opts TargetOptions) (*Target, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("target root %q: %w", root, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("target root: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("target root %q is not a directory", abs)
	}
	if opts.Mode != ModeImage && opts.Mode != ModeLive {
		return nil, fmt.Errorf("target mode %q: want %q or %q", opts.Mode, ModeImage, ModeLive)
	}
	if opts.Mode == ModeLive && abs != "/" {
		return nil, fmt.Errorf("live mode needs root \"/\", got %q: use image mode for --root", abs)
	}
	t := &Target{root: abs, mode: opts.Mode, runner: opts.Runner, builderUsers: opts.BuilderUsers}
	if t.runner == nil {
		t.runner = ChrootRunner{Root: abs, Env: opts.Env}
	}
	return t, nil
}

func (t *Target) Root() string           { return t.root }
func (t *Target) Mode() Mode             { return t.mode }
func (t *Target) BuilderUsers() []string { return append([]string(nil), t.builderUsers...) }

// OSRelease reads /etc/os-release (falling back to /usr/lib/os-release).
func (t *Target) OSRelease() (OSRelease, error) {
	t.osOnce.Do(func() {
		for _, p := range []string{"/etc/os-release", "/usr/lib/os-release"} {
			data, err := t.ReadFile(p)
			if err == nil {
				t.osRel, t.osErr = ParseOSRelease(data)
				if t.osErr != nil {
					t.osErr = fmt.Errorf("%s: %w", p, t.osErr)
				}
				return
			}
		}
		t.osErr = fmt.Errorf("%w: no /etc/os-release or /usr/lib/os-release under %s", ErrUnsupportedOS, t.root)
	})
	return t.osRel, t.osErr
}

const maxSymlinks = 40

// HostPath maps an absolute in-target path to a host path, resolving
// symlinks confined to the root. Missing trailing components are allowed.
func (t *Target) HostPath(p string) (string, error) {
	if !path.IsAbs(p) {
		return "", fmt.Errorf("target path %q must be absolute", p)
	}
	if t.root == "/" {
		return path.Clean(p), nil
	}
	parts := splitPath(p)
	resolved := "/"
	links := 0
	for len(parts) > 0 {
		c := parts[0]
		parts = parts[1:]
		switch c {
		case ".":
			continue
		case "..":
			resolved = path.Dir(resolved)
			continue
		}
		next := path.Join(resolved, c)
		fi, err := os.Lstat(filepath.Join(t.root, next))
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			resolved = next
			if err != nil {
				// Nothing below a missing component can be a symlink.
				resolved = path.Join(append([]string{resolved}, parts...)...)
				parts = nil
			}
			continue
		}
		links++
		if links > maxSymlinks {
			return "", fmt.Errorf("resolve %q under %s: too many symlinks", p, t.root)
		}
		dest, err := os.Readlink(filepath.Join(t.root, next))
		if err != nil {
			return "", fmt.Errorf("resolve %q: %w", p, err)
		}
		if path.IsAbs(dest) {
			resolved = "/"
		}
		parts = append(splitPath(dest), parts...)
	}
	return filepath.Join(t.root, resolved), nil
}

// HostPathNoFollow maps p like HostPath but does not follow a symlink in the
// last component (for removing or replacing links).
func (t *Target) HostPathNoFollow(p string) (string, error) {
	dir, err := t.HostPath(path.Dir(path.Clean(p)))
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, path.Base(p)), nil
}

func splitPath(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ReadFile reads an in-target file.
func (t *Target) ReadFile(p string) ([]byte, error) {
	hp, err := t.HostPath(p)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(hp)
}

// Stat follows symlinks inside the target.
func (t *Target) Stat(p string) (fs.FileInfo, error) {
	hp, err := t.HostPath(p)
	if err != nil {
		return nil, err
	}
	return os.Stat(hp)
}

// Lstat does not follow a final symlink.
func (t *Target) Lstat(p string) (fs.FileInfo, error) {
	hp, err := t.HostPathNoFollow(p)
	if err != nil {
		return nil, err
	}
	return os.Lstat(hp)
}

// Readlink returns the raw link text of an in-target symlink.
func (t *Target) Readlink(p string) (string, error) {
	hp, err := t.HostPathNoFollow(p)
	if err != nil {
		return "", err
	}
	return os.Readlink(hp)
}

// Exists reports whether p exists (following symlinks).
func (t *Target) Exists(p string) bool {
	_, err := t.Stat(p)
	return err == nil
}

// ReadDir lists an in-target directory sorted by name; a missing directory is empty.
func (t *Target) ReadDir(p string) ([]fs.DirEntry, error) {
	hp, err := t.HostPath(p)
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(hp)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return ents, err
}

// Glob matches an in-target pattern (path.Match syntax in the last element
// only) and returns in-target paths sorted.
func (t *Target) Glob(pattern string) ([]string, error) {
	dir, pat := path.Split(pattern)
	ents, err := t.ReadDir(path.Clean(dir))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if ok, err := path.Match(pat, e.Name()); err != nil {
			return nil, fmt.Errorf("glob %q: %w", pattern, err)
		} else if ok {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

// HasCommand reports whether an executable exists in the target's standard PATH.
func (t *Target) HasCommand(name string) bool {
	for _, d := range []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"} {
		if fi, err := t.Stat(path.Join(d, name)); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return true
		}
	}
	return false
}

// Run runs a command inside the target.
func (t *Target) Run(ctx context.Context, stdin io.Reader, argv ...string) (stdout, stderr []byte, err error) {
	return t.runner.Run(ctx, stdin, argv...)
}

// droppedCaps are removed from commands run in an image root.
const droppedCaps = "-sys_module,-sys_admin,-net_admin,-sys_time,-sys_boot,-sys_rawio"

// ChrootRunner runs commands directly for root "/" and via chroot otherwise.
type ChrootRunner struct {
	Root string
	Env  []string
}

func (r ChrootRunner) Run(ctx context.Context, stdin io.Reader, argv ...string) ([]byte, []byte, error) {
	if len(argv) == 0 {
		return nil, nil, errors.New("run: empty command")
	}
	args := argv
	if r.Root != "/" && r.Root != "" {
		args = append([]string{"chroot", r.Root}, argv...)
		// Maintainer scripts run inside an image must not reach the host's
		// kernel: without these capabilities a stray modprobe, mount,
		// firewall or clock change fails instead of altering the host.
		if sp, err := exec.LookPath("setpriv"); err == nil {
			args = append([]string{sp, "--bounding-set", droppedCaps, "--"}, args...)
		}
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = append([]string{
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"LANG=C.UTF-8", "LC_ALL=C.UTF-8", "HOME=/root",
		"DEBIAN_FRONTEND=noninteractive", "DEBCONF_NONINTERACTIVE_SEEN=true",
	}, r.Env...)
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("run %s: %w: %s", strings.Join(argv, " "), err, lastLines(errb.String(), 5))
	}
	return out.Bytes(), errb.Bytes(), err
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
