package cvm

import (
	"context"
	"fmt"

	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// stepNetwork uses the configured VPC/subnet or creates temporary ones.
type stepNetwork struct {
	VpcID, SubnetID     string
	VpcCIDR, SubnetCIDR string
	Zone, Name          string
	Tags                map[string]string

	createdVpc, createdSubnet string
}

func (s *stepNetwork) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	cl := client(state)
	if s.VpcID != "" {
		subs, err := cl.DescribeSubnets(ctx, []tencent.Filter{{Name: "subnet-id", Values: []string{s.SubnetID}}})
		if err != nil {
			return halt(state, fmt.Errorf("describe subnet %s: %w", s.SubnetID, err))
		}
		if len(subs) == 0 || subs[0].VpcID != s.VpcID {
			return halt(state, fmt.Errorf("subnet_id %s does not exist in vpc_id %s", s.SubnetID, s.VpcID))
		}
		if subs[0].Zone != s.Zone {
			return halt(state, fmt.Errorf("subnet_id %s is in zone %s, not zone %s: pick a subnet of the build zone", s.SubnetID, subs[0].Zone, s.Zone))
		}
		state.Put(stateVpcID, s.VpcID)
		state.Put(stateSubnetID, s.SubnetID)
		return multistep.ActionContinue
	}
	ui(state).Say(fmt.Sprintf("Creating temporary VPC %s (%s)...", s.Name, s.VpcCIDR))
	vpc, err := cl.CreateVpc(ctx, s.Name, s.VpcCIDR, s.Tags)
	if err != nil {
		return halt(state, fmt.Errorf("create temporary vpc: %w", err))
	}
	s.createdVpc = vpc.ID
	ui(state).Say(fmt.Sprintf("Creating temporary subnet in %s (%s, %s)...", vpc.ID, s.SubnetCIDR, s.Zone))
	sub, err := cl.CreateSubnet(ctx, vpc.ID, s.Name, s.SubnetCIDR, s.Zone, s.Tags)
	if err != nil {
		return halt(state, fmt.Errorf("create temporary subnet in %s: %w", vpc.ID, err))
	}
	s.createdSubnet = sub.ID
	state.Put(stateVpcID, vpc.ID)
	state.Put(stateSubnetID, sub.ID)
	return multistep.ActionContinue
}

func (s *stepNetwork) Cleanup(state multistep.StateBag) {
	if s.createdVpc == "" {
		return
	}
	ctx, cancel := cleanupContext()
	defer cancel()
	cl := client(state)
	if s.createdSubnet != "" {
		ui(state).Say(fmt.Sprintf("Deleting temporary subnet %s...", s.createdSubnet))
		if err := cl.DeleteSubnet(ctx, s.createdSubnet); err != nil {
			ui(state).Error(fmt.Sprintf("Error deleting temporary subnet %s: %v (delete it and vpc %s by hand)", s.createdSubnet, err, s.createdVpc))
			return
		}
		s.createdSubnet = ""
	}
	ui(state).Say(fmt.Sprintf("Deleting temporary VPC %s...", s.createdVpc))
	if err := cl.DeleteVpc(ctx, s.createdVpc); err != nil {
		ui(state).Error(fmt.Sprintf("Error deleting temporary vpc %s: %v (delete it by hand)", s.createdVpc, err))
		return
	}
	s.createdVpc = ""
}
