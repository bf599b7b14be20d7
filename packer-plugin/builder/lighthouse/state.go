package lighthouse

import (
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// State bag keys.
const (
	stateConfig      = "config"
	stateHook        = "hook"
	stateUI          = "ui"
	stateClient      = "client"
	stateSource      = "source_blueprint" // common.Candidate
	stateKeyID       = hcommon.StateKeyPairID
	stateInstance    = "instance" // tencent.LighthouseInstance
	stateProvInput   = hcommon.StateProvenanceInput
	stateBlueprintID = "blueprint_id"
	stateProvenance  = "provenance" // provenance.Signed
)

// The step helpers are the ones hardened-cvm uses (hcommon), so both builders
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
