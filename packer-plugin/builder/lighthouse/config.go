//go:generate packer-sdc mapstructure-to-hcl2 -type Config

// Package lighthouse is the hardened-lighthouse builder: it launches a
// temporary Lighthouse (轻量应用服务器) instance from a system blueprint
// that passes the lifecycle gate, opens its firewall for SSH from the
// builder only, runs the provisioners (normally hardened-cis) over SSH, and
// captures a custom blueprint (CreateBlueprint) carrying the signed
// provenance in its tags. Every temporary cloud resource is removed again,
// on success, failure and Ctrl-C.
package lighthouse

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/common"
	"github.com/hashicorp/packer-plugin-sdk/communicator"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"

	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// BuilderID identifies artifacts of this builder.
const BuilderID = "hardenedcloud.hardened-lighthouse"

// Tag budget of CreateBlueprint: the API takes at most 10 tags per
// blueprint, and the packed signed provenance (internal/provenance) takes
// up to 7 of them (3–4 without a vulnerability scan, more with the list of
// open CVEs, which is trimmed to fit); blueprint_tags get the rest.
const (
	MaxBlueprintTags     = 10
	ProvenanceTagBudget  = 7
	MaxUserBlueprintTags = MaxBlueprintTags - ProvenanceTagBudget
	// MaxDescription is CreateBlueprint's limit on Description.
	MaxDescription = 60
	// DefaultBundleID is the bundle the official Terraform provider's
	// Lighthouse examples use (2 vCPU, 2 GB, 50 GB).
	DefaultBundleID = "bundle2022_gen_01"
	// DefaultProvenancePath is where hardened-cis writes the provenance input.
	DefaultProvenancePath = "/var/lib/hardened/provenance.json"
)

// Config of the hardened-lighthouse builder.
type Config struct {
	common.PackerConfig  `mapstructure:",squash"`
	hcommon.AccessConfig `mapstructure:",squash"`
	hcommon.GateConfig   `mapstructure:",squash"`
	Comm                 communicator.Config `mapstructure:",squash"`

	// Base blueprint id (`lhbp-…`). Exactly one of source_blueprint_id and
	// source_blueprint_filter is required; the data source
	// hardened-base-image with `product = "lighthouse"` feeds source_blueprint_id.
	SourceBlueprintID string `mapstructure:"source_blueprint_id"`
	// Pick the newest system blueprint (PURE_OS) of an OS release that passes
	// the lifecycle gate. Lighthouse blueprints are x86_64 only.
	SourceBlueprintFilter *hcommon.ImageFilter `mapstructure:"source_blueprint_filter"`

	// Name of the custom blueprint to create (≤ 60 characters). Required.
	BlueprintName string `mapstructure:"blueprint_name" required:"true"`
	// Description of the blueprint (≤ 60 characters, the API's limit).
	// Default: `hardened <profile> from <base blueprint id>`. The provenance
	// itself is in the tags; the description is for people.
	BlueprintDescription string `mapstructure:"blueprint_description"`
	// Extra tags on the blueprint, at most 3: CreateBlueprint takes 10 tags
	// and the signed provenance needs up to 7.
	BlueprintTags map[string]string `mapstructure:"blueprint_tags"`
	// Ed25519 private key (PKCS#8 PEM or OpenSSH) that signs the provenance.
	// Without it the provenance is stamped unsigned, and the build says so.
	SigningKeyFile string `mapstructure:"signing_key_file"`

	// Availability zone, e.g. `ap-guangzhou-3`. Default: one Lighthouse picks.
	Zone string `mapstructure:"zone"`
	// Bundle (套餐) of the build instance (default `bundle2022_gen_01`).
	BundleID string `mapstructure:"bundle_id"`
	// Name of the build instance (default `packer-hardened-<build uuid>`).
	InstanceName string `mapstructure:"instance_name"`
	// Source of SSH in the build instance's firewall: the instance's rules are
	// replaced by one rule, TCP 22 from this CIDR. Default: this machine's
	// address as seen on the route to the API endpoint (/32). Never 0.0.0.0/0
	// unless you write it here.
	SSHCIDR string `mapstructure:"ssh_cidr"`
	// Connect to `public_ip` (default) or `private_ip`.
	SSHInterface string `mapstructure:"ssh_interface"`
	// Tags on the build instance and the temporary key pair.
	RunTags map[string]string `mapstructure:"run_tags"`
	// Path on the machine where the provisioner leaves the provenance input
	// (default `/var/lib/hardened/provenance.json`). Empty result: unhardened.
	ProvenancePath string `mapstructure:"provenance_path"`
	// Fail when no provenance input was found after provisioning (default true):
	// a blueprint named hardened must have been hardened.
	RequireProvenance *bool `mapstructure:"require_provenance"`
	// How long to wait for the instance to run and the blueprint to be NORMAL (default 30m).
	StateTimeout time.Duration `mapstructure:"state_timeout"`

	ctx interpolate.Context
}

