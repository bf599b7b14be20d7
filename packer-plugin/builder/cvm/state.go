package cvm

import (
	"context"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// State bag keys.
const (
	stateConfig     = "config"
	stateHook       = "hook"
	stateUI         = "ui"
	stateClient     = "client"
	stateSource     = "source_image" // common.Candidate
	stateKeyID      = "key_pair_id"
	stateVpcID      = "vpc_id"
	stateSubnetID   = "subnet_id"
	stateSGID       = "security_group_id"
	stateInstance   = "instance" // tencent.Instance
	stateProvInput  = "provenance_input"
	stateImageID    = "image_id"
	stateProvenance = "provenance" // provenance.Signed
	stateCopies     = "image_copies"
	stateShares     = "image_shares"     // []string accounts
	stateDeprecated = "image_deprecated" // region → ids superseded by this build
	stateBuildName  = "build_name"
)

// cleanupTimeout bounds one Cleanup: it must finish even after Ctrl-C
// cancelled the build's context.
const cleanupTimeout = 15 * time.Minute

func cleanupContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), cleanupTimeout)
}

func ui(state multistep.StateBag) packersdk.Ui { return state.Get(stateUI).(packersdk.Ui) }

func client(state multistep.StateBag) *tencent.Client {
	return state.Get(stateClient).(*tencent.Client)
}

// halt records err for the build and says it.
func halt(state multistep.StateBag, err error) multistep.StepAction {
	state.Put("error", err)
	ui(state).Error(err.Error())
	return multistep.ActionHalt
}

// failed says whether the build is ending badly (error or Ctrl-C).
func failed(state multistep.StateBag) bool {
	_, cancelled := state.GetOk(multistep.StateCancelled)
	_, halted := state.GetOk(multistep.StateHalted)
	return cancelled || halted
}
