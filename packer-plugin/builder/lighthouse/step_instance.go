package lighthouse

import (
	"context"
	"fmt"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
	"github.com/hashicorp/packer-plugin-sdk/uuid"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// stepInstance creates the build instance and waits until it runs.
type stepInstance struct {
	Config *Config
	Name   string
	Tags   map[string]string

	instanceID string
}

func (s *stepInstance) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	c := s.Config
	cl := client(state)
	src := state.Get(stateSource).(hcommon.Candidate)
	in := tencent.CreateLighthouseInstanceInput{
		BundleID: c.BundleID, BlueprintID: src.Image.ID, Zone: c.Zone, Name: s.Name, Tags: s.Tags,
		// One fresh token per build: a retried call after a lost answer
		// finds the same instance instead of creating (and paying for) a second.
		ClientToken: uuid.TimeOrderedUUID(),
	}
	if id, ok := state.GetOk(stateKeyID); ok {
		in.KeyIDs = []string{id.(string)}
	} else if c.Comm.SSHKeyPairName != "" {
		// An existing key pair (lhkp-…) matching ssh_private_key_file.
		in.KeyIDs = []string{c.Comm.SSHKeyPairName}
	} else if c.Comm.SSHPassword != "" {
		in.Password = c.Comm.SSHPassword
	}
	where := c.Zone
	if where == "" {
		where = cl.Region()
	}
	ui(state).Say(fmt.Sprintf("Creating Lighthouse instance %s (bundle %s) from %s in %s...", s.Name, c.BundleID, src.Image.ID, where))
	id, err := cl.CreateLighthouseInstance(ctx, in)
	if err != nil {
		return halt(state, fmt.Errorf("create build instance: %w", err))
	}
	s.instanceID = id
	ui(state).Say(fmt.Sprintf("Waiting for instance %s to be RUNNING...", id))
	inst, err := cl.WaitLighthouseInstanceState(ctx, id, "RUNNING", c.StateTimeout)
	if err != nil {
		return halt(state, fmt.Errorf("instance %s: %w", id, err))
	}
	state.Put(stateInstance, inst)
	ui(state).Say(fmt.Sprintf("Instance %s is running (private %v, public %v)", id, inst.PrivateAddresses, inst.PublicAddresses))
	return multistep.ActionContinue
}

// Cleanup terminates the instance (Lighthouse: return it, wait SHUTDOWN,
// terminate) and waits until it is gone: the key pair can only be deleted
// once no instance uses it.
func (s *stepInstance) Cleanup(state multistep.StateBag) {
	cl := client(state)
	hcommon.TerminateAndWait(state, &s.instanceID,
		func(ctx context.Context, id string) error { return cl.TerminateLighthouseInstances(ctx, id) },
		func(ctx context.Context, id string) error {
			_, err := cl.WaitLighthouseInstanceState(ctx, id, tencent.StateTerminated, s.Config.StateTimeout)
			return err
		})
}

// sshHost returns the address the communicator connects to.
func sshHost(iface string) func(multistep.StateBag) (string, error) {
	return func(state multistep.StateBag) (string, error) {
		inst := state.Get(stateInstance).(tencent.LighthouseInstance)
		ips := inst.PublicAddresses
		if iface == "private_ip" {
			ips = inst.PrivateAddresses
		}
		if len(ips) == 0 {
			return "", fmt.Errorf("instance %s has no %s address", inst.ID, iface)
		}
		return ips[0], nil
	}
}
