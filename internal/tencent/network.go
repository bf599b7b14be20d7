package tencent

import (
	"context"
	"fmt"
	"strconv"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	vpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// ImportKeyPair registers an OpenSSH public key and returns the key id.
func (c *Client) ImportKeyPair(ctx context.Context, name, publicKey string, tags map[string]string) (string, error) {
	var id string
	err := c.do(ctx, "ImportKeyPair", opMutation, nil, func(ctx context.Context) error {
		req := cvm.NewImportKeyPairRequest()
		req.KeyName, req.PublicKey, req.ProjectId = sp(name), sp(publicKey), common.Int64Ptr(0)
		req.TagSpecification = cvmTagSpec("keypair", tags)
		resp, err := c.cvm.ImportKeyPairWithContext(ctx, req)
		if err != nil {
			return err
		}
		id = s(resp.Response.KeyId)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("import key pair %q: %w", name, err)
	}
	return id, nil
}

// CreateKeyPair lets the API generate a key pair; the private key is only returned here.
func (c *Client) CreateKeyPair(ctx context.Context, name string, tags map[string]string) (KeyPair, error) {
	var kp KeyPair
	err := c.do(ctx, "CreateKeyPair", opMutation, nil, func(ctx context.Context) error {
		req := cvm.NewCreateKeyPairRequest()
		req.KeyName, req.ProjectId = sp(name), common.Int64Ptr(0)
		req.TagSpecification = cvmTagSpec("keypair", tags)
		resp, err := c.cvm.CreateKeyPairWithContext(ctx, req)
		if err != nil {
			return err
		}
		kp = keyPairFromSDK(resp.Response.KeyPair)
		return nil
	})
	if err != nil {
		return KeyPair{}, fmt.Errorf("create key pair %q: %w", name, err)
	}
	return kp, nil
}

func keyPairFromSDK(k *cvm.KeyPair) KeyPair {
	if k == nil {
		return KeyPair{}
	}
	out := KeyPair{ID: s(k.KeyId), Name: s(k.KeyName), PublicKey: s(k.PublicKey), PrivateKey: s(k.PrivateKey),
		InstanceIDs: ss(k.AssociatedInstanceIds), Tags: map[string]string{}}
	for _, t := range k.Tags {
		if t != nil {
			out.Tags[s(t.Key)] = s(t.Value)
		}
	}
	return out
}

// DescribeKeyPairs returns the key pairs among ids that exist (all when ids is empty).
func (c *Client) DescribeKeyPairs(ctx context.Context, ids ...string) ([]KeyPair, error) {
	out, _, err := allPages(ctx, c, "DescribeKeyPairs", func(ctx context.Context, offset int) ([]KeyPair, int, error) {
		req := cvm.NewDescribeKeyPairsRequest()
		if len(ids) > 0 {
			req.KeyIds = ptrs(append([]string(nil), ids...))
		}
		req.Offset, req.Limit = common.Int64Ptr(int64(offset)), common.Int64Ptr(maxPage)
		resp, err := c.cvm.DescribeKeyPairsWithContext(ctx, req)
		if err != nil {
			return nil, 0, err
		}
		return convert(resp.Response.KeyPairSet, keyPairFromSDK), count(resp.Response.TotalCount), nil
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("describe key pairs: %w", err)
	}
	return out, nil
}

// DeleteKeyPair deletes a key pair; an already deleted one counts as done. ResourceInUse
// (instances still terminating) is retried with backoff.
func (c *Client) DeleteKeyPair(ctx context.Context, id string) error {
	err := c.do(ctx, "DeleteKeyPairs", opDelete, nil, func(ctx context.Context) error {
		req := cvm.NewDeleteKeyPairsRequest()
		req.KeyIds = []*string{sp(id)}
		_, err := c.cvm.DeleteKeyPairsWithContext(ctx, req)
		return err
	})
	if err != nil && ErrorCode(err) != "InvalidKeyPairId.NotFound" {
		return fmt.Errorf("delete key pair %s: %w", id, err)
	}
	return nil
}

// mutate runs one mutating API call (with the client's retries) and returns what it created.
func mutate[T any](ctx context.Context, c *Client, action string, call func(ctx context.Context) (T, error)) (T, error) {
	var out T
	err := c.do(ctx, action, opMutation, nil, func(ctx context.Context) error {
		v, err := call(ctx)
		if err != nil {
			return err
		}
		out = v
		return nil
	})
	return out, err
}

// CreateVpc creates a VPC.
func (c *Client) CreateVpc(ctx context.Context, name, cidr string, tags map[string]string) (Vpc, error) {
	out, err := mutate(ctx, c, "CreateVpc", func(ctx context.Context) (Vpc, error) {
		req := vpc.NewCreateVpcRequest()
		req.VpcName, req.CidrBlock, req.Tags = sp(name), sp(cidr), vpcTags(tags)
		resp, err := c.vpc.CreateVpcWithContext(ctx, req)
		if err != nil {
			return Vpc{}, err
		}
		return vpcFromSDK(resp.Response.Vpc), nil
	})
	if err != nil {
		return Vpc{}, fmt.Errorf("create vpc %q (%s): %w", name, cidr, err)
	}
	return out, nil
}

// DescribeVpcs lists VPCs matching filters (all pages).
func (c *Client) DescribeVpcs(ctx context.Context, filters []Filter) ([]Vpc, error) {
	return vpcList(ctx, c, "DescribeVpcs", "vpcs", filters, func(ctx context.Context, f []*vpc.Filter, offset, limit *string) ([]Vpc, int, error) {
		req := vpc.NewDescribeVpcsRequest()
		req.Filters, req.Offset, req.Limit = f, offset, limit
		resp, err := c.vpc.DescribeVpcsWithContext(ctx, req)
		if err != nil {
			return nil, 0, err
		}
		return convert(resp.Response.VpcSet, vpcFromSDK), count(resp.Response.TotalCount), nil
	})
}

// DeleteVpc deletes a VPC; retries while its subnets are still being deleted.
func (c *Client) DeleteVpc(ctx context.Context, id string) error {
	err := c.do(ctx, "DeleteVpc", opDelete, nil, func(ctx context.Context) error {
		req := vpc.NewDeleteVpcRequest()
		req.VpcId = sp(id)
		_, err := c.vpc.DeleteVpcWithContext(ctx, req)
		return err
	})
	if err != nil && !IsNotFound(err) {
		return fmt.Errorf("delete vpc %s: %w", id, err)
	}
	return nil
}

// CreateSubnet creates a subnet in a VPC and zone.
func (c *Client) CreateSubnet(ctx context.Context, vpcID, name, cidr, zone string, tags map[string]string) (Subnet, error) {
	out, err := mutate(ctx, c, "CreateSubnet", func(ctx context.Context) (Subnet, error) {
		req := vpc.NewCreateSubnetRequest()
		req.VpcId, req.SubnetName, req.CidrBlock, req.Zone, req.Tags = sp(vpcID), sp(name), sp(cidr), sp(zone), vpcTags(tags)
		resp, err := c.vpc.CreateSubnetWithContext(ctx, req)
		if err != nil {
			return Subnet{}, err
		}
		return subnetFromSDK(resp.Response.Subnet), nil
	})
	if err != nil {
		return Subnet{}, fmt.Errorf("create subnet %q (%s) in %s: %w", name, cidr, vpcID, err)
	}
	return out, nil
}

// DeleteSubnet deletes a subnet; retries while instances in it are still terminating.
func (c *Client) DeleteSubnet(ctx context.Context, id string) error {
	err := c.do(ctx, "DeleteSubnet", opDelete, nil, func(ctx context.Context) error {
		req := vpc.NewDeleteSubnetRequest()
		req.SubnetId = sp(id)
		_, err := c.vpc.DeleteSubnetWithContext(ctx, req)
		return err
	})
	if err != nil && !IsNotFound(err) {
		return fmt.Errorf("delete subnet %s: %w", id, err)
	}
	return nil
}

// CreateSecurityGroup creates a security group with ingress and egress rules. When adding the
// rules fails, the group is deleted again so nothing is left behind.
func (c *Client) CreateSecurityGroup(ctx context.Context, name, description string, ingress, egress []SecurityGroupRule, tags map[string]string) (SecurityGroup, error) {
	out, err := mutate(ctx, c, "CreateSecurityGroup", func(ctx context.Context) (SecurityGroup, error) {
		req := vpc.NewCreateSecurityGroupRequest()
		req.GroupName, req.GroupDescription, req.Tags = sp(name), sp(description), vpcTags(tags)
		resp, err := c.vpc.CreateSecurityGroupWithContext(ctx, req)
		if err != nil {
			return SecurityGroup{}, err
		}
		return securityGroupFromSDK(resp.Response.SecurityGroup), nil
	})
	if err != nil {
		return SecurityGroup{}, fmt.Errorf("create security group %q: %w", name, err)
	}
	if len(ingress)+len(egress) == 0 {
		return out, nil
	}
	err = c.do(ctx, "CreateSecurityGroupPolicies", opMutation, nil, func(ctx context.Context) error {
		req := vpc.NewCreateSecurityGroupPoliciesRequest()
		req.SecurityGroupId = sp(out.ID)
		req.SecurityGroupPolicySet = &vpc.SecurityGroupPolicySet{Ingress: sdkRules(ingress), Egress: sdkRules(egress)}
		_, err := c.vpc.CreateSecurityGroupPoliciesWithContext(ctx, req)
		return err
	})
	if err != nil {
		if derr := c.DeleteSecurityGroup(context.WithoutCancel(ctx), out.ID); derr != nil {
			return SecurityGroup{}, fmt.Errorf("add rules to security group %s: %w (and deleting it failed: %v)", out.ID, err, derr)
		}
		return SecurityGroup{}, fmt.Errorf("add rules to security group %s (deleted again): %w", out.ID, err)
	}
	return out, nil
}

func sdkRules(rules []SecurityGroupRule) []*vpc.SecurityGroupPolicy {
	out := make([]*vpc.SecurityGroupPolicy, 0, len(rules))
	for _, r := range rules {
		p := &vpc.SecurityGroupPolicy{Protocol: sp(r.Protocol), Port: sp(r.Port), CidrBlock: sp(r.CIDR), Action: sp(r.Action)}
		if r.Description != "" {
			p.PolicyDescription = sp(r.Description)
		}
		out = append(out, p)
	}
	return out
}

// DeleteSecurityGroup deletes a security group; retries while instances still use it.
func (c *Client) DeleteSecurityGroup(ctx context.Context, id string) error {
	err := c.do(ctx, "DeleteSecurityGroup", opDelete, nil, func(ctx context.Context) error {
		req := vpc.NewDeleteSecurityGroupRequest()
		req.SecurityGroupId = sp(id)
		_, err := c.vpc.DeleteSecurityGroupWithContext(ctx, req)
		return err
	})
	if err != nil && !IsNotFound(err) {
		return fmt.Errorf("delete security group %s: %w", id, err)
	}
	return nil
}

// DescribeSubnets lists subnets matching filters (all pages), e.g. by tag to find leftovers.
func (c *Client) DescribeSubnets(ctx context.Context, filters []Filter) ([]Subnet, error) {
	return vpcList(ctx, c, "DescribeSubnets", "subnets", filters, func(ctx context.Context, f []*vpc.Filter, offset, limit *string) ([]Subnet, int, error) {
		req := vpc.NewDescribeSubnetsRequest()
		req.Filters, req.Offset, req.Limit = f, offset, limit
		resp, err := c.vpc.DescribeSubnetsWithContext(ctx, req)
		if err != nil {
			return nil, 0, err
		}
		return convert(resp.Response.SubnetSet, subnetFromSDK), count(resp.Response.TotalCount), nil
	})
}

// DescribeSecurityGroups lists security groups matching filters (all pages).
func (c *Client) DescribeSecurityGroups(ctx context.Context, filters []Filter) ([]SecurityGroup, error) {
	return vpcList(ctx, c, "DescribeSecurityGroups", "security groups", filters, func(ctx context.Context, f []*vpc.Filter, offset, limit *string) ([]SecurityGroup, int, error) {
		req := vpc.NewDescribeSecurityGroupsRequest()
		req.Filters, req.Offset, req.Limit = f, offset, limit
		resp, err := c.vpc.DescribeSecurityGroupsWithContext(ctx, req)
		if err != nil {
			return nil, 0, err
		}
		return convert(resp.Response.SecurityGroupSet, securityGroupFromSDK), count(resp.Response.TotalCount), nil
	})
}

func vpcFromSDK(v *vpc.Vpc) Vpc {
	return Vpc{ID: s(v.VpcId), Name: s(v.VpcName), CIDR: s(v.CidrBlock), Tags: vpcTagMap(v.TagSet)}
}

func subnetFromSDK(sn *vpc.Subnet) Subnet {
	return Subnet{ID: s(sn.SubnetId), VpcID: s(sn.VpcId), Name: s(sn.SubnetName), CIDR: s(sn.CidrBlock), Zone: s(sn.Zone), Tags: vpcTagMap(sn.TagSet)}
}

func securityGroupFromSDK(sg *vpc.SecurityGroup) SecurityGroup {
	return SecurityGroup{ID: s(sg.SecurityGroupId), Name: s(sg.SecurityGroupName), Description: s(sg.SecurityGroupDesc), Tags: vpcTagMap(sg.TagSet)}
}

// vpcList lists every record of a VPC Describe* action matching filters: the VPC API takes
// Offset and Limit as strings, and no Filters at all when there are none. call sends one
// page's request; what names the records in the error.
func vpcList[T any](ctx context.Context, c *Client, action, what string, filters []Filter,
	call func(ctx context.Context, f []*vpc.Filter, offset, limit *string) ([]T, int, error)) ([]T, error) {
	var f []*vpc.Filter
	if len(filters) > 0 {
		f = vpcFilters(filters)
	}
	out, _, err := allPages(ctx, c, action, func(ctx context.Context, offset int) ([]T, int, error) {
		return call(ctx, f, sp(strconv.Itoa(offset)), sp(strconv.Itoa(maxPage)))
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("describe %s in %s: %w", what, c.region, err)
	}
	return out, nil
}
