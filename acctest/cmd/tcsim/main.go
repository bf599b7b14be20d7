// Command tcsim runs the Tencent Cloud API emulator:
//
//	go run ./acctest/cmd/tcsim --listen 127.0.0.1:PORT --secret-id ID --secret-key KEY \
//	    [--seed-file F] [--faults SPEC] [--state-file F] [--backing none|sandbox|vm] [--delay 1s]
//
// It prints "tcsim listening on http://127.0.0.1:PORT" once ready and exits cleanly on SIGINT
// or SIGTERM, destroying every backing machine.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "tcsim:", err)
		os.Exit(2)
	}
}

// config is the parsed command line.
type config struct {
	opts     tcsim.Options
	logLevel string
	backing  string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("tcsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on; port 0 picks a free port")
	secretID := fs.String("secret-id", "", "SecretId tcsim accepts (required)")
	secretKey := fs.String("secret-key", "", "SecretKey of --secret-id (required)")
	seedFile := fs.String("seed-file", "", "JSON file with extra public images (see tcsim.SeedFile)")
	faults := fs.String("faults", "", `fault injection, e.g. "seed=7,*:throttle=0.3,DescribeImages:502=0.1,*:delay=0.5@200ms"`)
	stateFile := fs.String("state-file", "", "keep resources in this file across restarts")
	backing := fs.String("backing", "none", "machine backend for instances: none, sandbox (Debian roots in namespaces) or vm (QEMU VMs, see acctest/tcsim/README.md)")
	delay := fs.Duration("delay", time.Second, "duration of every asynchronous state transition")
	role := fs.String("cam-role", "tcsim-cam-role", "CAM role name served by the metadata endpoint under /_tcsim/metadata")
	logLevel := fs.String("log-level", "info", "trace, debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q; all options are flags", fs.Arg(0))
	}
	if *secretID == "" || *secretKey == "" {
		return config{}, errors.New("--secret-id and --secret-key are required: tcsim verifies every request's TC3-HMAC-SHA256 signature against them")
	}
	if *delay < 0 {
		return config{}, errors.New("--delay must not be negative")
	}
	cfg := config{logLevel: *logLevel, opts: tcsim.Options{
		Listen:      *listen,
		Credentials: map[string]string{*secretID: *secretKey},
		SeedFile:    *seedFile,
		StateFile:   *stateFile,
		Delays:      tcsim.UniformDelays(*delay),
		CAMRoleName: *role,
	}}
	if *faults != "" {
		fc, err := tcsim.ParseFaultSpec(*faults)
		if err != nil {
			return config{}, fmt.Errorf("--faults: %w", err)
		}
		cfg.opts.Faults = fc
	}
	if *backing != "none" && *backing != "sandbox" && *backing != "vm" {
		return config{}, fmt.Errorf("--backing %q: use none, sandbox or vm", *backing)
	}
	cfg.backing = *backing
	return cfg, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	cfg.opts.Logger = hclog.New(&hclog.LoggerOptions{Name: "tcsim", Level: hclog.LevelFromString(cfg.logLevel), Output: stderr})

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := cfg.opts.Logger
	backend, cleanup, err := newBackend(ctx, cfg.backing, func(f string, a ...any) { logger.Info(fmt.Sprintf(f, a...)) })
	if err != nil {
		return err
	}
	cfg.opts.Backend = backend
	srv, err := tcsim.Start(ctx, cfg.opts)
	if err != nil {
		return errors.Join(err, cleanup())
	}
	fmt.Fprintf(stdout, "tcsim listening on %s\n", srv.URL())
	<-ctx.Done()
	if err := errors.Join(srv.Close(), cleanup()); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
