package cvm

import (
	"context"

	"github.com/hashicorp/packer-plugin-sdk/communicator"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// newStepKeyPair is the temporary key pair step with CVM key pairs (skey-…):
// the private key is generated here and never leaves this machine; only
// the public half is imported.
func newStepKeyPair(comm *communicator.Config, name string, tags map[string]string) *hcommon.StepTemporaryKeyPair {
	return &hcommon.StepTemporaryKeyPair{
		Comm: comm, Name: name, Tags: tags,
		Import: func(ctx context.Context, state multistep.StateBag, name, pub string, tags map[string]string) (string, error) {
			return client(state).ImportKeyPair(ctx, name, pub, tags)
		},
		Delete: func(ctx context.Context, state multistep.StateBag, id string) error {
			return client(state).DeleteKeyPair(ctx, id)
		},
	}
}
