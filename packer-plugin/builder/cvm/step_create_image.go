package cvm

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"maps"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
	"github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/version"
)

// stepCreateImage signs the provenance and captures the image.
type stepCreateImage struct {
	Config     *Config
	SigningKey ed25519.PrivateKey
	Now        func() time.Time

	imageID string
}

func (s *stepCreateImage) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	c := s.Config
	cl := client(state)
	inst := state.Get(stateInstance).(tencent.Instance)
	src := state.Get(stateSource).(hcommon.Candidate)
	tags := maps.Clone(c.ImageTags)
	if tags == nil {
		tags = map[string]string{}
	}
	if v, ok := state.GetOk(stateProvInput); ok {
		in := v.(hcommon.ProvenanceInput)
		rec := hcommon.ProvenanceRecord(in, src, s.Now())
		signed, err := hcommon.SignProvenance(state, rec, s.SigningKey)
		if err != nil {
			return halt(state, err)
		}
		maps.Copy(tags, signed.Tags())
		state.Put(stateProvenance, signed)
	}
	desc := c.ImageDescription
	if desc == "" {
		desc = fmt.Sprintf("Hardened from %s (%s) by %s", src.Image.ID, src.Image.OsName, version.String())
	}
	ui(state).Say(fmt.Sprintf("Creating image %s from %s...", c.ImageName, inst.ID))
	id, err := cl.CreateImage(ctx, tencent.CreateImageInput{
		InstanceID: inst.ID, Name: c.ImageName, Description: truncate(desc, 280), Family: c.ImageFamily, Tags: tags,
	})
	if err != nil {
		return halt(state, fmt.Errorf("create image %s: %w", c.ImageName, err))
	}
	s.imageID = id
	ui(state).Say(fmt.Sprintf("Waiting for image %s to be NORMAL...", id))
	if _, err := cl.WaitImageNormal(ctx, id, c.StateTimeout); err != nil {
		return halt(state, fmt.Errorf("image %s: %w", id, err))
	}
	state.Put(stateImageID, id)
	ui(state).Say(fmt.Sprintf("Image %s is ready", id))
	return multistep.ActionContinue
}

// Cleanup deletes the image only when the build did not succeed: a half
// made image of a cancelled build must not look like a result.
func (s *stepCreateImage) Cleanup(state multistep.StateBag) {
	if s.imageID == "" || !failed(state) {
		return
	}
	ctx, cancel := cleanupContext()
	defer cancel()
	ui(state).Say(fmt.Sprintf("Deleting image %s of the failed build...", s.imageID))
	if err := client(state).DeleteImages(ctx, s.imageID); err != nil {
		ui(state).Error(fmt.Sprintf("Error deleting image %s: %v (delete it by hand)", s.imageID, err))
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
