//go:generate packer-sdc mapstructure-to-hcl2 -type Config,DatasourceOutput

// Package baseimage is the hardened-base-image data source: the newest
// official Tencent Cloud image of an OS release that passes the lifecycle
// gate, or with product = "lighthouse" the newest Lighthouse system
// blueprint. One data source for both products, because the question
// (which supported base of this OS release is newest?) and every output
// are the same; only the id's kind differs (img-… or lhbp-…).
package baseimage

import (
	"context"
	"fmt"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/packer-plugin-sdk/hcl2helper"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/template/config"
	"github.com/zclconf/go-cty/cty"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// Config of the data source.
type Config struct {
	// What to pick: `cvm` (default), an official CVM image for
	// hardened-cvm's source_image_id, or `lighthouse`, a Lighthouse system
	// blueprint (PURE_OS; application blueprints are left out) for
	// hardened-lighthouse's source_blueprint_id.
	Product             string `mapstructure:"product"`
	common.AccessConfig `mapstructure:",squash"`
	common.ImageFilter  `mapstructure:",squash"`
	common.GateConfig   `mapstructure:",squash"`
}

// DatasourceOutput is what templates read as data.hardened-base-image.<name>.*.
type DatasourceOutput struct {
	// Id of the selected image, e.g. `img-…` (with product = "lighthouse" the blueprint id, `lhbp-…`).
	ImageID string `mapstructure:"image_id"`
	// Image name.
	ImageName string `mapstructure:"image_name"`
	// Tencent OsName, e.g. `Debian 13.1 64位`.
	OsName string `mapstructure:"os_name"`
	// Canonical release, e.g. `debian 13`.
	Release string `mapstructure:"release"`
	// Lifecycle phase today: `supported`, `approaching_eol` or (with allow_extended_support) `extended`.
	Phase string `mapstructure:"phase"`
	// End of standard support, YYYY-MM-DD ("" when unknown).
	EOLDate string `mapstructure:"eol_date"`
	// Days until eol_date (-1 when unknown).
	DaysLeft int `mapstructure:"days_left"`
	// Successor release, e.g. `debian 14`, or "".
	Successor string `mapstructure:"successor"`
	// `x86_64` or `arm`.
	Architecture string `mapstructure:"architecture"`
}

// Products the data source picks from (product).
const (
	ProductCVM        = "cvm"
	ProductLighthouse = "lighthouse"
)

// Datasource implements packersdk.Datasource.
type Datasource struct {
	config Config
	// clientHook lets tests inject a logger; nil uses the default.
	log hclog.Logger
}

func (d *Datasource) ConfigSpec() hcldec.ObjectSpec { return d.config.FlatMapstructure().HCL2Spec() }

func (d *Datasource) OutputSpec() hcldec.ObjectSpec {
	return (&DatasourceOutput{}).FlatMapstructure().HCL2Spec()
}

// Configure decodes and validates the configuration.
func (d *Datasource) Configure(raws ...interface{}) error {
	if err := config.Decode(&d.config, nil, raws...); err != nil {
		return err
	}
	var errs *packersdk.MultiError
	errs = packersdk.MultiErrorAppend(errs, d.config.AccessConfig.Prepare()...)
	errs = packersdk.MultiErrorAppend(errs, d.config.ImageFilter.Prepare("")...)
	errs = packersdk.MultiErrorAppend(errs, d.config.GateConfig.Prepare()...)
	switch d.config.Product {
	case "":
		d.config.Product = ProductCVM
	case ProductCVM:
	case ProductLighthouse:
		if d.config.Architecture != "x86_64" {
			errs = packersdk.MultiErrorAppend(errs, fmt.Errorf("architecture %q: Lighthouse blueprints are x86_64 only; remove architecture or set \"x86_64\"", d.config.Architecture))
		}
	default:
		errs = packersdk.MultiErrorAppend(errs, fmt.Errorf("product %q is not valid: use \"cvm\" (default) or \"lighthouse\"", d.config.Product))
	}
	if errs != nil && len(errs.Errors) > 0 {
		return errs
	}
	return nil
}

// Execute selects the image.
func (d *Datasource) Execute() (cty.Value, error) {
	out, err := d.run(context.Background())
	if err != nil {
		return cty.NullVal(cty.EmptyObject), err
	}
	return hcl2helper.HCL2ValueFromConfig(out, d.OutputSpec()), nil
}

func (d *Datasource) run(ctx context.Context) (DatasourceOutput, error) {
	log := d.log
	if log == nil {
		log = hclog.New(&hclog.LoggerOptions{Name: "hardened-base-image", Level: hclog.LevelFromString("INFO")})
	}
	cl, err := d.config.Client(ctx, log)
	if err != nil {
		return DatasourceOutput{}, err
	}
	pol, err := d.config.Policy()
	if err != nil {
		return DatasourceOutput{}, err
	}
	selectBase := common.SelectBaseImage
	if d.config.Product == ProductLighthouse {
		selectBase = common.SelectBaseBlueprint
	}
	c, err := selectBase(ctx, cl, d.config.ImageFilter, pol)
	if err != nil {
		return DatasourceOutput{}, fmt.Errorf("hardened-base-image: %w", err)
	}
	return Output(c, pol), nil
}

// Output renders a selected candidate.
func Output(c common.Candidate, pol common.LifecyclePolicy) DatasourceOutput {
	out := DatasourceOutput{
		ImageID: c.Image.ID, ImageName: c.Image.Name, OsName: c.Image.OsName,
		Release: c.OS.Family + " " + c.OS.Version, Phase: string(c.Status.Phase),
		EOLDate: lifecycle.FormatDate(c.EOLDate()), DaysLeft: -1, Successor: c.Status.Successor,
		Architecture: c.Image.Architecture,
	}
	if n := common.DaysLeft(pol.Today, c.EOLDate()); n != nil {
		out.DaysLeft = *n
	}
	return out
}
