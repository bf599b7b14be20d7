// Command hardened-report is the quarterly fleet check: every CVM instance
// and image of the chosen regions with OS, lifecycle phase, end-of-life date,
// days left, successor and provenance, as a table, JSON, CSV or HTML, and a
// non-zero exit code on the chosen findings, so a scheduled CI job is the
// check. It is a thin adapter over internal/fleet, internal/policy,
// internal/lifecycle and internal/tencent, the same packages the Terraform
// provider uses.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

// version is set by the release build (-ldflags "-X main.version=…").
var version = "dev"

// Exit codes.
const (
	exitOK       = 0 // report written, no chosen finding
	exitFindings = 1 // report written, instances in a --fail-on group
	exitUsage    = 2 // bad flags or policy file
	exitError    = 3 // the report could not be produced (credentials, API)
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], runEnv{getenv: os.Getenv, stdout: os.Stdout, stderr: os.Stderr, isTTY: isTerminal})
	stop()
	os.Exit(code)
}

// isTerminal reports whether w is a terminal (then progress is one
// carriage-return line instead of periodic plain lines).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
