//go:generate packer-sdc mapstructure-to-hcl2 -type Config

// Package cvm is the hardened-cvm builder: it launches a temporary CVM
// instance from an official base that passes the lifecycle gate, runs the
// provisioners (normally hardened-cis) over SSH, and captures a custom image
// stamped with signed provenance tags. Every temporary cloud resource is
// removed again, on success, failure and Ctrl-C.
package cvm

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/common"
	"github.com/hashicorp/packer-plugin-sdk/communicator"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"

	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// BuilderID identifies artifacts of this builder.
const BuilderID = "hardenedcloud.hardened-cvm"

// Config of the hardened-cvm builder.
type Config struct {
	common.PackerConfig  `mapstructure:",squash"`
	hcommon.AccessConfig `mapstructure:",squash"`
	hcommon.GateConfig   `mapstructure:",squash"`
	Comm                 communicator.Config `mapstructure:",squash"`

	// Base image id (`img-…`). Exactly one of source_image_id and
	// source_image_filter is required; the data source hardened-base-image
	// feeds source_image_id.
	SourceImageID string `mapstructure:"source_image_id"`
	// Pick the newest official image of an OS release that passes the lifecycle gate.
	SourceImageFilter *hcommon.ImageFilter `mapstructure:"source_image_filter"`

	// Name of the custom image to create (≤ 60 characters). Required.
	ImageName string `mapstructure:"image_name" required:"true"`
	// Description of the image.
	ImageDescription string `mapstructure:"image_description"`
	// Image family of the new image (ImageFamily). With deprecate_previous the
	// family is the line of images the new one supersedes.
	ImageFamily string `mapstructure:"image_family"`
	// After the new image and its copies are NORMAL, mark the earlier NORMAL
	// images of image_family in the build region and in every copy region
	// superseded: ModifyImageAttribute sets their ImageDeprecated flag (the CVM
	// API cannot re-tag an existing image). hardened_image then skips them,
	// so most_recent moves on to the new build, and hardened_fleet_report
	// flags instances still on them (image_superseded, naming the newest
	// image of the family). A cancelled build restores them.
	// Needs image_family.
	DeprecatePrevious bool `mapstructure:"deprecate_previous"`
	// Extra tags on the image (provenance tags are added by the builder).
	ImageTags map[string]string `mapstructure:"image_tags"`
	// Copy the finished image to these regions (SyncImages).
	ImageCopyRegions []string `mapstructure:"image_copy_regions"`
	// Share the image and each of its copies with these accounts
	// (ModifyImageSharePermission): 12-digit account ids (UINs). On a failed or
	// cancelled build the shares are withdrawn before the images are deleted.
	ShareAccounts []string `mapstructure:"share_accounts"`
	// Ed25519 private key (PKCS#8 PEM or OpenSSH) that signs the provenance.
	// Without it the provenance is stamped unsigned, and the build says so.
	SigningKeyFile string `mapstructure:"signing_key_file"`

	// Availability zone, e.g. `ap-guangzhou-3`. Required.
	Zone string `mapstructure:"zone" required:"true"`
	// Instance type of the build machine (default `S5.MEDIUM2`).
	InstanceType string `mapstructure:"instance_type"`
	// Name of the build instance (default `packer-hardened-<build uuid>`).
	InstanceName string `mapstructure:"instance_name"`
	// System disk type (default `CLOUD_PREMIUM`).
	DiskType string `mapstructure:"disk_type"`
	// System disk size in GB (default: the image's size).
	DiskSize int64 `mapstructure:"disk_size"`
	// Existing VPC; with subnet_id. When both are empty a temporary VPC and
	// subnet are created and deleted after the build.
	VpcID string `mapstructure:"vpc_id"`
	// Existing subnet in vpc_id and zone.
	SubnetID string `mapstructure:"subnet_id"`
	// CIDR of the temporary VPC (default `10.77.0.0/16`).
	VpcCIDR string `mapstructure:"vpc_cidr"`
	// CIDR of the temporary subnet (default `10.77.1.0/24`).
	SubnetCIDR string `mapstructure:"subnet_cidr"`
	// Existing security group; when empty a temporary group opening only TCP 22
	// from ssh_cidr is created.
	SecurityGroupID string `mapstructure:"security_group_id"`
	// Source of SSH in the temporary security group. Default: this machine's
	// address as seen on the route to the API endpoint (/32). Never 0.0.0.0/0
	// unless you write it here.
	SSHCIDR string `mapstructure:"ssh_cidr"`
	// Give the build instance a public IP (default true).
	AssociatePublicIP *bool `mapstructure:"associate_public_ip_address"`
	// Outbound bandwidth of the public IP in Mbps (default 10).
	InternetMaxBandwidthOut int64 `mapstructure:"internet_max_bandwidth_out"`
	// Connect to `public_ip` (default when associate_public_ip_address) or `private_ip`.
	SSHInterface string `mapstructure:"ssh_interface"`
	// Tags on every temporary resource and the build instance.
	RunTags map[string]string `mapstructure:"run_tags"`
	// Path on the machine where the provisioner leaves the provenance input
	// (default `/var/lib/hardened/provenance.json`). Empty result: unhardened.
	ProvenancePath string `mapstructure:"provenance_path"`
	// Fail when no provenance input was found after provisioning (default true):
	// an image named hardened must have been hardened.
	RequireProvenance *bool `mapstructure:"require_provenance"`
	// How long to wait for the instance to run and the image to be NORMAL (default 30m).
	StateTimeout time.Duration `mapstructure:"state_timeout"`

	ctx interpolate.Context
}

