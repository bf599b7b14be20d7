package cvm

import (
	"github.com/hashicorp/packer-plugin-sdk/communicator"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// newStepKeyPair is the temporary key pair step with CVM key pairs (skey-…):
// the private key is generated here and never leaves this machine; only
// the public half is imported.
func newStepKeyPair(comm *communicator.Config, name string, tags map[string]string) *hcommon.StepTemporaryKeyPair {
	return &hcommon.StepTemporaryKeyPair{Comm: comm, Name: name, Tags: tags,
		Import: (*tencent.Client).ImportKeyPair, Delete: (*tencent.Client).DeleteKeyPair}
}
