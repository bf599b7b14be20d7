package cvm

import (
	"bytes"
	"context"
	"fmt"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// stepReadProvenance downloads the provenance input hardened-cis left on the
// machine (the JSON audit report).
type stepReadProvenance struct {
	Path     string
	Required bool
}

func (s *stepReadProvenance) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	comm, ok := state.Get("communicator").(packersdk.Communicator)
	if !ok || comm == nil {
		return halt(state, fmt.Errorf("no communicator to read %s", s.Path))
	}
	var buf bytes.Buffer
	err := comm.Download(s.Path, &buf)
	if err != nil || buf.Len() == 0 {
		if s.Required {
			return halt(state, fmt.Errorf("no provenance input at %s on the instance (%v): add the hardened-cis provisioner, or set require_provenance = false to build an unhardened image", s.Path, err))
		}
		ui(state).Say(fmt.Sprintf("No provenance input at %s: the image gets no hardened provenance tags", s.Path))
		return multistep.ActionContinue
	}
	in, err := hcommon.ParseProvenanceInput(buf.Bytes())
	if err != nil {
		return halt(state, fmt.Errorf("provenance input %s: %w", s.Path, err))
	}
	state.Put(stateProvInput, in)
	return multistep.ActionContinue
}

func (s *stepReadProvenance) Cleanup(multistep.StateBag) {}
