package cvm

import (
	"context"
	"fmt"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
	"github.com/hashicorp/packer-plugin-sdk/uuid"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// stepRunInstance launches the build instance and waits until it runs.
type stepRunInstance struct {
	Config *Config
	Name   string
	Tags   map[string]string

	instanceID string
}

func (s *stepRunInstance) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	c := s.Config
	cl := client(state)
	src := state.Get(stateSource).(hcommon.Candidate)
	in := tencent.RunInstanceInput{
		Zone: c.Zone, ImageID: src.Image.ID, InstanceType: c.InstanceType, Name: s.Name,
		VpcID: state.Get(stateVpcID).(string), SubnetID: state.Get(stateSubnetID).(string),
		SecurityGroupIDs: []string{state.Get(stateSGID).(string)},
		SystemDiskType:   c.DiskType, SystemDiskSizeGB: c.DiskSize,
		PublicIP: *c.AssociatePublicIP, Tags: s.Tags,
		// A fresh uuid per build: a retried call after a lost answer finds
		// the same instance instead of launching a second one.
		ClientToken: uuid.TimeOrderedUUID(),
	}
	if *c.AssociatePublicIP {
		in.BandwidthOutMbps = c.InternetMaxBandwidthOut
	}
	if id, ok := state.GetOk(stateKeyID); ok {
		in.KeyIDs = []string{id.(string)}
	} else if c.Comm.SSHKeyPairName != "" {
		// An existing key pair (skey-…) matching ssh_private_key_file.
		in.KeyIDs = []string{c.Comm.SSHKeyPairName}
	} else if c.Comm.SSHPassword != "" {
		in.Password = c.Comm.SSHPassword
	} else {
		in.KeepImageLogin = true
	}
	ui(state).Say(fmt.Sprintf("Launching instance %s (%s) from %s in %s...", s.Name, c.InstanceType, src.Image.ID, c.Zone))
	id, err := cl.RunInstance(ctx, in)
	if err != nil {
		return halt(state, fmt.Errorf("launch build instance: %w", err))
	}
	s.instanceID = id
	ui(state).Say(fmt.Sprintf("Waiting for instance %s to be RUNNING...", id))
	inst, err := cl.WaitInstanceState(ctx, id, "RUNNING", c.StateTimeout)
	if err != nil {
		return halt(state, fmt.Errorf("instance %s: %w", id, err))
	}
	state.Put(stateInstance, inst)
	ui(state).Say(fmt.Sprintf("Instance %s is running (private %v, public %v)", id, inst.PrivateIPs, inst.PublicIPs))
	return multistep.ActionContinue
}

// Cleanup terminates the instance and waits until it is gone: the key pair,
// security group and subnet can only be deleted once nothing uses them.
func (s *stepRunInstance) Cleanup(state multistep.StateBag) {
	cl := client(state)
	hcommon.TerminateAndWait(state, &s.instanceID,
		func(ctx context.Context, id string) error { return cl.TerminateInstances(ctx, id) },
		func(ctx context.Context, id string) error {
			_, err := cl.WaitInstanceState(ctx, id, tencent.StateTerminated, s.Config.StateTimeout)
			return err
		})
}

// sshHost returns the address the communicator connects to.
func sshHost(iface string) func(multistep.StateBag) (string, error) {
	return func(state multistep.StateBag) (string, error) {
		inst := state.Get(stateInstance).(tencent.Instance)
		ips := inst.PrivateIPs
		if iface == "public_ip" {
			ips = inst.PublicIPs
		}
		if len(ips) == 0 {
			return "", fmt.Errorf("instance %s has no %s address", inst.ID, iface)
		}
		return ips[0], nil
	}
}
