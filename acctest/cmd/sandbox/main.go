// Command sandbox manages Debian test machines (acctest/sandbox) by hand:
//
//	sandbox create [--release bookworm|trixie] [--from-snapshot F] [--user U] [--key F.pub]... [--hostname H]
//	sandbox list
//	sandbox ssh-info NAME
//	sandbox exec NAME -- COMMAND [ARG...]
//	sandbox snapshot NAME FILE.tar
//	sandbox destroy NAME...
//	sandbox cleanup [--all]
//
// Sandboxes made by create outlive the command; destroy or cleanup --all
// removes them. cleanup alone removes what crashed test runs left behind.
package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandbox"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage: sandbox COMMAND
  create [--release bookworm|trixie] [--from-snapshot F] [--user U] [--key F.pub]... [--hostname H] [--password-stdin]
  list
  ssh-info NAME
  exec NAME -- COMMAND [ARG...]
  snapshot NAME FILE.tar
  destroy NAME...
  cleanup [--all]
`

// run returns the process exit code; for exec it is the command's own.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	var err error
	switch args[0] {
	case "create":
		err = create(ctx, args[1:], stdin, stdout, logf)
	case "list":
		err = list(stdout)
	case "ssh-info":
		err = sshInfo(args[1:], stdout)
	case "exec":
		return execCmd(ctx, args[1:], stdin, stdout, stderr)
	case "snapshot":
		if len(args) != 3 {
			err = errors.New("usage: sandbox snapshot NAME FILE.tar")
			break
		}
		var s *sandbox.Sandbox
		if s, err = sandbox.Open(args[1]); err == nil {
			err = s.Snapshot(ctx, args[2])
		}
	case "destroy":
		err = destroy(ctx, args[1:], logf)
	case "cleanup":
		fs := flag.NewFlagSet("cleanup", flag.ContinueOnError)
		all := fs.Bool("all", false, "also remove live and CLI-created sandboxes")
		if err = fs.Parse(args[1:]); err == nil {
			err = sandbox.Cleanup(context.WithoutCancel(ctx), sandbox.CleanupOptions{All: *all, Logf: logf})
		}
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "sandbox: unknown command %q\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 2
		}
		fmt.Fprintf(stderr, "sandbox: %v\n", err)
		return 1
	}
	return 0
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func create(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, logf func(string, ...any)) error {
	fs := flag.NewFlagSet("create", flag.ContinueOnError)
	release := fs.String("release", sandbox.Bookworm, "Debian release: bookworm (12) or trixie (13)")
	snap := fs.String("from-snapshot", "", "start from a tarball written by `sandbox snapshot`")
	user := fs.String("user", "root", "login user; other than root it is created like cloud-init's default user")
	host := fs.String("hostname", "", "host name inside (default: the sandbox name)")
	pwStdin := fs.Bool("password-stdin", false, "read a password for the login user from the first line of stdin")
	var keys multiFlag
	fs.Var(&keys, "key", "OpenSSH public key file to authorize (repeatable); default: a new key pair kept with the sandbox")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := sandbox.Options{Release: *release, FromSnapshot: *snap, LoginUser: *user, Hostname: *host, Detached: true, Logf: logf}
	for _, k := range keys {
		b, err := os.ReadFile(k)
		if err != nil {
			return fmt.Errorf("--key: %w", err)
		}
		for line := range strings.SplitSeq(string(b), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				opts.AuthorizedKeys = append(opts.AuthorizedKeys, line)
			}
		}
	}
	if *pwStdin {
		b, err := io.ReadAll(io.LimitReader(stdin, 4096))
		if err != nil {
			return fmt.Errorf("--password-stdin: %w", err)
		}
		opts.Password, _, _ = strings.Cut(string(b), "\n")
		opts.Password = strings.TrimSuffix(opts.Password, "\r")
	}
	var priv []byte
	if len(keys) == 0 {
		var pub string
		var err error
		if pub, priv, err = newKeyPair(); err != nil {
			return err
		}
		opts.AuthorizedKeys = append(opts.AuthorizedKeys, pub)
	}
	start := time.Now()
	s, err := sandbox.New(ctx, opts)
	if err != nil {
		return err
	}
	if priv != nil {
		if err := os.WriteFile(keyPath(s), priv, 0o600); err != nil {
			return errors.Join(fmt.Errorf("save key: %w", err), s.Destroy(context.WithoutCancel(ctx)))
		}
	}
	fmt.Fprintf(stdout, "%s\t%s\t(ready in %s)\n", s.Name(), s.SSHAddr(), time.Since(start).Round(time.Millisecond))
	return nil
}

func keyPath(s *sandbox.Sandbox) string { return filepath.Join(s.Dir(), "id_ed25519") }

func newKeyPair() (pub string, priv []byte, err error) {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", nil, err
	}
	signer, err := ssh.NewSignerFromKey(k)
	if err != nil {
		return "", nil, err
	}
	blk, err := ssh.MarshalPrivateKey(k, "hardened-sandbox")
	if err != nil {
		return "", nil, err
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))) + " hardened-sandbox", pem.EncodeToMemory(blk), nil
}

func list(stdout io.Writer) error {
	infos, err := sandbox.List()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tADDRESS\tUSER\tFROM\tOWNER\tSTATE\tCREATED")
	for _, i := range infos {
		from := i.Release
		if i.Snapshot != "" {
			from = i.Snapshot
		}
		owner := "detached"
		if i.OwnerPID != 0 {
			owner = fmt.Sprintf("pid %d", i.OwnerPID)
		}
		state := "running"
		switch {
		case i.Orphaned:
			state = "leftover"
		case !i.Running:
			state = "down"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", i.Name, i.Addr, i.LoginUser, from, owner, state, i.Created.Format(time.RFC3339))
	}
	return tw.Flush()
}

func sshInfo(args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: sandbox ssh-info NAME")
	}
	s, err := sandbox.Open(args[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "address: %s\nport: 22\nuser: %s\n", s.Addr(), s.LoginUser())
	key := keyPath(s)
	if _, err := os.Stat(key); err == nil {
		fmt.Fprintf(stdout, "key: %s\n", key)
		fmt.Fprintf(stdout, "ssh -i %s -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null %s@%s\n", key, s.LoginUser(), s.Addr())
	} else {
		fmt.Fprintf(stdout, "ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null %s@%s\n", s.LoginUser(), s.Addr())
	}
	return nil
}

func execCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) < 2 || (args[1] == "--" && len(args) < 3) {
		fmt.Fprintln(stderr, "usage: sandbox exec NAME -- COMMAND [ARG...]")
		return 2
	}
	argv := args[1:]
	if argv[0] == "--" {
		argv = argv[1:]
	}
	s, err := sandbox.Open(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "sandbox: %v\n", err)
		return 1
	}
	err = s.ExecStream(ctx, stdin, stdout, stderr, argv...)
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee) && ee.ExitCode() > 0:
		return ee.ExitCode()
	default:
		fmt.Fprintf(stderr, "sandbox: %v\n", err)
		return 1
	}
}

func destroy(ctx context.Context, names []string, logf func(string, ...any)) error {
	if len(names) == 0 {
		return errors.New("usage: sandbox destroy NAME [NAME]")
	}
	var errs []error
	for _, n := range names {
		s, err := sandbox.Open(n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := s.Destroy(context.WithoutCancel(ctx)); err != nil {
			errs = append(errs, err)
			continue
		}
		logf("destroyed %s", n)
	}
	return errors.Join(errs...)
}
