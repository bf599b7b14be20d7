// Command terraform-provider-hardened serves the "hardened" Terraform
// provider over plugin protocol 6. Everything else lives in ./provider.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/pprof"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/pluginlog"
	"github.com/hardenedcloud/terraform-provider-hardened/provider"
)

// version is set at release time: -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run with support for debuggers like delve (prints TF_REATTACH_PROVIDERS)")
	flag.Parse()

	// HARDENED_PROVIDER_CPUPROFILE=PREFIX writes a CPU profile of this provider
	// process to PREFIX.<pid> when Terraform shuts it down: Terraform starts
	// the provider several times per command, and plan-time costs can only be
	// seen in the process that served the plan.
	pluginlog.QuietUnreadLogs(os.LookupEnv, os.Setenv)
	stop := func() {}
	if prefix := os.Getenv("HARDENED_PROVIDER_CPUPROFILE"); prefix != "" {
		var err error
		if stop, err = startCPUProfile(fmt.Sprintf("%s.%d", prefix, os.Getpid())); err != nil {
			log.Fatal(err)
		}
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/hardenedcloud/hardened",
		Debug:   debug,
	})
	stop()
	if err != nil {
		log.Fatal(err)
	}
}

func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("HARDENED_PROVIDER_CPUPROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("HARDENED_PROVIDER_CPUPROFILE: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
