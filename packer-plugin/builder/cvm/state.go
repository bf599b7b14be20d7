package cvm

import (
	"context"
	"fmt"
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

// deleteCreated is the Cleanup of a step that created one temporary resource (what, e.g.
// "temporary key pair"): on a fresh context (the build's may be cancelled) it deletes *id,
// says so, and clears *id once it is gone. A failure names the id so it can be deleted by
// hand and leaves *id set. Nothing happens when *id is empty.
func deleteCreated(state multistep.StateBag, what string, id *string, del func(*tencent.Client, context.Context, string) error) {
	if *id == "" {
		return
	}
	ctx, cancel := cleanupContext()
	defer cancel()
	ui(state).Say(fmt.Sprintf("Deleting %s %s...", what, *id))
	if err := del(client(state), ctx, *id); err != nil {
		ui(state).Error(fmt.Sprintf("Error deleting %s %s: %v (delete it by hand)", what, *id, err))
		return
	}
	*id = ""
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
