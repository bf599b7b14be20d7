package lighthouse

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"maps"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// stepCreateBlueprint signs the provenance and captures the blueprint. A
// blueprint takes at most 10 tags, too few for the per-field provenance
// tags of a CVM image, so it carries the packed form (provenance.PackedTags:
// the same signed record, deflated, over hardened:packed-N) beside
// blueprint_tags; the open CVE list is trimmed to fit when it must be.
type stepCreateBlueprint struct {
	Config     *Config
	SigningKey ed25519.PrivateKey
	Now        func() time.Time

	blueprintID string
}

func (s *stepCreateBlueprint) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	c := s.Config
	cl := client(state)
	inst := state.Get(stateInstance).(tencent.LighthouseInstance)
	src := state.Get(stateSource).(hcommon.Candidate)
	tags := maps.Clone(c.BlueprintTags)
	if tags == nil {
		tags = map[string]string{}
	}
	desc := c.BlueprintDescription
	if v, ok := state.GetOk(stateProvInput); ok {
		in := v.(hcommon.ProvenanceInput)
		rec := hcommon.ProvenanceRecord(in, src, s.Now())
		budget := MaxBlueprintTags - len(tags)
		dropped, err := provenance.FitPacked(&rec, budget, s.SigningKey != nil)
		if err != nil {
			return halt(state, fmt.Errorf("provenance: %w", err))
		}
		if dropped > 0 {
			ui(state).Error(fmt.Sprintf("The blueprint's %d tags hold only the %d oldest open CVEs; %d more are counted but not listed",
				budget, len(rec.Vulns.Open), dropped))
		}
		signed, err := hcommon.SignProvenance(state, rec, s.SigningKey)
		if err != nil {
			return halt(state, err)
		}
		packed, err := signed.PackedTags(budget)
		if err != nil {
			return halt(state, fmt.Errorf("provenance: %w", err))
		}
		maps.Copy(tags, packed)
		state.Put(stateProvenance, signed)
		if desc == "" {
			desc = fmt.Sprintf("hardened %s from %s", in.Profile, src.Image.ID)
		}
	}
	if desc == "" {
		desc = "packer build from " + src.Image.ID
	}
	ui(state).Say(fmt.Sprintf("Creating blueprint %s from %s...", c.BlueprintName, inst.ID))
	id, err := cl.CreateBlueprint(ctx, tencent.CreateBlueprintInput{
		InstanceID: inst.ID, Name: c.BlueprintName, Description: truncateRunes(desc, MaxDescription), ForcePowerOff: true, Tags: tags,
	})
	if err != nil {
		return halt(state, err)
	}
	s.blueprintID = id
	ui(state).Say(fmt.Sprintf("Waiting for blueprint %s to be NORMAL...", id))
	if _, err := cl.WaitBlueprintState(ctx, id, "NORMAL", c.StateTimeout); err != nil {
		return halt(state, err)
	}
	state.Put(stateBlueprintID, id)
	ui(state).Say(fmt.Sprintf("Blueprint %s is ready", id))
	return multistep.ActionContinue
}

// Cleanup deletes the blueprint only when the build did not succeed, also
// one still CREATING after Ctrl-C (it waits for the capture to end, since
// a blueprint being created cannot be deleted): a half made blueprint of a
// cancelled build must not look like a result.
func (s *stepCreateBlueprint) Cleanup(state multistep.StateBag) {
	if s.blueprintID == "" || !failed(state) {
		return
	}
	ctx, cancel := cleanupContext()
	defer cancel()
	cl := client(state)
	ui(state).Say(fmt.Sprintf("Deleting blueprint %s of the failed build...", s.blueprintID))
	if bp, err := cl.GetBlueprint(ctx, s.blueprintID); err == nil && bp.State == "CREATING" {
		if _, err := cl.WaitBlueprintState(ctx, s.blueprintID, "NORMAL", s.Config.StateTimeout); err != nil {
			ui(state).Say(fmt.Sprintf("Blueprint %s did not finish (%v); deleting it anyway", s.blueprintID, err))
		}
	}
	if err := cl.DeleteBlueprints(ctx, s.blueprintID); err != nil {
		ui(state).Error(fmt.Sprintf("Error deleting blueprint %s: %v (delete it by hand)", s.blueprintID, err))
		return
	}
	if _, err := cl.WaitBlueprintState(ctx, s.blueprintID, tencent.StateTerminated, s.Config.StateTimeout); err != nil {
		ui(state).Error(fmt.Sprintf("Error waiting for blueprint %s to be deleted: %v", s.blueprintID, err))
	}
}

// truncateRunes cuts s to n characters (not bytes: the API counts characters).
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
