// Command terraform-provider-hardened serves the "hardened" Terraform
// provider over plugin protocol 6. Everything else lives in ./provider.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/hardenedcloud/terraform-provider-hardened/provider"
)

// version is set at release time: -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run with support for debuggers like delve (prints TF_REATTACH_PROVIDERS)")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/hardenedcloud/hardened",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
