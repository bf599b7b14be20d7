package lighthouse

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
	return []string{"SourceBlueprintID", "SourceBlueprintOsName", "SourceBlueprintEOL"}, warns, nil
}

// Run builds the blueprint.
func (b *Builder) Run(ctx context.Context, u packersdk.Ui, hook packersdk.Hook) (packersdk.Artifact, error) {
	c := &b.config
	bld, err := hcommon.StartBuild(ctx, "hardened-lighthouse", &c.AccessConfig, &c.GateConfig, c.SigningKeyFile, c.InstanceName, c.RunTags, u, hook, c)
	if err != nil {
		return nil, err
	}
	cl, pol, key, now, short, name, tags, state := bld.Client, bld.Policy, bld.Key, hcommon.Clock(b.now), bld.Short, bld.Name, bld.Tags, bld.State

	steps := []multistep.Step{
		&stepSourceBlueprint{BlueprintID: c.SourceBlueprintID, Filter: c.SourceBlueprintFilter, Policy: pol},
		newStepKeyPair(&c.Comm, "pkr_hardened_"+short, tags),
		&stepInstance{Config: c, Name: name, Tags: tags},
		&stepFirewall{SSHCIDR: c.SSHCIDR, Endpoint: c.LighthouseEndpoint},
		&communicator.StepConnect{Config: &c.Comm, Host: sshHost(c.SSHInterface), SSHConfig: c.Comm.SSHConfigFunc()},
		&commonsteps.StepProvision{},
		&hcommon.StepReadProvenance{Path: c.ProvenancePath, Required: *c.RequireProvenance},
		&stepCreateBlueprint{Config: c, SigningKey: key, Now: now},
	}
	b.runner = commonsteps.NewRunner(steps, c.PackerConfig, u)
	b.runner.Run(ctx, state)

	if err := hcommon.Outcome(state); err != nil {
		return nil, err
	}
	id, ok := state.GetOk(stateBlueprintID)
	if !ok {
		return nil, errors.New("build finished without a blueprint")
	}
	src := state.Get(stateSource).(hcommon.Candidate)
	a := &Artifact{
		BlueprintID: id.(string), Region: cl.Region(), SourceBlueprintID: src.Image.ID, SourceOsName: src.Image.OsName,
		client: cl, StateData: map[string]interface{}{"generated_data": state.Get("generated_data")},
	}
	if p, ok := state.GetOk(stateProvenance); ok {
		s := p.(provenance.Signed)
		a.Provenance = &s
	}
	return a, nil
}
