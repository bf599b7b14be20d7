package cvm

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
)

// stepShareImage shares the image and every copy with share_accounts. Images
// can only be shared within their own region, so each copy is shared through
// the client of its region.
type stepShareImage struct {
	Accounts []string

	// shared is region → image ids whose sharing this step turned on; Cleanup
	// withdraws exactly those (a shared image cannot be deleted).
	shared map[string][]string
}

func (s *stepShareImage) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	if len(s.Accounts) == 0 {
		return multistep.ActionContinue
	}
	s.shared = map[string][]string{}
	cl := client(state)
	targets := map[string][]string{cl.Region(): {state.Get(stateImageID).(string)}}
	if cp, ok := state.GetOk(stateCopies); ok {
		for r, ids := range cp.(map[string][]string) {
			targets[r] = append(targets[r], ids...)
		}
	}
	accounts := strings.Join(s.Accounts, ", ")
	for _, region := range sortedRegions(targets) {
		rc, err := cl.ForRegion(region)
		if err != nil {
			return halt(state, err)
		}
		for _, id := range targets[region] {
			ui(state).Say(fmt.Sprintf("Sharing image %s in %s with %s...", id, region, accounts))
			// Recorded before the call: a share applied whose answer was lost is withdrawn too.
			s.shared[region] = append(s.shared[region], id)
			if err := rc.ShareImage(ctx, id, s.Accounts, true); err != nil {
				return halt(state, fmt.Errorf("share_accounts: %w", err))
			}
		}
	}
	state.Put(stateShares, append([]string(nil), s.Accounts...))
	return multistep.ActionContinue
}

// Cleanup withdraws the shares of a failed or cancelled build, before the
// image steps' Cleanup deletes the images.
func (s *stepShareImage) Cleanup(state multistep.StateBag) {
	if len(s.shared) == 0 || !failed(state) {
		return
	}
	ctx, cancel := cleanupContext()
	defer cancel()
	for _, region := range sortedRegions(s.shared) {
		rc, rerr := client(state).ForRegion(region)
		for _, id := range s.shared[region] {
			err := rerr
			if err == nil {
				err = rc.ShareImage(ctx, id, s.Accounts, false)
			}
			if err != nil {
				ui(state).Error(fmt.Sprintf("Error withdrawing the shares of image %s in %s: %v", id, region, err))
			}
		}
	}
}

func sortedRegions(m map[string][]string) []string {
	rs := make([]string, 0, len(m))
	for r := range m {
		rs = append(rs, r)
	}
	sort.Strings(rs)
	return rs
}
