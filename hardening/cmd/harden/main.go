// Command harden is the CIS hardening bundle run on build targets:
//
//	harden apply [--profile ID] [--waive RULE[=reason][,RULE…]] [--root DIR] [--report FILE]
//	harden audit [--profile ID] [--format text|json|junit|html] [--root DIR]
//	harden profiles | rules [--profile ID]
//	harden cleanup [--root DIR] [--remove-user NAME]
//
// Exit codes: 0 all pass, 1 audit failures, 2 usage, 3 unsupported OS,
// 4 apply error (rolled back).
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
