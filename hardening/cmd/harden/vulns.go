package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/report"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/vulns"
)

// cmdVulns scans the installed packages of --root against an OSV feed.
// Exit 1 means fixable findings at or above --fail-on; unfixed ones never fail.
func cmdVulns(args []string, e env) (int, error) {
	var feed, root, format, failOn, ecosystem string
	fs := newFlagSet("vulns", e)
	fs.StringVar(&feed, "feed", "", "OSV advisory feed: a .json file, a directory of .json files or a .zip (required)")
	fs.StringVar(&root, "root", "/", "root directory of the system or unbooted image to scan")
	fs.StringVar(&format, "format", "text", "output format on stdout: text, json, junit, html")
	fs.StringVar(&failOn, "fail-on", "high", "exit 1 on a fixable finding at or above: critical, high, medium or none")
	fs.StringVar(&ecosystem, "ecosystem", "", "OSV ecosystem such as Debian:12, AlmaLinux:9, Rocky Linux:9, Red Hat:enterprise_linux:9 (default: from /etc/os-release under --root; needed for TencentOS/OpenCloudOS, which have none)")
	if err := parse(fs, args); err != nil {
		return exitUsage, err
	}
	if feed == "" {
		return exitUsage, usagef("--feed is required: pass a local OSV .json file, directory or .zip (the bundle never downloads one)")
	}
	switch format {
	case "text", "json", "junit", "html":
	default:
		return exitUsage, usagef("--format %q: use text, json, junit or html", format)
	}
	threshold, err := vulns.ParseThreshold(failOn)
	if err != nil {
		return exitUsage, usagef("--fail-on: %v", err)
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return exitUsage, usagef("--root %q is not a directory", root)
	}
	if ecosystem == "" {
		if ecosystem, err = vulns.DetectEcosystem(root); err != nil {
			return exitUsage, usagef("--root %s: %v; pass --ecosystem", root, err)
		}
	}
	f, err := vulns.LoadFeed(feed)
	if err != nil {
		return exitUsage, usagef("--feed: %v", err)
	}
	res, err := scanRoot(root, f, ecosystem, e.now())
	if err != nil {
		return exitApplyError, err
	}
	if err := vulns.Write(e.stdout, format, res); err != nil {
		return exitApplyError, err
	}
	if bad := res.Failing(threshold); len(bad) > 0 {
		fmt.Fprintf(e.stderr, "harden vulns: %d fixable finding(s) at or above %s\n", len(bad), threshold)
		return exitFailures, nil
	}
	return exitOK, nil
}

func scanRoot(root string, f *vulns.Feed, ecosystem string, now time.Time) (*vulns.Result, error) {
	pkgs, err := vulns.ReadInstalled(root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Clean(root), err)
	}
	return vulns.Scan(pkgs, f, ecosystem, now), nil
}

// vulnFlags is the vulnerability gate of apply and audit: a scan of the
// target against a local feed, after patching.
type vulnFlags struct {
	feed, failOn string
}

func (v *vulnFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&v.feed, "vulns-feed", "", "after patching, scan the installed packages against this OSV feed (.json file, directory or .zip)")
	fs.StringVar(&v.failOn, "fail-on-fixable", "", "with --vulns-feed: exit 1 on a fixable finding at or above critical, high (default), medium, or none")
}

// vulnGate is a loaded feed and its threshold.
type vulnGate struct {
	feed      *vulns.Feed
	threshold string
}

// load validates the flags and loads the feed, so that a bad feed stops the
// run before anything on the target changes. It returns nil without a feed.
func (v *vulnFlags) load() (*vulnGate, error) {
	if v.feed == "" {
		if v.failOn != "" {
			return nil, usagef("--fail-on-fixable needs --vulns-feed (the OSV feed to scan against)")
		}
		return nil, nil
	}
	threshold, err := vulns.ParseThreshold(orDefault(v.failOn, vulns.SeverityHigh))
	if err != nil {
		return nil, usagef("--fail-on-fixable: %v", err)
	}
	f, err := vulns.LoadFeed(v.feed)
	if err != nil {
		return nil, usagef("--vulns-feed: %v", err)
	}
	return &vulnGate{feed: f, threshold: threshold}, nil
}

// scan runs the gate on root; ecosystem comes from its os-release.
func (g *vulnGate) scan(root string, now time.Time) (*report.VulnGate, error) {
	eco, err := vulns.DetectEcosystem(root)
	if err != nil {
		return nil, fmt.Errorf("vulnerability scan: %w", err)
	}
	res, err := scanRoot(root, g.feed, eco, now)
	if err != nil {
		return nil, fmt.Errorf("vulnerability scan: %w", err)
	}
	return report.NewVulnGate(res, g.threshold), nil
}

// sayFailing tells why the gate failed; it reports whether it did.
func sayFailing(w io.Writer, cmd string, g *report.VulnGate) bool {
	if g == nil || len(g.Failing) == 0 {
		return false
	}
	fmt.Fprintf(w, "harden %s: %d fixable finding(s) at or above %s:\n", cmd, len(g.Failing), g.FailOnFixable)
	for _, f := range g.Failing {
		fmt.Fprintln(w, "  "+f)
	}
	return true
}
