package cvm

import (
	"context"

	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// State bag keys.
const (
	stateConfig     = "config"
	stateHook       = "hook"
	stateUI         = "ui"
	stateClient     = "client"
	stateSource     = "source_image" // common.Candidate
	stateKeyID      = hcommon.StateKeyPairID
	stateVpcID      = "vpc_id"
	stateSubnetID   = "subnet_id"
	stateSGID       = "security_group_id"
	stateInstance   = "instance" // tencent.Instance
	stateProvInput  = hcommon.StateProvenanceInput
	stateImageID    = "image_id"
	stateProvenance = "provenance" // provenance.Signed
	stateCopies     = "image_copies"
	stateShares     = "image_shares"     // []string accounts
	stateDeprecated = "image_deprecated" // region → ids superseded by this build
	stateBuildName  = "build_name"
)

// The helpers every step uses are the shared ones (hcommon), so both builders
// clean up and report failures the same way.
var (
	cleanupContext = hcommon.CleanupContext
	ui             = hcommon.UI
	halt           = hcommon.Halt
	failed         = hcommon.Failed
)

func client(state multistep.StateBag) *tencent.Client {
	return state.Get(stateClient).(*tencent.Client)
}

// deleteCreated is hcommon.DeleteCreated with a delete method of the client.
func deleteCreated(state multistep.StateBag, what string, id *string, del func(*tencent.Client, context.Context, string) error) {
	cl := client(state)
	hcommon.DeleteCreated(state, what, id, func(ctx context.Context, id string) error { return del(cl, ctx, id) })
}
