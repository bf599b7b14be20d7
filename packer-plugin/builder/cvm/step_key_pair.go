package cvm

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"

	"github.com/hashicorp/packer-plugin-sdk/communicator"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	"golang.org/x/crypto/ssh"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
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
	if s.Comm.SSHPrivateKeyFile != "" || s.Comm.SSHPassword != "" || s.Comm.SSHAgentAuth {
		ui(state).Say("Using the SSH credentials from the communicator settings; no temporary key pair")
		return multistep.ActionContinue
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return halt(state, fmt.Errorf("generate temporary ssh key: %w", err))
	}
	block, err := ssh.MarshalPrivateKey(priv, "packer-hardened temporary key")
	if err != nil {
		return halt(state, fmt.Errorf("encode temporary ssh key: %w", err))
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		return halt(state, fmt.Errorf("encode temporary ssh key: %w", err))
	}
	ui(state).Say(fmt.Sprintf("Creating temporary key pair %s...", s.Name))
	id, err := client(state).ImportKeyPair(ctx, s.Name, string(ssh.MarshalAuthorizedKey(sp)), s.Tags)
	if err != nil {
		return halt(state, fmt.Errorf("import temporary key pair %s: %w", s.Name, err))
	}
	s.keyID = id
	state.Put(stateKeyID, id)
	s.Comm.SSHPrivateKey = pem.EncodeToMemory(block)
	s.Comm.SSHPublicKey = ssh.MarshalAuthorizedKey(sp)
	s.Comm.SSHTemporaryKeyPairName = s.Name
	return multistep.ActionContinue
}

func (s *stepKeyPair) Cleanup(state multistep.StateBag) {
	deleteCreated(state, "temporary key pair", &s.keyID, (*tencent.Client).DeleteKeyPair)
}
