package lighthouse

import (
	"context"

	"github.com/hashicorp/packer-plugin-sdk/communicator"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// newStepKeyPair is the temporary key pair step with Lighthouse key pairs
// (lhkp-…, their own API, not CVM's): the private key is generated here and
// never leaves this machine. Lighthouse key names are letters, digits and _
// only, at most 25 characters.
func newStepKeyPair(comm *communicator.Config, name string, tags map[string]string) *hcommon.StepTemporaryKeyPair {
	return &hcommon.StepTemporaryKeyPair{Comm: comm, Name: name, Tags: tags,
		Import: (*tencent.Client).ImportLighthouseKeyPair,
		Delete: func(cl *tencent.Client, ctx context.Context, id string) error {
			return cl.DeleteLighthouseKeyPairs(ctx, id)
		}}
}
