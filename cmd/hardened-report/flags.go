package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/fleet"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// Environment variables for the endpoint flags (the credential variables
// are internal/tencent's: TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, …).
const (
	envProtocol    = "HARDENED_PROTOCOL"
	envCVMEndpoint = "HARDENED_CVM_ENDPOINT"
	envVPCEndpoint = "HARDENED_VPC_ENDPOINT"
	envLHEndpoint  = "HARDENED_LIGHTHOUSE_ENDPOINT"
)

var formats = []string{"table", "json", "csv", "html"}

// options are the validated flags.
type options struct {
	regions    []string // empty: the default region; ["all"]: DescribeRegions
	format     string
	failOn     []string
	products   []string // fleet.Products; default cvm
	policyFile string
	protocol   string // "http" or "https"
	endpoints  map[string]string
	quiet      bool
	version    bool
}

// usageError is a bad flag; it names the flag and the fix.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

var regionRE = regexp.MustCompile(`^[a-z]{2,4}-[a-z0-9]+(-[a-z0-9]+)*$`)

// parseFlags reads args; getenv supplies the endpoint variables' defaults.
func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("hardened-report", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported once, by run
	var o options
	var regions, failOn, products string
	fs.StringVar(&regions, "regions", "", "comma-separated regions, or \"all\" for every region DescribeRegions lists (default: "+tencent.EnvRegion+", the profile's region, then "+tencent.DefaultRegion+")")
	fs.StringVar(&o.format, "format", "table", "output format: "+strings.Join(formats, ", "))
	fs.StringVar(&products, "products", fleet.ProductCVM, "comma-separated products to report on: "+strings.Join(fleet.Products(), ", ")+
		" (Lighthouse instances on blueprints)")
	fs.StringVar(&failOn, "fail-on", "", "comma-separated findings that make the exit code 1 (report groups, or superseded: on a deprecated image of a family): "+strings.Join(findingGroups(), ", "))
	fs.StringVar(&o.policyFile, "policy", "", "policy file (HCL, or JSON when the name ends in .json) with the provider's policy attributes")
	fs.StringVar(&o.protocol, "protocol", getenv(envProtocol), "HTTPS (default) or HTTP (local emulators such as tcsim); env "+envProtocol)
	cvm := fs.String("cvm-endpoint", getenv(envCVMEndpoint), "host[:port] of the CVM API instead of cvm.tencentcloudapi.com; env "+envCVMEndpoint)
	vpc := fs.String("vpc-endpoint", getenv(envVPCEndpoint), "host[:port] of the VPC API instead of vpc.tencentcloudapi.com; env "+envVPCEndpoint)
	lh := fs.String("lighthouse-endpoint", getenv(envLHEndpoint), "host[:port] of the Lighthouse API instead of lighthouse.tencentcloudapi.com; env "+envLHEndpoint)
	fs.BoolVar(&o.quiet, "quiet", false, "no progress line on stderr")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.Usage = func() { printUsage(stderr, fs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return o, usagef("unexpected argument %q: hardened-report takes only flags (regions go in --regions a,b)", fs.Arg(0))
	}
	if !slices.Contains(formats, o.format) {
		return o, usagef("--format: %q is not one of %s", o.format, strings.Join(formats, ", "))
	}
	for _, r := range splitList(regions) {
		if r != "all" && !regionRE.MatchString(r) {
			return o, usagef("--regions: %q is not a region name; use e.g. ap-guangzhou,ap-shanghai or all", r)
		}
		o.regions = append(o.regions, r)
	}
	if slices.Contains(o.regions, "all") && len(o.regions) > 1 {
		return o, usagef("--regions: \"all\" cannot be combined with region names")
	}
	o.products = splitList(products)
	if len(o.products) == 0 {
		return o, usagef("--products: empty; use a comma-separated list of %s", strings.Join(fleet.Products(), ", "))
	}
	for _, p := range o.products {
		if !slices.Contains(fleet.Products(), p) {
			return o, usagef("--products: %q is not a product; use a comma-separated list of %s", p, strings.Join(fleet.Products(), ", "))
		}
	}
	for _, g := range splitList(failOn) {
		if !slices.Contains(findingGroups(), g) {
			return o, usagef("--fail-on: %q is not a report group or superseded; use a comma-separated list of %s", g, strings.Join(findingGroups(), ", "))
		}
		o.failOn = append(o.failOn, g)
	}
	switch p := strings.ToLower(o.protocol); p {
	case "", "https", "http":
		o.protocol = p
	default:
		return o, usagef("--protocol: %q is not HTTP or HTTPS", o.protocol)
	}
	o.endpoints = map[string]string{}
	for flagName, ep := range map[string]*string{"cvm-endpoint": cvm, "vpc-endpoint": vpc, "lighthouse-endpoint": lh} {
		if *ep == "" {
			continue
		}
		if err := tencent.CheckEndpoint(*ep); err != nil {
			return o, usagef("--%s: %v", flagName, err)
		}
		o.endpoints[strings.TrimSuffix(flagName, "-endpoint")] = *ep
	}
	return o, nil
}

// failSuperseded is the --fail-on value for instances on a deprecated image
// that a newer image of its family supersedes (whatever their group).
const failSuperseded = "superseded"

// findingGroups are what --fail-on accepts: every group but ok, and
// superseded.
func findingGroups() []string {
	return append(slices.DeleteFunc(fleet.Groups(), func(g string) bool { return g == fleet.GroupOK }), failSuperseded)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, `Usage: hardened-report [--regions R1,R2|all] [--products cvm,lighthouse] [--format table|json|csv|html] [--fail-on GROUP,...]
                       [--policy FILE] [--protocol HTTP|HTTPS] [--cvm-endpoint HOST:PORT] [--vpc-endpoint HOST:PORT]
                       [--lighthouse-endpoint HOST:PORT] [--quiet]

Lists every CVM instance and image (with --products, also every Lighthouse instance and blueprint) of
the regions with OS, lifecycle phase, end-of-life date, days left, successor and provenance. Credentials: %s/%s (and %s), then the
tccli profile (%s), then the CAM role (%s). Exit codes: 0 no chosen finding,
1 instances in a --fail-on group, 2 usage error, 3 the report could not be produced.

hardened-report vulns [flags] (--format json (default) or html) is the vulnerability KPI report instead: per image
and for the fleet, the fix timeliness rate (open fixable vulnerabilities within vulnerability_sla_days of --policy)
and the age distribution of open vulnerabilities, from the images' signed provenance.

Flags:
`, tencent.EnvSecretID, tencent.EnvSecretKey, tencent.EnvSecurityToken, tencent.EnvProfile, tencent.EnvCAMRoleName)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}
