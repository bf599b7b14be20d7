package tencent

import (
	"context"
	"errors"
	"fmt"
	"time"

	lighthouse "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/lighthouse/v20200324"
)

// What the hardened-lighthouse Packer builder calls besides instances:
// Lighthouse key pairs (lhkp-…, their own API, not CVM's), an instance's
// firewall, stopping an instance, and custom blueprints (CreateBlueprint).

// ImportLighthouseKeyPair imports an OpenSSH public key and returns its id
// (lhkp-…). Names are letters, digits and _ only, at most 25 characters.
// Not retried after an ambiguous failure: a second import would leave a key
// pair nobody deletes.
func (c *Client) ImportLighthouseKeyPair(ctx context.Context, name, publicKey string, tags map[string]string) (string, error) {
	req := lighthouse.NewImportKeyPairRequest()
	req.KeyName, req.PublicKey = sp(name), sp(publicKey)
	if len(tags) > 0 {
		req.Tags = lhTags(tags)
	}
	var id string
	err := c.do(ctx, "ImportKeyPair", opMutation, nil, func(ctx context.Context) error {
		resp, err := c.lh.ImportKeyPairWithContext(ctx, req)
		if err != nil {
			return err
		}
		id = s(resp.Response.KeyId)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("import lighthouse key pair %s: %w", name, err)
	}
	return id, nil
}

// DeleteLighthouseKeyPairs deletes key pairs; ones already gone count as deleted.
func (c *Client) DeleteLighthouseKeyPairs(ctx context.Context, ids ...string) error {
	req := lighthouse.NewDeleteKeyPairsRequest()
	req.KeyIds = ptrs(append([]string(nil), ids...))
	return c.lhDelete(ctx, "DeleteKeyPairs", "lighthouse key pairs", ids, []string{"ResourceNotFound.KeyPairNotFound"},
		func(ctx context.Context) error { _, err := c.lh.DeleteKeyPairsWithContext(ctx, req); return err })
}

// lhDelete runs one idempotent Lighthouse delete of ids; the codes in gone
// (the resource no longer exists, e.g. after a retry whose first answer was
// lost) count as success.
func (c *Client) lhDelete(ctx context.Context, action, what string, ids, gone []string, call func(ctx context.Context) error) error {
	if len(ids) == 0 {
		return nil
	}
	err := c.do(ctx, action, opIdempotent, nil, call)
	if containsStr(gone, ErrorCode(err)) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete %s %v: %w", what, ids, err)
	}
	return nil
}

// LighthouseFirewallRule is one inbound rule of an instance's firewall.
type LighthouseFirewallRule struct {
	Protocol    string // TCP, UDP, ICMP, ALL
	Port        string // "22", "80,443", "3000-4000", ALL
	CIDR        string
	Action      string // ACCEPT or DROP
	Description string
}

// ReplaceLighthouseFirewallRules makes rules the instance's whole firewall
// (ModifyFirewallRules): every rule not listed, such as the default ones
// opening SSH and RDP to the internet, is gone afterwards.
func (c *Client) ReplaceLighthouseFirewallRules(ctx context.Context, instanceID string, rules []LighthouseFirewallRule) error {
	req := lighthouse.NewModifyFirewallRulesRequest()
	req.InstanceId = sp(instanceID)
	req.FirewallRules = sdkFirewallRules(rules)
	err := c.lhAfterOperations(ctx, instanceID, func() error {
		return c.do(ctx, "ModifyFirewallRules", opIdempotent|opAfterOperation, nil, func(ctx context.Context) error {
			_, err := c.lh.ModifyFirewallRulesWithContext(ctx, req)
			return err
		})
	})
	if err != nil {
		return fmt.Errorf("set the firewall of lighthouse instance %s: %w", instanceID, err)
	}
	return nil
}

// LighthouseFirewallRules lists an instance's firewall rules.
func (c *Client) LighthouseFirewallRules(ctx context.Context, instanceID string) ([]LighthouseFirewallRule, error) {
	return lhList(ctx, c, "DescribeFirewallRules", "the firewall rules of lighthouse instance "+instanceID, nil,
		func(ctx context.Context, offset, limit *int64) ([]LighthouseFirewallRule, int, error) {
			req := lighthouse.NewDescribeFirewallRulesRequest()
			req.InstanceId, req.Offset, req.Limit = sp(instanceID), offset, limit
			resp, err := c.lh.DescribeFirewallRulesWithContext(ctx, req)
			if err != nil {
				return nil, 0, err
			}
			return convert(resp.Response.FirewallRuleSet, func(r *lighthouse.FirewallRuleInfo) LighthouseFirewallRule {
				return LighthouseFirewallRule{Protocol: s(r.Protocol), Port: s(r.Port), CIDR: s(r.CidrBlock), Action: s(r.Action), Description: s(r.FirewallRuleDescription)}
			}), count(resp.Response.TotalCount), nil
		})
}

