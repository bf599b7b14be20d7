// Command anchors runs the official Tencent Cloud tools (the tencentcloudstack Terraform provider
// and the archived hashicorp Packer plugin) against tcsim beside this project's provider and
// plugin, and prints one table of ratios (ours / official) per measure:
//
//	go run ./acctest/cmd/anchors -tc-provider PATH -tc-packer PATH [-instances 100] [-only packer,terraform]
//
// scripts/anchors.sh (`make bench-anchors`) runs it and says how to build the official binaries.
// Not part of `make test`: it times real builds and plans, so its numbers depend on the
// machine's load, and it needs binaries built from sources outside this repository.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "anchors:", err)
		os.Exit(1)
	}
}

// config is the parsed command line.
type config struct {
	packer, terraform     string // this project's pinned tools (bin/)
	tcProvider, tcPacker  string // the official binaries
	hardenedPlugin        string // a prebuilt packer-plugin-hardened (release build); "" builds it
	instances             int
	throttle              float64
	delay                 time.Duration
	packerRuns, tfRuns    bool
	workDir, root, region string
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("anchors", flag.ContinueOnError)
	c := config{region: "ap-guangzhou"}
	fs.StringVar(&c.packer, "packer", "bin/packer", "packer binary")
	fs.StringVar(&c.terraform, "terraform", "bin/terraform", "terraform (or tofu) binary")
	fs.StringVar(&c.tcProvider, "tc-provider", os.Getenv("ANCHOR_TC_PROVIDER"), "official terraform-provider-tencentcloud binary (default $ANCHOR_TC_PROVIDER)")
	fs.StringVar(&c.tcPacker, "tc-packer", os.Getenv("ANCHOR_TC_PACKER"), "official packer-plugin-tencentcloud binary (default $ANCHOR_TC_PACKER)")
	fs.StringVar(&c.hardenedPlugin, "hardened-plugin", "", "prebuilt packer-plugin-hardened (empty prerelease, bundle embedded); empty builds it from this checkout")
	fs.IntVar(&c.instances, "instances", 100, "instances per terraform apply")
	fs.Float64Var(&c.throttle, "throttle", 0.3, "share of API calls answered RequestLimitExceeded in the throttled runs")
	fs.DurationVar(&c.delay, "delay", time.Second, "tcsim's duration of every asynchronous state transition")
	only := fs.String("only", "packer,terraform", "scenarios to run: packer, terraform or both (comma-separated)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.instances < 1 {
		return c, fmt.Errorf("-instances %d: give at least 1", c.instances)
	}
	if c.throttle < 0 || c.throttle >= 1 {
		return c, fmt.Errorf("-throttle %v: give a share in [0, 1), e.g. 0.3", c.throttle)
	}
	for _, s := range strings.Split(*only, ",") {
		switch strings.TrimSpace(s) {
		case "packer":
			c.packerRuns = true
		case "terraform":
			c.tfRuns = true
		default:
			return c, fmt.Errorf("-only %q: use packer, terraform or packer,terraform", *only)
		}
	}
	var err error
	for _, p := range []*string{&c.packer, &c.terraform, &c.tcProvider, &c.tcPacker, &c.hardenedPlugin} {
		if *p == "" {
			continue
		}
		if *p, err = filepath.Abs(*p); err != nil {
			return c, err
		}
	}
	if c.packerRuns && c.tcPacker == "" {
		return c, errors.New("no official Packer plugin: set ANCHOR_TC_PACKER (or -tc-packer) to a packer-plugin-tencentcloud binary; scripts/anchors.sh --help says how to build it")
	}
	if c.tfRuns && c.tcProvider == "" {
		return c, errors.New("no official provider: set ANCHOR_TC_PROVIDER (or -tc-provider) to a terraform-provider-tencentcloud binary; scripts/anchors.sh --help says how to build it")
	}
	return c, nil
}

func run(ctx context.Context) error {
	c, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if c.root, err = os.Getwd(); err != nil {
		return err
	}
	if c.workDir, err = os.MkdirTemp("", "anchors-"); err != nil {
		return err
	}
	defer os.RemoveAll(c.workDir)

	var t table
	if c.packerRuns {
		if err := runPacker(ctx, c, &t); err != nil {
			t.note("packer scenarios stopped: %v", err)
		}
	}
	if c.tfRuns && ctx.Err() == nil {
		if err := runTerraform(ctx, c, &t); err != nil {
			t.note("terraform scenarios stopped: %v", err)
		}
	}
	t.print(os.Stdout)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return nil
}
