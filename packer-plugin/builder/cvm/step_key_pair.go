package cvm

import (
	"context"
	"fmt"

	"github.com/hashicorp/packer-plugin-sdk/communicator"
	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// stepKeyPair creates a temporary key pair: the private key is generated
// here and never leaves this machine; only the public half is imported.
type stepKeyPair struct {
	Comm *communicator.Config
	Name string
	Tags map[string]string

	keyID string
}

func (s *stepKeyPair) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	if hcommon.UsesOwnSSHCredentials(s.Comm) {
		ui(state).Say("Using the SSH credentials from the communicator settings; no temporary key pair")
		return multistep.ActionContinue
	}
	pub, err := hcommon.TemporarySSHKey(s.Comm, s.Name)
	if err != nil {
		return halt(state, err)
	}
	ui(state).Say(fmt.Sprintf("Creating temporary key pair %s...", s.Name))
	id, err := client(state).ImportKeyPair(ctx, s.Name, pub, s.Tags)
	if err != nil {
		return halt(state, fmt.Errorf("import temporary key pair %s: %w", s.Name, err))
	}
	s.keyID = id
	state.Put(stateKeyID, id)
	return multistep.ActionContinue
}

func (s *stepKeyPair) Cleanup(state multistep.StateBag) {
	deleteCreated(state, "temporary key pair", &s.keyID, (*tencent.Client).DeleteKeyPair)
}
