package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

// newBackend builds the machine backend named by --backing. It returns the backend (nil for
// API-only instances) and a cleanup function run after tcsim has shut down (and so after every
// machine was destroyed).
//
// The sandbox backend (acctest/sandboxbackend) is wired in here by its owner: replace the
// "sandbox" case with its constructor.
func newBackend(ctx context.Context, kind string) (tcsim.Backend, func() error, error) {
	noop := func() error { return nil }
	switch kind {
	case "none":
		return nil, noop, nil
	case "sandbox":
		return nil, noop, errors.New("--backing sandbox is not built in yet: the sandbox backend (acctest/sandboxbackend) wires itself in acctest/cmd/tcsim/backing.go; use --backing none for API-only instances")
	default:
		return nil, noop, fmt.Errorf("--backing %q: use none or sandbox", kind)
	}
}
