package cvm

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// stepStopInstance stops the instance so the image is consistent.
type stepStopInstance struct{ Timeout time.Duration }

func (s *stepStopInstance) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	inst := state.Get(stateInstance).(tencent.Instance)
	cl := client(state)
	ui(state).Say(fmt.Sprintf("Stopping instance %s...", inst.ID))
	if err := cl.StopInstances(ctx, "SOFT_FIRST", inst.ID); err != nil {
		return halt(state, fmt.Errorf("stop instance %s: %w", inst.ID, err))
	}
	if _, err := cl.WaitInstanceState(ctx, inst.ID, "STOPPED", s.Timeout); err != nil {
		return halt(state, fmt.Errorf("instance %s: %w", inst.ID, err))
	}
	return multistep.ActionContinue
}

func (s *stepStopInstance) Cleanup(multistep.StateBag) {}