// DefaultProvenancePath is where hardened-cis writes the provenance input.
const DefaultProvenancePath = "/var/lib/hardened/provenance.json"

var (
	imageNameRe   = regexp.MustCompile(`^[\p{L}\p{N}._\-() ]{1,60}$`)
	imageFamilyRe = regexp.MustCompile(`^[\p{L}\p{N}._\-]{1,60}$`)
	// accountIDRe: a Tencent Cloud account id (UIN) as ModifyImageSharePermission takes it.
	accountIDRe = regexp.MustCompile(`^[0-9]{12}$`)
)

// validateShareAccounts checks share_accounts before any API call, so a typo
// fails the build at once instead of after the image was made.
func validateShareAccounts(ids []string) []error {
	var errs []error
	seen := map[string]bool{}
	for i, a := range ids {
		switch {
		case !accountIDRe.MatchString(a):
			errs = append(errs, fmt.Errorf("share_accounts[%d] = %q is not an account id: use the 12-digit account id (UIN) shown in the CAM console, e.g. \"100012345678\"", i, a))
		case seen[a]:
			errs = append(errs, fmt.Errorf("share_accounts[%d] = %q is listed twice: list each account once", i, a))
		}
		seen[a] = true
	}
	return errs
}

// Prepare decodes raws into c and validates it. Warnings come back separately.
func (c *Config) Prepare(raws ...interface{}) ([]string, error) {
	if err := hcommon.DecodeBuilderConfig(c, BuilderID, &c.ctx, raws...); err != nil {
		return nil, err
	}
	var errs *packersdk.MultiError
	var warns []string
	add := func(e ...error) { errs = packersdk.MultiErrorAppend(errs, e...) }
	// check adds what one of the shared checks (hcommon.Check*) found.
	check := func(w []string, e []error) { warns = append(warns, w...); add(e...) }
	add(c.AccessConfig.Prepare()...)
	add(c.GateConfig.Prepare()...)

	switch {
	case c.SourceImageID == "" && c.SourceImageFilter == nil:
		add(errors.New("source_image_id or source_image_filter is required: e.g. source_image_id = data.hardened-base-image.debian.image_id"))
	case c.SourceImageID != "" && c.SourceImageFilter != nil:
		add(errors.New("source_image_id and source_image_filter are mutually exclusive: keep one"))
	case c.SourceImageFilter != nil:
		add(c.SourceImageFilter.Prepare("source_image_filter.")...)
	case !strings.HasPrefix(c.SourceImageID, "img-"):
		add(fmt.Errorf("source_image_id %q is not an image id (img-…)", c.SourceImageID))
	}
	if c.ImageName == "" {
		add(errors.New("image_name is required, e.g. image_name = \"debian13-cis-{{timestamp}}\""))
	} else if !imageNameRe.MatchString(c.ImageName) {
		add(fmt.Errorf("image_name %q must be 1–60 letters, digits, spaces or ._-() characters", c.ImageName))
	}
	if c.Zone == "" {
		add(errors.New("zone is required, e.g. zone = \"ap-guangzhou-3\""))
	} else if c.Region != "" && !strings.HasPrefix(c.Zone, c.Region+"-") {
		add(fmt.Errorf("zone %q is not in region %q: use a zone like %s-3", c.Zone, c.Region, c.Region))
	}
	if (c.VpcID == "") != (c.SubnetID == "") {
		add(errors.New("vpc_id and subnet_id must be set together (or both left empty for a temporary VPC)"))
	}
	if c.VpcCIDR == "" {
		c.VpcCIDR = "10.77.0.0/16"
	}
	if c.SubnetCIDR == "" {
		c.SubnetCIDR = "10.77.1.0/24"
	}
	if c.VpcID == "" {
		_, vn, err1 := net.ParseCIDR(c.VpcCIDR)
		sip, sn, err2 := net.ParseCIDR(c.SubnetCIDR)
		switch {
		case err1 != nil:
			add(fmt.Errorf("vpc_cidr %q is not a CIDR", c.VpcCIDR))
		case err2 != nil:
			add(fmt.Errorf("subnet_cidr %q is not a CIDR", c.SubnetCIDR))
		case !vn.Contains(sip) || prefixLen(sn) < prefixLen(vn):
			add(fmt.Errorf("subnet_cidr %s must lie inside vpc_cidr %s", c.SubnetCIDR, c.VpcCIDR))
		}
	}
	check(hcommon.CheckSSHCIDR(c.SSHCIDR))
	if c.SecurityGroupID != "" && c.SSHCIDR != "" {
		warns = append(warns, "ssh_cidr is ignored when security_group_id is set")
	}
	if c.InstanceType == "" {
		c.InstanceType = "S5.MEDIUM2"
	}
	if c.DiskType == "" {
		c.DiskType = "CLOUD_PREMIUM"
	}
	if c.DiskSize < 0 {
		add(fmt.Errorf("disk_size %d must be positive (GB)", c.DiskSize))
	}
	if c.AssociatePublicIP == nil {
		t := true
		c.AssociatePublicIP = &t
	}
	if c.InternetMaxBandwidthOut == 0 {
		c.InternetMaxBandwidthOut = 10
	}
	switch c.SSHInterface {
	case "":
		c.SSHInterface = "private_ip"
		if *c.AssociatePublicIP {
			c.SSHInterface = "public_ip"
		}
	case "public_ip":
		if !*c.AssociatePublicIP {
			add(errors.New("ssh_interface = \"public_ip\" needs associate_public_ip_address = true"))
		}
	case "private_ip":
	default:
		add(fmt.Errorf("ssh_interface %q is not valid: use \"public_ip\" or \"private_ip\"", c.SSHInterface))
	}
	if c.ProvenancePath == "" {
		c.ProvenancePath = DefaultProvenancePath
	}
	if c.RequireProvenance == nil {
		t := true
		c.RequireProvenance = &t
	}
	if c.StateTimeout == 0 {
		c.StateTimeout = 30 * time.Minute
	}
	check(hcommon.CheckSigningKey(c.SigningKeyFile))
	add(hcommon.CheckUserTags("image_tags", c.ImageTags)...)
	for _, r := range c.ImageCopyRegions {
		if r == c.Region {
			add(fmt.Errorf("image_copy_regions contains the build region %q: list only other regions", r))
		}
	}
	add(validateShareAccounts(c.ShareAccounts)...)
	if c.DeprecatePrevious && c.ImageFamily == "" {
		add(errors.New("deprecate_previous needs image_family: name the family whose previous image the new one supersedes, e.g. image_family = \"debian13-cis\""))
	}
	if c.ImageFamily != "" && !imageFamilyRe.MatchString(c.ImageFamily) {
		add(fmt.Errorf("image_family %q must be 1–60 letters, digits or ._- characters", c.ImageFamily))
	}

	// The communicator: SSH with a temporary key pair unless the user brings one.
	check(hcommon.PrepareSSH(&c.Comm, &c.ctx, "hardened-cvm"))

	if errs != nil && len(errs.Errors) > 0 {
		return warns, errs
	}
	return warns, nil
}

func prefixLen(n *net.IPNet) int { l, _ := n.Mask.Size(); return l }
