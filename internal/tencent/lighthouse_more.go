package tencent

import (
	"context"
	"fmt"

	lighthouse "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/lighthouse/v20200324"
)

// Lighthouse calls beyond a Packer build's: power, key pairs made by the API, firewall rules
// added or removed one by one, blueprint attributes and sharing.

func sdkFirewallRules(rules []LighthouseFirewallRule) []*lighthouse.FirewallRule {
	out := make([]*lighthouse.FirewallRule, 0, len(rules))
	for _, r := range rules {
		out = append(out, &lighthouse.FirewallRule{Protocol: sp(r.Protocol), Port: sp(r.Port), CidrBlock: sp(r.CIDR), Action: sp(r.Action),
			FirewallRuleDescription: sp(r.Description)})
	}
	return out
}

// lhPower runs Stop/StartInstances on one instance after any running operation; an instance
// already in done counts as done (the retry of a call whose answer was lost lands there).
func (c *Client) lhPower(ctx context.Context, action, verb, done, id string, call func(ctx context.Context, ids []*string) error) error {
	err := c.lhInstanceCall(ctx, action, id, opIdempotent, call)
	if ErrorCode(err) == "UnsupportedOperation.InvalidInstanceState" {
		if in, gerr := c.GetLighthouseInstance(ctx, id); gerr == nil && in.State == done {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("%s lighthouse instance %s: %w", verb, id, err)
	}
	return nil
}

// StartLighthouseInstance starts a STOPPED instance (one already RUNNING counts as done);
// wait with WaitLighthouseInstanceState(id, "RUNNING").
func (c *Client) StartLighthouseInstance(ctx context.Context, id string) error {
	return c.lhPower(ctx, "StartInstances", "start", "RUNNING", id, func(ctx context.Context, ids []*string) error {
		req := lighthouse.NewStartInstancesRequest()
		req.InstanceIds = ids
		_, err := c.lh.StartInstancesWithContext(ctx, req)
		return err
	})
}

// LighthouseKeyPair is a Lighthouse key pair; PrivateKey is set only in what
// CreateLighthouseKeyPair returns (the API hands it out once).
type LighthouseKeyPair struct {
	ID, Name, PublicKey, PrivateKey string
	InstanceIDs                     []string
	Tags                            map[string]string
}

func lhKeyPairFromSDK(k *lighthouse.KeyPair) LighthouseKeyPair {
	return LighthouseKeyPair{ID: s(k.KeyId), Name: s(k.KeyName), PublicKey: s(k.PublicKey), PrivateKey: s(k.PrivateKey),
		InstanceIDs: ss(k.AssociatedInstanceIds), Tags: lhTagMap(k.Tags)}
}

// CreateLighthouseKeyPair has the API generate a key pair. Not retried after an ambiguous
// failure (only throttling): a second one would be a key pair nobody deletes.
func (c *Client) CreateLighthouseKeyPair(ctx context.Context, name string, tags map[string]string) (LighthouseKeyPair, error) {
	req := lighthouse.NewCreateKeyPairRequest()
	req.KeyName = sp(name)
	if len(tags) > 0 {
		req.Tags = lhTags(tags)
	}
	var resp *lighthouse.CreateKeyPairResponse
	err := c.do(ctx, "CreateKeyPair", opMutation, nil, func(ctx context.Context) (err error) {
		resp, err = c.lh.CreateKeyPairWithContext(ctx, req)
		return err
	})
	if err != nil {
		return LighthouseKeyPair{}, fmt.Errorf("create lighthouse key pair %q: %w", name, err)
	}
	return lhKeyPairFromSDK(resp.Response.KeyPair), nil
}

// ListLighthouseKeyPairs returns every key pair matching filters (key-id, key-name
// (substring), tag-key, tag-value, tag:<key>), following pagination to the end.
func (c *Client) ListLighthouseKeyPairs(ctx context.Context, filters []Filter) ([]LighthouseKeyPair, error) {
	return lhList(ctx, c, "DescribeKeyPairs", "lighthouse key pairs", nil, func(ctx context.Context, offset, limit *int64) ([]LighthouseKeyPair, int, error) {
		req := lighthouse.NewDescribeKeyPairsRequest()
		req.Filters, req.Offset, req.Limit = lhFilters(filters), offset, limit
		resp, err := c.lh.DescribeKeyPairsWithContext(ctx, req)
		if err != nil {
			return nil, 0, err
		}
		return convert(resp.Response.KeyPairSet, lhKeyPairFromSDK), count(resp.Response.TotalCount), nil
	})
}

// AssociateLighthouseKeyPairs binds keys to a Linux instance (a RUNNING one is restarted by
// the API); keys already bound count as done. Wait with WaitLighthouseInstanceOperation.
func (c *Client) AssociateLighthouseKeyPairs(ctx context.Context, instanceID string, keyIDs ...string) error {
	return c.lhKeyChange(ctx, "AssociateInstancesKeyPairs", "UnsupportedOperation.KeyPairBindDuplicate", instanceID, keyIDs,
		func(ctx context.Context, ids []*string, keys []*string) error {
			req := lighthouse.NewAssociateInstancesKeyPairsRequest()
			req.InstanceIds, req.KeyIds = ids, keys
			_, err := c.lh.AssociateInstancesKeyPairsWithContext(ctx, req)
			return err
		})
}

// DisassociateLighthouseKeyPairs unbinds keys from an instance; keys not bound count as done.
func (c *Client) DisassociateLighthouseKeyPairs(ctx context.Context, instanceID string, keyIDs ...string) error {
	return c.lhKeyChange(ctx, "DisassociateInstancesKeyPairs", "UnsupportedOperation.KeyPairNotBoundToInstance", instanceID, keyIDs,
		func(ctx context.Context, ids []*string, keys []*string) error {
			req := lighthouse.NewDisassociateInstancesKeyPairsRequest()
			req.InstanceIds, req.KeyIds = ids, keys
			_, err := c.lh.DisassociateInstancesKeyPairsWithContext(ctx, req)
			return err
		})
}

// lhKeyChange runs one key (dis)association key by key, so a key already in the wanted
// state (done) never keeps the others from changing.
func (c *Client) lhKeyChange(ctx context.Context, action, done, instanceID string, keyIDs []string, call func(ctx context.Context, ids, keys []*string) error) error {
	for _, k := range uniq(keyIDs) {
		err := c.lhInstanceCall(ctx, action, instanceID, opMutation, func(ctx context.Context, ids []*string) error {
			return call(ctx, ids, []*string{sp(k)})
		})
		if err != nil && ErrorCode(err) != done {
			return fmt.Errorf("%s %s on lighthouse instance %s: %w", action, k, instanceID, err)
		}
		if _, err := c.WaitLighthouseInstanceOperation(ctx, instanceID, c.cfg.OperationWaitTimeout); err != nil {
			return fmt.Errorf("%s %s on lighthouse instance %s: %w", action, k, instanceID, err)
		}
	}
	return nil
}

// AddLighthouseFirewallRules adds rules to an instance's firewall, keeping the others
// (ReplaceLighthouseFirewallRules replaces them all). A rule that exists already fails with
// InvalidParameter.FirewallRulesExist, naming it.
func (c *Client) AddLighthouseFirewallRules(ctx context.Context, instanceID string, rules []LighthouseFirewallRule) error {
	return c.lhFirewallCall(ctx, "CreateFirewallRules", "add firewall rules to", instanceID, func(ctx context.Context) error {
		req := lighthouse.NewCreateFirewallRulesRequest()
		req.InstanceId, req.FirewallRules = sp(instanceID), sdkFirewallRules(rules)
		_, err := c.lh.CreateFirewallRulesWithContext(ctx, req)
		return err
	})
}

// RemoveLighthouseFirewallRules removes rules (matched by protocol, port, CIDR and action);
// a rule the firewall does not have fails with ResourceNotFound.FirewallRulesNotFound.
func (c *Client) RemoveLighthouseFirewallRules(ctx context.Context, instanceID string, rules []LighthouseFirewallRule) error {
	return c.lhFirewallCall(ctx, "DeleteFirewallRules", "remove firewall rules from", instanceID, func(ctx context.Context) error {
		req := lighthouse.NewDeleteFirewallRulesRequest()
		req.InstanceId, req.FirewallRules = sp(instanceID), sdkFirewallRules(rules)
		_, err := c.lh.DeleteFirewallRulesWithContext(ctx, req)
		return err
	})
}

// lhFirewallCall runs one firewall change; only refusals that guarantee nothing changed
// (throttling, busy) are retried, since adding a rule twice is an error.
func (c *Client) lhFirewallCall(ctx context.Context, action, verb, instanceID string, call func(ctx context.Context) error) error {
	if err := c.do(ctx, action, opMutation, nil, call); err != nil {
		return fmt.Errorf("%s lighthouse instance %s: %w", verb, instanceID, err)
	}
	return nil
}

// ModifyBlueprintAttribute renames a custom blueprint or changes its description (each at
// most 60 characters); nil leaves a field alone.
func (c *Client) ModifyBlueprintAttribute(ctx context.Context, id string, name, description *string) error {
	if name == nil && description == nil {
		return fmt.Errorf("modify blueprint %s: nothing to change; set the name or the description", id)
	}
	err := c.do(ctx, "ModifyBlueprintAttribute", opIdempotent, nil, func(ctx context.Context) error {
		req := lighthouse.NewModifyBlueprintAttributeRequest()
		req.BlueprintId, req.BlueprintName, req.Description = sp(id), name, description
		_, err := c.lh.ModifyBlueprintAttributeWithContext(ctx, req)
		return err
	})
	if err != nil {
		return fmt.Errorf("modify blueprint %s: %w", id, err)
	}
	return nil
}

// ShareBlueprintAcrossAccounts shares a NORMAL custom blueprint with other accounts (their
// numeric account ids); accounts it is already shared with count as done.
func (c *Client) ShareBlueprintAcrossAccounts(ctx context.Context, id string, accounts ...string) error {
	for _, a := range uniq(accounts) {
		err := c.do(ctx, "ShareBlueprintAcrossAccounts", opIdempotent, nil, func(ctx context.Context) error {
			req := lighthouse.NewShareBlueprintAcrossAccountsRequest()
			req.BlueprintId, req.AccountIds = sp(id), []*string{sp(a)}
			_, err := c.lh.ShareBlueprintAcrossAccountsWithContext(ctx, req)
			return err
		})
		if err != nil && ErrorCode(err) != "UnsupportedOperation.BlueprintAlreadyShared" {
			return fmt.Errorf("share blueprint %s with account %s: %w", id, a, err)
		}
	}
	return nil
}
