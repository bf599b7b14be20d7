package cvm

import (
	"context"
	"fmt"

	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// stepSecurityGroup uses the configured group or creates a temporary one
// that opens only TCP 22, and only from ssh_cidr.
type stepSecurityGroup struct {
	GroupID string
	SSHCIDR string
	// Endpoint is where the API lives; the default ssh_cidr is this machine's
	// address on the route to it.
	Endpoint string
	Name     string
	Tags     map[string]string
	// localAddr finds the builder's address; nil uses the routing table.
	localAddr func(endpoint string) (string, error)

	created string
}

func (s *stepSecurityGroup) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	if s.GroupID != "" {
		state.Put(stateSGID, s.GroupID)
		return multistep.ActionContinue
	}
	cidr, err := hcommon.SSHSource(state, s.SSHCIDR, s.Endpoint, "cvm.tencentcloudapi.com", s.localAddr)
	if err != nil {
		return halt(state, err)
	}
	ui(state).Say(fmt.Sprintf("Creating temporary security group %s (TCP 22 from %s only)...", s.Name, cidr))
	sg, err := client(state).CreateSecurityGroup(ctx, s.Name, "packer-hardened build: ssh from the builder only",
		[]tencent.SecurityGroupRule{{Protocol: "TCP", Port: "22", CIDR: cidr, Action: "ACCEPT", Description: "packer ssh"}},
		[]tencent.SecurityGroupRule{{Protocol: "ALL", Port: "ALL", CIDR: "0.0.0.0/0", Action: "ACCEPT", Description: "package updates"}},
		s.Tags)
	if err != nil {
		return halt(state, fmt.Errorf("create temporary security group: %w", err))
	}
	s.created = sg.ID
	state.Put(stateSGID, sg.ID)
	return multistep.ActionContinue
}

func (s *stepSecurityGroup) Cleanup(state multistep.StateBag) {
	deleteCreated(state, "temporary security group", &s.created, (*tencent.Client).DeleteSecurityGroup)
}
