package cvm

import (
	"context"
	"fmt"

	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// stepSourceImage resolves the base image and applies the lifecycle gate
// before anything is created.
type stepSourceImage struct {
	ImageID string
	Filter  *hcommon.ImageFilter
	Policy  hcommon.LifecyclePolicy
}

func (s *stepSourceImage) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	cl := client(state)
	u := ui(state)
	var c hcommon.Candidate
	if s.Filter != nil {
		u.Say(fmt.Sprintf("Selecting the newest official %s %s image that passes the lifecycle gate...",
			lifecycle.DisplayName(s.Filter.OSFamily, s.Filter.OSVersion), s.Filter.Architecture))
		var err error
		if c, err = hcommon.SelectBaseImage(ctx, cl, *s.Filter, s.Policy); err != nil {
			return halt(state, fmt.Errorf("source_image_filter: %w", err))
		}
	} else {
		u.Say(fmt.Sprintf("Checking source image %s against the lifecycle gate...", s.ImageID))
		img, err := cl.GetImage(ctx, s.ImageID)
		if err != nil {
			return halt(state, fmt.Errorf("source_image_id %s in %s: %w", s.ImageID, cl.Region(), err))
		}
		if img.State != "NORMAL" {
			return halt(state, fmt.Errorf("source_image_id %s is in state %s, not NORMAL", img.ID, img.State))
		}
		if c, err = s.Policy.Gate(img); err != nil {
			return halt(state, err)
		}
	}
	// Also build.SourceImageID, build.SourceImageOsName, build.SourceImageEOL for provisioners.
	hcommon.AcceptBase(state, c, stateSource, "SourceImage")
	return multistep.ActionContinue
}

func (s *stepSourceImage) Cleanup(multistep.StateBag) {}
