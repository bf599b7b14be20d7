// Command packer-plugin-hardened is the Packer plugin: builders hardened-cvm
// and hardened-lighthouse, provisioner hardened-cis and data source
// hardened-base-image.
//
// Besides the plugin protocol (`describe`, `start`, run by Packer) it has one
// command for users:
//
//	packer-plugin-hardened keygen -out PREFIX
//
// which writes an ed25519 provenance signing key PREFIX.pem (for
// signing_key_file) and its public half PREFIX.pub.pem (for trusted_keys).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/packer-plugin-sdk/plugin"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/builder/cvm"
	"github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/builder/lighthouse"
	"github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/datasource/baseimage"
	"github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/provisioner/cis"
	"github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/version"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "keygen" {
		os.Exit(keygen(os.Args[2:], os.Stdout, os.Stderr))
	}
	pps := plugin.NewSet()
	pps.RegisterBuilder("cvm", new(cvm.Builder))
	pps.RegisterBuilder("lighthouse", new(lighthouse.Builder))
	pps.RegisterProvisioner("cis", new(cis.Provisioner))
	pps.RegisterDatasource("base-image", new(baseimage.Datasource))
	pps.SetVersion(version.PluginVersion)
	if err := pps.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err.Error())
		os.Exit(1)
	}
}

func keygen(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "path prefix: writes PREFIX.pem (private, 0600) and PREFIX.pub.pem")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" {
		fmt.Fprintln(stderr, "keygen: -out PREFIX is required, e.g. -out ./provenance-key")
		return 2
	}
	kp, err := provenance.WriteKeyFiles(*out, nil)
	if err != nil {
		fmt.Fprintf(stderr, "keygen: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "key id:      %s\nprivate key: %s.pem (signing_key_file of hardened-cvm; keep it secret)\npublic key:  %s.pub.pem (trusted_keys of the Terraform provider)\nopenssh:     %s\n",
		kp.ID, *out, *out, kp.PublicSSH)
	return 0
}
