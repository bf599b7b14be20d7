package main

import (
	"fmt"
	"os"
	"path/filepath"

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
	fs.StringVar(&ecosystem, "ecosystem", "", "OSV ecosystem such as Debian:12 (default: from /etc/os-release under --root)")
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
	pkgs, err := vulns.ReadInstalled(root)
	if err != nil {
		return exitApplyError, fmt.Errorf("%s: %w", filepath.Clean(root), err)
	}
	res := vulns.Scan(pkgs, f, ecosystem, e.now())
	if err := vulns.Write(e.stdout, format, res); err != nil {
		return exitApplyError, err
	}
	if bad := res.Failing(threshold); len(bad) > 0 {
		fmt.Fprintf(e.stderr, "harden vulns: %d fixable finding(s) at or above %s\n", len(bad), threshold)
		return exitFailures, nil
	}
	return exitOK, nil
}
