package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/fleet"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// runEnv is everything run takes from the process, injectable for tests.
type runEnv struct {
	getenv         func(string) string
	stdout, stderr io.Writer
	isTTY          func(io.Writer) bool
	tune           func(*tencent.Config) // tests: fast retries
	progressEvery  time.Duration         // plain progress lines at most this often; default 2s
}

func run(ctx context.Context, args []string, e runEnv) int {
	vulns := len(args) > 0 && args[0] == cmdVulns
	if vulns {
		// The KPI report defaults to JSON; a --format given later wins.
		args = append([]string{"--format", "json"}, args[1:]...)
	}
	o, err := parseFlags(args, e.getenv, e.stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "hardened-report: %v\nRun 'hardened-report --help' for usage.\n", err)
		return exitUsage
	}
	if o.version {
		fmt.Fprintln(e.stdout, "hardened-report", version)
		return exitOK
	}
	if vulns && !slices.Contains(vulnsFormats, o.format) {
		fmt.Fprintf(e.stderr, "hardened-report: --format: hardened-report vulns writes %s, not %q; use --format json or --format html\n",
			strings.Join(vulnsFormats, " or "), o.format)
		return exitUsage
	}
	clock, err := lifecycle.ClockFromString(e.getenv(lifecycle.TodayEnv))
	if err != nil {
		fmt.Fprintf(e.stderr, "hardened-report: %v\n", err)
		return exitUsage
	}
	ev, err := newEvaluator(o.policyFile, clock())
	if err != nil {
		fmt.Fprintf(e.stderr, "hardened-report: --policy: %v\n", err)
		return exitUsage
	}
	rep, err := collect(ctx, o, e, ev)
	if err != nil {
		fmt.Fprintf(e.stderr, "hardened-report: %v%s\n", err, endpointNote(o))
		return exitError
	}
	if vulns {
		err = writeVulns(e.stdout, o.format, fleet.VulnKPIs(rep, ev.Policy.Vulns.SLADays, clock()))
	} else {
		err = write(e.stdout, o.format, rep, clock())
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "hardened-report: write the %s report: %v\n", o.format, err)
		return exitError
	}
	return failures(e.stderr, rep, o.failOn)
}

// newEvaluator builds the judge of images and blueprints from the embedded
// catalog and the policy file (provider defaults without one).
func newEvaluator(path string, today time.Time) (fleet.Evaluator, error) {
	pf := policy.File{Policy: policy.Policy{Mode: policy.ModeEnforce, Lifecycle: lifecycle.DefaultPolicy()}}
	if path != "" {
		var err error
		if pf, err = policy.LoadFile(path); err != nil {
			return fleet.Evaluator{}, err
		}
	}
	cat, err := lifecycle.Embedded()
	if err != nil {
		return fleet.Evaluator{}, err
	}
	if cat, err = cat.WithOverrides(pf.Overrides); err != nil {
		var fe *lifecycle.FieldError
		if errors.As(err, &fe) && fe.Index >= 0 {
			return fleet.Evaluator{}, fmt.Errorf("%s: lifecycle_overrides[%d].%s: %s", path, fe.Index, fe.Field, fe.Msg)
		}
		return fleet.Evaluator{}, fmt.Errorf("%s: lifecycle_overrides: %w", path, err)
	}
	return fleet.Evaluator{Catalog: cat, Policy: pf.Policy, Today: today}, nil
}

// collect connects with the provider's credential chain and reads the fleet.
func collect(ctx context.Context, o options, e runEnv, ev fleet.Evaluator) (*fleet.Report, error) {
	cfg := tencent.Config{
		Scheme: o.protocol, Endpoints: o.endpoints, Getenv: e.getenv, UserAgent: "hardened-report-" + version,
		Logger: hclog.New(&hclog.LoggerOptions{Name: "tencent", Level: hclog.LevelFromString(e.getenv("HARDENED_LOG")), Output: e.stderr}),
	}
	if len(o.regions) > 0 && o.regions[0] != "all" {
		cfg.Region = o.regions[0]
	}
	if e.tune != nil {
		e.tune(&cfg)
	}
	base, err := tencent.New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	regions := o.regions
	switch {
	case len(regions) == 0:
		regions = []string{base.Region()}
	case regions[0] == "all":
		if regions, err = base.ListRegions(ctx); err != nil {
			return nil, err
		}
	}
	sources := make([]fleet.Source, 0, len(regions))
	for _, r := range regions {
		c, err := base.ForRegion(r)
		if err != nil {
			return nil, fmt.Errorf("--regions: %w", err)
		}
		sources = append(sources, c)
	}
	var names []string // what the progress line counts, in report order
	for _, r := range regions {
		for _, prod := range o.products {
			names = append(names, fleet.ProgressName(r, prod))
		}
	}
	p := newProgress(e.stderr, o.quiet, e.isTTY != nil && e.isTTY(e.stderr), e.progressEvery, names)
	rep, err := fleet.Collect(ctx, sources, fleet.Options{Judge: ev.Judge, JudgeBlueprint: ev.JudgeBlueprint, Products: o.products, Progress: p.update})
	p.done(rep)
	return rep, err
}

// failures prints the instances with a --fail-on finding and returns the
// exit code.
func failures(w io.Writer, rep *fleet.Report, failOn []string) int {
	per := map[string]int{}
	var ids []string
	n := 0
	for _, in := range rep.Instances {
		hit := false
		for _, f := range failOn {
			if in.Group == f || (f == failSuperseded && in.SupersededBy != "") {
				per[f]++
				hit = true
			}
		}
		if hit {
			n++
			if len(ids) < 20 {
				ids = append(ids, in.Region+"/"+in.ID)
			}
		}
	}
	if n == 0 {
		return exitOK
	}
	var counts []string
	for _, f := range failOn {
		if per[f] > 0 {
			counts = append(counts, fmt.Sprintf("%d %s", per[f], f))
		}
	}
	more := ""
	if n > len(ids) {
		more = fmt.Sprintf(" and %d more", n-len(ids))
	}
	fmt.Fprintf(w, "hardened-report: %d instance(s) fail --fail-on (%s): %s%s\n", n, strings.Join(counts, ", "), strings.Join(ids, ", "), more)
	return exitFindings
}

// endpointNote names the endpoint overrides in a failure, since a wrong
// --cvm-endpoint (or its variable) shows up only as a network error.
func endpointNote(o options) string {
	if len(o.endpoints) == 0 {
		return ""
	}
	var eps []string
	for _, svc := range []string{tencent.ServiceCVM, tencent.ServiceVPC, tencent.ServiceLighthouse} {
		if ep, ok := o.endpoints[svc]; ok {
			eps = append(eps, fmt.Sprintf("--%s-endpoint %s", svc, ep))
		}
	}
	proto := o.protocol
	if proto == "" {
		proto = "https"
	}
	return fmt.Sprintf(" (using %s over %s; check the flags or %s, %s, %s, %s)", strings.Join(eps, ", "), strings.ToUpper(proto),
		envCVMEndpoint, envVPCEndpoint, envLHEndpoint, envProtocol)
}
