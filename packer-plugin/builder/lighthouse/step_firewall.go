package lighthouse

import (
	"context"
	"fmt"

	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// stepFirewall replaces the build instance's firewall by one rule: TCP 22
// from ssh_cidr (default: this machine's address). A new Lighthouse
// instance's default rules open SSH (and more) to the internet; Lighthouse
// has no firewall resource apart from the instance, so the rules go with it
// when the instance is terminated and there is nothing to clean up here.
type stepFirewall struct {
	SSHCIDR string
	// Endpoint is where the API lives; the default source is this machine's
	// address on the route to it.
	Endpoint string
	// localAddr finds the builder's address; nil uses the routing table.
	localAddr func(endpoint string) (string, error)
}

func (s *stepFirewall) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	cidr, err := hcommon.SSHSource(state, s.SSHCIDR, s.Endpoint, "lighthouse.tencentcloudapi.com", s.localAddr)
	if err != nil {
		return halt(state, err)
	}
	inst := state.Get(stateInstance).(tencent.LighthouseInstance)
	ui(state).Say(fmt.Sprintf("Restricting the firewall of %s to TCP 22 from %s only...", inst.ID, cidr))
	rules := []tencent.LighthouseFirewallRule{{Protocol: "TCP", Port: "22", CIDR: cidr, Action: "ACCEPT", Description: "packer ssh"}}
	if err := client(state).ReplaceLighthouseFirewallRules(ctx, inst.ID, rules); err != nil {
		return halt(state, err)
	}
	return multistep.ActionContinue
}

func (s *stepFirewall) Cleanup(multistep.StateBag) {}
