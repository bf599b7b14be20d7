package cvm

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

// stepCopyImage copies the image to other regions.
type stepCopyImage struct {
	Regions []string
	Timeout time.Duration

	copies map[string][]string
}

func (s *stepCopyImage) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	if len(s.Regions) == 0 {
		return multistep.ActionContinue
	}
	cl := client(state)
	id := state.Get(stateImageID).(string)
	ui(state).Say(fmt.Sprintf("Copying image %s to %s...", id, strings.Join(s.Regions, ", ")))
	copies, err := cl.SyncImages(ctx, []string{id}, s.Regions)
	s.copies = copies
	if err != nil {
		return halt(state, fmt.Errorf("copy image %s to %v: %w", id, s.Regions, err))
	}
	for region, ids := range copies {
		rc, err := cl.ForRegion(region)
		if err != nil {
			return halt(state, err)
		}
		for _, cid := range ids {
			ui(state).Say(fmt.Sprintf("Waiting for copy %s in %s...", cid, region))
			if _, err := rc.WaitImageNormal(ctx, cid, s.Timeout); err != nil {
				return halt(state, fmt.Errorf("image copy %s in %s: %w", cid, region, err))
			}
		}
	}
	state.Put(stateCopies, copies)
	return multistep.ActionContinue
}

func (s *stepCopyImage) Cleanup(state multistep.StateBag) {
	if len(s.copies) == 0 || !failed(state) {
		return
	}
	ctx, cancel := cleanupContext()
	defer cancel()
	for region, ids := range s.copies {
		rc, err := client(state).ForRegion(region)
		if err == nil {
			err = rc.DeleteImages(ctx, ids...)
		}
		if err != nil {
			ui(state).Error(fmt.Sprintf("Error deleting image copies %v in %s: %v", ids, region, err))
		}
	}
}