var (
	blueprintIDRe   = regexp.MustCompile(`^lhbp-[a-z0-9]{8}$`)
	blueprintNameRe = regexp.MustCompile(`^[\p{L}\p{N}._\-() ]{1,60}$`)
	bundleIDRe      = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)
)

// Prepare decodes raws into c and validates it. Warnings come back separately.
func (c *Config) Prepare(raws ...interface{}) ([]string, error) {
	if err := hcommon.DecodeBuilderConfig(c, BuilderID, &c.ctx, raws...); err != nil {
		return nil, err
	}
	var p hcommon.Problems
	add, check := p.Add, p.Check
	add(c.AccessConfig.Prepare()...)
	add(c.GateConfig.Prepare()...)

	switch {
	case c.SourceBlueprintID == "" && c.SourceBlueprintFilter == nil:
		add(errors.New("source_blueprint_id or source_blueprint_filter is required: e.g. source_blueprint_id = data.hardened-base-image.debian.image_id (with product = \"lighthouse\")"))
	case c.SourceBlueprintID != "" && c.SourceBlueprintFilter != nil:
		add(errors.New("source_blueprint_id and source_blueprint_filter are mutually exclusive: keep one"))
	case c.SourceBlueprintFilter != nil:
		add(c.SourceBlueprintFilter.Prepare("source_blueprint_filter.")...)
		if c.SourceBlueprintFilter.Architecture != "x86_64" {
			add(errors.New("source_blueprint_filter.architecture: Lighthouse blueprints are x86_64 only; remove architecture or set \"x86_64\""))
		}
	case !blueprintIDRe.MatchString(c.SourceBlueprintID):
		add(fmt.Errorf("source_blueprint_id %q is not a blueprint id (lhbp- and 8 letters or digits, e.g. lhbp-a1b2c3d4)", c.SourceBlueprintID))
	}
	if c.BlueprintName == "" {
		add(errors.New("blueprint_name is required, e.g. blueprint_name = \"debian13-cis-{{timestamp}}\""))
	} else if !blueprintNameRe.MatchString(c.BlueprintName) {
		add(fmt.Errorf("blueprint_name %q must be 1–60 letters, digits, spaces or ._-() characters", c.BlueprintName))
	}
	if n := len([]rune(c.BlueprintDescription)); n > MaxDescription {
		add(fmt.Errorf("blueprint_description is %d characters; CreateBlueprint takes at most %d (the provenance is in the tags, so keep it short)", n, MaxDescription))
	}
	if n := len(c.BlueprintTags); n > MaxUserBlueprintTags {
		add(fmt.Errorf("blueprint_tags has %d tags; a blueprint takes %d and the signed provenance needs %d of them, so keep at most %d",
			n, MaxBlueprintTags, ProvenanceTagBudget, MaxUserBlueprintTags))
	}
	add(hcommon.CheckUserTags("blueprint_tags", c.BlueprintTags)...)
	add(hcommon.CheckUserTags("run_tags", c.RunTags)...)
	if c.Zone != "" && c.Region != "" && !strings.HasPrefix(c.Zone, c.Region+"-") {
		add(fmt.Errorf("zone %q is not in region %q: use a zone like %s-3, or leave zone empty", c.Zone, c.Region, c.Region))
	}
	if c.BundleID == "" {
		c.BundleID = DefaultBundleID
	} else if !bundleIDRe.MatchString(c.BundleID) {
		add(fmt.Errorf("bundle_id %q is not a bundle id (e.g. %q; DescribeBundles lists them)", c.BundleID, DefaultBundleID))
	}
	check(hcommon.CheckSSHCIDR(c.SSHCIDR))
	switch c.SSHInterface {
	case "":
		c.SSHInterface = "public_ip"
	case "public_ip", "private_ip":
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
	} else if c.StateTimeout < 0 {
		add(fmt.Errorf("state_timeout %s must be positive, e.g. \"30m\"", c.StateTimeout))
	}
	check(hcommon.CheckSigningKey(c.SigningKeyFile))
	check(hcommon.PrepareSSH(&c.Comm, &c.ctx, "hardened-lighthouse"))

	return p.Result()
}