// StopLighthouseInstance stops a RUNNING instance (one already STOPPED
// counts as done); wait with WaitLighthouseInstanceState(id, "STOPPED").
func (c *Client) StopLighthouseInstance(ctx context.Context, id string) error {
	return c.lhPower(ctx, "StopInstances", "stop", "STOPPED", id, func(ctx context.Context, ids []*string) error {
		req := lighthouse.NewStopInstancesRequest()
		req.InstanceIds = ids
		_, err := c.lh.StopInstancesWithContext(ctx, req)
		return err
	})
}

// CreateBlueprintInput is one custom blueprint to capture from an instance.
type CreateBlueprintInput struct {
	InstanceID string
	Name       string // ≤ 60 characters
	// Description holds at most 60 characters.
	Description string
	// ForcePowerOff powers the instance off before capturing (the API's
	// default); false captures it running, which may miss unwritten data.
	ForcePowerOff bool
	Tags          map[string]string // at most 10
}

// CreateBlueprint captures a custom blueprint (state CREATING; wait with
// WaitBlueprintState). The API takes no idempotency token, so a failed call
// whose answer was lost is not retried: a second blueprint would be left over.
func (c *Client) CreateBlueprint(ctx context.Context, in CreateBlueprintInput) (string, error) {
	if n := len(in.Tags); n > 10 {
		return "", fmt.Errorf("create blueprint %s: %d tags; CreateBlueprint takes at most 10", in.Name, n)
	}
	req := lighthouse.NewCreateBlueprintRequest()
	req.InstanceId, req.BlueprintName = sp(in.InstanceID), sp(in.Name)
	if in.Description != "" {
		req.Description = sp(in.Description)
	}
	force := in.ForcePowerOff
	req.ForcePowerOff = &force
	if len(in.Tags) > 0 {
		req.Tags = lhTags(in.Tags)
	}
	var id string
	err := c.lhAfterOperations(ctx, in.InstanceID, func() error {
		return c.do(ctx, "CreateBlueprint", opMutation|opAfterOperation, nil, func(ctx context.Context) error {
			resp, err := c.lh.CreateBlueprintWithContext(ctx, req)
			if err != nil {
				return err
			}
			id = s(resp.Response.BlueprintId)
			return nil
		})
	})
	if err != nil {
		return "", fmt.Errorf("create blueprint %s from %s: %w", in.Name, in.InstanceID, err)
	}
	if id == "" {
		return "", fmt.Errorf("create blueprint %s from %s: the API returned no blueprint id", in.Name, in.InstanceID)
	}
	return id, nil
}

// WaitBlueprintState waits until the blueprint is in want (NORMAL, or
// StateTerminated for "gone"); CREATEFAILED ends the wait early.
func (c *Client) WaitBlueprintState(ctx context.Context, id, want string, timeout time.Duration) (Blueprint, error) {
	var got Blueprint
	err := c.poll(ctx, timeout, "blueprint", id, want, func(ctx context.Context) (bool, string, error) {
		bp, err := c.GetBlueprint(ctx, id)
		var nf *NotFoundError
		if errors.As(err, &nf) {
			if want == StateTerminated {
				return true, "gone", nil
			}
			return false, "not found", fmt.Errorf("blueprint %s disappeared while waiting for %s", id, want)
		}
		if err != nil {
			return false, "", err
		}
		got = bp
		if bp.State == "CREATEFAILED" && want != "CREATEFAILED" {
			return false, bp.State, fmt.Errorf("blueprint %s: creation failed (CREATEFAILED)", id)
		}
		return bp.State == want, bp.State, nil
	})
	return got, err
}

// DeleteBlueprints deletes custom blueprints; ones already gone count as deleted.
func (c *Client) DeleteBlueprints(ctx context.Context, ids ...string) error {
	req := lighthouse.NewDeleteBlueprintsRequest()
	req.BlueprintIds = ptrs(append([]string(nil), ids...))
	return c.lhDelete(ctx, "DeleteBlueprints", "blueprints", ids, []string{"ResourceNotFound.BlueprintIdNotFound"},
		func(ctx context.Context) error { _, err := c.lh.DeleteBlueprintsWithContext(ctx, req); return err })
}
