package cvm

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/packer-plugin-sdk/communicator"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	"github.com/hashicorp/packer-plugin-sdk/multistep/commonsteps"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// Builder implements packersdk.Builder.
type Builder struct {
	config Config
	runner multistep.Runner
	// now is the clock stamped into provenance; nil means time.Now.
	now func() time.Time
}

func (b *Builder) ConfigSpec() hcldec.ObjectSpec { return b.config.FlatMapstructure().HCL2Spec() }

// Prepare validates the template; it makes no API call.
func (b *Builder) Prepare(raws ...interface{}) ([]string, []string, error) {
	warns, err := b.config.Prepare(raws...)
	if err != nil {
		return nil, warns, err
	}
	generated := []string{"SourceImageID", "SourceImageOsName", "SourceImageEOL"}
	return generated, warns, nil
}

// Run builds the image.
func (b *Builder) Run(ctx context.Context, u packersdk.Ui, hook packersdk.Hook) (packersdk.Artifact, error) {
	c := &b.config
	bld, err := hcommon.StartBuild(ctx, "hardened-cvm", &c.AccessConfig, &c.GateConfig, c.SigningKeyFile, c.InstanceName, c.RunTags, u, hook, c)
	if err != nil {
		return nil, err
	}
	cl, pol, key, now, short, name, tags, state := bld.Client, bld.Policy, bld.Key, hcommon.Clock(b.now), bld.Short, bld.Name, bld.Tags, bld.State
	state.Put(stateBuildName, c.PackerBuildName)

	steps := []multistep.Step{
		&stepSourceImage{ImageID: c.SourceImageID, Filter: c.SourceImageFilter, Policy: pol},
		newStepKeyPair(&c.Comm, "pkr_hardened_"+short, tags),
		&stepNetwork{VpcID: c.VpcID, SubnetID: c.SubnetID, VpcCIDR: c.VpcCIDR, SubnetCIDR: c.SubnetCIDR,
			Zone: c.Zone, Name: name, Tags: tags},
		&stepSecurityGroup{GroupID: c.SecurityGroupID, SSHCIDR: c.SSHCIDR, Endpoint: c.CVMEndpoint, Name: name, Tags: tags},
		&stepRunInstance{Config: c, Name: name, Tags: tags},
		&communicator.StepConnect{Config: &c.Comm, Host: sshHost(c.SSHInterface), SSHConfig: c.Comm.SSHConfigFunc()},
		&commonsteps.StepProvision{},
		&hcommon.StepReadProvenance{Path: c.ProvenancePath, Required: *c.RequireProvenance},
		&stepStopInstance{Timeout: c.StateTimeout},
		&stepCreateImage{Config: c, SigningKey: key, Now: now},
		&stepCopyImage{Regions: c.ImageCopyRegions, Timeout: c.StateTimeout},
		&stepShareImage{Accounts: c.ShareAccounts},
		&stepDeprecatePrevious{Family: deprecateFamily(c)},
	}
	b.runner = commonsteps.NewRunner(steps, c.PackerConfig, u)
	b.runner.Run(ctx, state)

	if err := hcommon.Outcome(state); err != nil {
		return nil, err
	}
	id, ok := state.GetOk(stateImageID)
	if !ok {
		return nil, errors.New("build finished without an image")
	}
	src := state.Get(stateSource).(hcommon.Candidate)
	a := &Artifact{
		ImageID: id.(string), Region: cl.Region(), SourceImageID: src.Image.ID, SourceOsName: src.Image.OsName,
		client: cl, StateData: map[string]interface{}{"generated_data": state.Get("generated_data")},
	}
	if p, ok := state.GetOk(stateProvenance); ok {
		s := p.(provenance.Signed)
		a.Provenance = &s
	}
	if cp, ok := state.GetOk(stateCopies); ok {
		a.Copies = cp.(map[string][]string)
	}
	if d, ok := state.GetOk(stateDeprecated); ok {
		a.Superseded = d.(map[string][]string)
		a.StateData["superseded"] = a.Superseded
	}
	if sh, ok := state.GetOk(stateShares); ok {
		a.SharedAccounts = sh.([]string)
		a.StateData["shared_accounts"] = a.SharedAccounts
	}
	return a, nil
}

// deprecateFamily is the family whose earlier images the build supersedes; empty unless deprecate_previous.
func deprecateFamily(c *Config) string {
	if !c.DeprecatePrevious {
		return ""
	}
	return c.ImageFamily
}
