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
	quietUnreadLogs(os.LookupEnv, os.Setenv)
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

// Log levels the plugin SDK reads from the environment (TF_LOG_SDK is the
// root, the others its subsystems; TF_LOG_PROVIDER_HARDENED is this
// provider's own logger).
var sdkLogLevelEnv = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_HARDENED"}

// quietUnreadLogs turns the plugin SDK's logging off when nobody asked for
// logs. Without a level in the environment the SDK logs at TRACE: about 80
// JSON lines (40 KB) per data source read, formatted here and parsed by
// Terraform only to be discarded, because Terraform shows provider logs only
// with TF_LOG or TF_LOG_PROVIDER. That cost ~10 ms per lookup under a plan of
// 1000 data sources. Any of those variables, a log path, or an explicit SDK
// level keeps the SDK's own behaviour.
func quietUnreadLogs(lookup func(string) (string, bool), set func(string, string) error) {
	for _, k := range append([]string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PATH", "TF_LOG_PATH_MASK", "TF_ACC_LOG_PATH"}, sdkLogLevelEnv...) {
		if v, ok := lookup(k); ok && v != "" {
			return
		}
	}
	for _, k := range sdkLogLevelEnv {
		_ = set(k, "off") // Setenv fails only for invalid names
	}
}
