package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// approvedAtApply is the gate in Create: the plan judged the image or
// blueprint already unless it was unknown then (ok is false when the
// lookup failed and was reported).
func approvedAtApply(diags *diag.Diagnostics, attr path.Path, v verdict, ok bool) bool {
	if !ok {
		return false
	}
	if v.Decision.Severity == policy.SeverityError {
		addDecision(diags, attr, v)
		return false
	}
	return true
}

// launchTags are the configured tags plus launchTag with a fresh client
// token (returned too). The tag finds the instance again when every answer
// to the create call was lost (the instance may exist without us knowing
// its id); fromInstance hides it from the tags attribute.
func launchTags(ctx context.Context, configured types.Map, diags *diag.Diagnostics) (map[string]string, string) {
	token := tencent.NewClientToken()
	tags := mapStrings(ctx, configured, diags)
	if tags == nil {
		tags = map[string]string{}
	}
	tags[launchTag] = token
	return tags, token
}

// launchUndo removes what a failed launch created, for hardened_instance
// (CVM) and hardened_lighthouse_instance alike: each gives the calls of
// its product.
type launchUndo struct {
	what    string // "instance", "Lighthouse instance"
	region  string
	timeout time.Duration // the delete timeout
	// terminate deletes id and waits until it is gone.
	terminate func(ctx context.Context, id string) error
	// tagged lists the instances carrying launchTag = token.
	tagged func(ctx context.Context, token string) ([]string, error)
}

// sweep terminates instances a failed create call may still have created:
// the call can fail after the API acted (every answer lost), and the
// instance would then run unmanaged.
func (u launchUndo) sweep(token string, diags *diag.Diagnostics, state *tfsdk.State) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ids, err := u.tagged(ctx, token)
	if err != nil {
		diags.AddWarning("Could not check for a half-launched "+u.what,
			fmt.Sprintf("list %ss tagged %s=%s in %s: %v; check the console for one with this tag", u.what, launchTag, token, u.region, err))
		return
	}
	for _, id := range ids {
		u.cleanup(id, diags, state)
	}
}

// cleanup terminates an instance whose launch failed, on a fresh context
// (the create context may be what expired). When even that fails, the id
// goes into state so Terraform taints it and destroys it later instead of
// forgetting it.
func (u launchUndo) cleanup(id string, diags *diag.Diagnostics, state *tfsdk.State) {
	ctx, cancel := context.WithTimeout(context.Background(), u.timeout)
	defer cancel()
	if err := u.terminate(ctx, id); err != nil {
		diags.AddError("Clean up failed launch", fmt.Sprintf("terminate %s: %v; it is kept in state (tainted) so the next apply destroys it", id, err))
		diags.Append(state.SetAttribute(context.Background(), path.Root("id"), id)...)
		return
	}
	diags.AddWarning("Failed "+u.what+" removed", fmt.Sprintf("%s %s was terminated after the failed launch; nothing is left running.", capitalize(u.what), id))
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
