// Command harden is the CIS hardening bundle run on build targets:
//
//	harden apply [--profile ID] [--waive RULE=reason[@YYYY-MM-DD][,RULE…]] [--root DIR] [--report FILE]
//	harden audit [--profile ID] [--format text|json|junit|html] [--root DIR]
//	harden profiles | rules [--profile ID]
//	harden cleanup [--root DIR] [--remove-user NAME]
//	harden vulns --feed PATH [--root DIR] [--format text|json|junit|html] [--fail-on critical|high|medium|none]
//
// harden vulns matches the installed packages of --root (dpkg status, or the
// rpm database: sqlite, Berkeley DB or ndb) against a local OSV advisory feed (.json file, directory or .zip; never downloaded) and
// lists the CVEs present with their fixed version, severity and fix age; the
// JSON report lists only findings and counts the rest in its summary. It
// exits 1 when a fixable finding is at or above --fail-on (default high;
// unfixed and unknown-severity findings never fail). See internal/vulns.
//
// Exit codes: 0 all pass, 1 audit failures or vulns findings at/above
// --fail-on, 2 usage, 3 unsupported OS, 4 apply error (rolled back).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}
