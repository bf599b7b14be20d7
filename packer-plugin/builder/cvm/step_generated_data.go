package cvm

import (
	"context"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/multistep"

	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// stepGeneratedData exposes the base image to provisioners as
// build.SourceImageID etc.
type stepGeneratedData struct{}

func (s *stepGeneratedData) Run(_ context.Context, state multistep.StateBag) multistep.StepAction {
	src := state.Get(stateSource).(hcommon.Candidate)
	eol := ""
	if d := src.EOLDate(); !d.IsZero() {
		eol = d.Format(time.DateOnly)
	}
	state.Put("generated_data", map[string]interface{}{
		"SourceImageID": src.Image.ID, "SourceImageOsName": src.Image.OsName, "SourceImageEOL": eol,
	})
	return multistep.ActionContinue
}

func (s *stepGeneratedData) Cleanup(multistep.StateBag) {}
