package cvm

import (
	"context"
	"fmt"
	"net"

	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
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
	cidr := s.SSHCIDR
	if cidr == "" {
		find := s.localAddr
		if find == nil {
			find = localAddress
		}
		ip, err := find(s.Endpoint)
		if err != nil {
			return halt(state, fmt.Errorf("ssh_cidr is not set and this machine's address could not be found (%v): set ssh_cidr to the address Packer connects from, e.g. 203.0.113.7/32", err))
		}
		cidr = ip + "/32"
		if p := net.ParseIP(ip); p != nil && (p.IsPrivate() || p.IsLoopback()) {
			ui(state).Say(fmt.Sprintf("ssh_cidr defaults to this machine's address %s; behind NAT set ssh_cidr to your public address", cidr))
		}
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

// localAddress is the source address this machine uses towards endpoint
// (a UDP "connect" sends nothing; it only consults the routing table).
func localAddress(endpoint string) (string, error) {
	host := endpoint
	if h, _, err := net.SplitHostPort(endpoint); err == nil {
		host = h
	}
	if host == "" {
		host = "cvm.tencentcloudapi.com"
	}
	conn, err := net.Dial("udp", net.JoinHostPort(host, "443"))
	if err != nil {
		return "", err
	}
	defer conn.Close()
	return conn.LocalAddr().(*net.UDPAddr).IP.String(), nil
}
