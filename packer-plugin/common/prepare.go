package common

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/communicator"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

// Checks both builders (hardened-cvm, hardened-lighthouse) run in Prepare:
// the same setting is validated the same way, with the same message.

// PrepareSSH defaults and validates the communicator: SSH as root with a
// temporary key pair unless the template brings its own credentials.
// builder names the builder in messages.
func PrepareSSH(comm *communicator.Config, ctx *interpolate.Context, builder string) (warns []string, errs []error) {
	if comm.Type == "" {
		comm.Type = "ssh"
	}
	if comm.Type != "ssh" {
		errs = append(errs, fmt.Errorf("communicator %q is not supported: %s builds Linux images over ssh", comm.Type, builder))
	}
	if comm.SSHUsername == "" {
		comm.SSHUsername = "root"
	}
	if comm.SSHTimeout == 0 {
		comm.SSHTimeout = 10 * time.Minute
	}
	if comm.SSHKeyPairName != "" && comm.SSHPrivateKeyFile == "" && !comm.SSHAgentAuth {
		errs = append(errs, errors.New("ssh_keypair_name needs ssh_private_key_file (or ssh_agent_auth) with the matching private key"))
	}
	if comm.SSHPrivateKeyFile != "" && comm.SSHKeyPairName == "" && comm.SSHPassword == "" {
		warns = append(warns, "ssh_private_key_file without ssh_keypair_name: the instance keeps the image's login settings, so the key must already be authorized in the image")
	}
	errs = append(errs, comm.Prepare(ctx)...)
	return warns, errs
}

// CheckSSHCIDR validates ssh_cidr (empty: the builder's own address, found at build time).
func CheckSSHCIDR(cidr string) (warns []string, errs []error) {
	if cidr == "" {
		return nil, nil
	}
	if _, _, err := net.ParseCIDR(cidr); err != nil {
		return nil, []error{fmt.Errorf("ssh_cidr %q is not a CIDR (e.g. 203.0.113.7/32)", cidr)}
	}
	if cidr == "0.0.0.0/0" {
		warns = append(warns, "ssh_cidr = 0.0.0.0/0 opens SSH of the build instance to the whole internet for the duration of the build")
	}
	return warns, nil
}

// CheckSigningKey loads signing_key_file once at Prepare, so a bad key fails
// before anything is created; without one the build is unsigned and says so.
func CheckSigningKey(path string) (warns []string, errs []error) {
	if path == "" {
		return []string{"signing_key_file is not set: the image provenance will be UNSIGNED and fail require_hardened/trusted_keys checks"}, nil
	}
	if _, err := provenance.LoadPrivateKeyFile(path); err != nil {
		return nil, []error{fmt.Errorf("signing_key_file: %w (create one with `packer-plugin-hardened keygen -out KEY`)", err)}
	}
	return nil, nil
}

// CheckUserTags validates tags the template puts on the result (field names
// the setting): the provenance prefix is the builder's, and Tencent's tag limits hold.
func CheckUserTags(field string, tags map[string]string) []error {
	var errs []error
	for k, v := range tags {
		if strings.HasPrefix(k, provenance.TagPrefix) {
			errs = append(errs, fmt.Errorf("%s key %q uses the reserved prefix %q (provenance tags are written by the builder)", field, k, provenance.TagPrefix))
		}
		if len(k) > provenance.MaxTagKeyLen || len(v) > provenance.MaxTagValueLen {
			errs = append(errs, fmt.Errorf("%s %q: keys hold at most %d characters and values %d", field, k, provenance.MaxTagKeyLen, provenance.MaxTagValueLen))
		}
	}
	return errs
}
