package lighthouse

import (
	"context"
	"fmt"

	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	imagepolicy "github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// stepSourceBlueprint resolves the base blueprint and applies the lifecycle
// gate before anything is created.
type stepSourceBlueprint struct {
	BlueprintID string
	Filter      *hcommon.ImageFilter
	Policy      hcommon.LifecyclePolicy
}

func (s *stepSourceBlueprint) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	cl := client(state)
	u := ui(state)
	var c hcommon.Candidate
	if s.Filter != nil {
		u.Say(fmt.Sprintf("Selecting the newest %s system blueprint that passes the lifecycle gate...",
			lifecycle.DisplayName(s.Filter.OSFamily, s.Filter.OSVersion)))
		var err error
		if c, err = hcommon.SelectBaseBlueprint(ctx, cl, *s.Filter, s.Policy); err != nil {
			return halt(state, fmt.Errorf("source_blueprint_filter: %w", err))
		}
	} else {
		u.Say(fmt.Sprintf("Checking source blueprint %s against the lifecycle gate...", s.BlueprintID))
		bp, err := cl.GetBlueprint(ctx, s.BlueprintID)
		if err != nil {
			return halt(state, fmt.Errorf("source_blueprint_id %s in %s: %w", s.BlueprintID, cl.Region(), err))
		}
		if bp.State != "NORMAL" {
			return halt(state, fmt.Errorf("source_blueprint_id %s is in state %s, not NORMAL", bp.ID, bp.State))
		}
		if bp.PlatformType == "WINDOWS" {
			return halt(state, fmt.Errorf("source_blueprint_id %s is %s: hardened-lighthouse builds Linux blueprints over ssh", bp.ID, bp.OsName))
		}
		if c, err = s.Policy.GateKind(hcommon.BlueprintImage(bp), imagepolicy.KindBlueprint); err != nil {
			return halt(state, err)
		}
	}
	// Also build.SourceBlueprintID, build.SourceBlueprintOsName, build.SourceBlueprintEOL for provisioners.
	hcommon.AcceptBase(state, c, stateSource, "SourceBlueprint")
	return multistep.ActionContinue
}

func (s *stepSourceBlueprint) Cleanup(multistep.StateBag) {}
