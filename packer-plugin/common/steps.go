package common

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/communicator"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"golang.org/x/crypto/ssh"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/version"
)

// What the steps of both builders share. State keys are Packer's own:
// "ui", "error", "communicator".

// StateProvenanceInput is the state key of the ProvenanceInput StepReadProvenance downloads.
const StateProvenanceInput = "provenance_input"

// CleanupTimeout bounds one Cleanup: it must finish even after Ctrl-C
// cancelled the build's context.
const CleanupTimeout = 15 * time.Minute

// CleanupContext is the context of a Cleanup: fresh, because the build's
// may be cancelled, and bounded by CleanupTimeout.
func CleanupContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), CleanupTimeout)
}

// UI is the build's Ui from the state bag.
func UI(state multistep.StateBag) packersdk.Ui { return state.Get("ui").(packersdk.Ui) }

// Halt records err for the build and says it.
func Halt(state multistep.StateBag, err error) multistep.StepAction {
	state.Put("error", err)
	UI(state).Error(err.Error())
	return multistep.ActionHalt
}

// Failed says whether the build is ending badly (error or Ctrl-C).
func Failed(state multistep.StateBag) bool {
	_, cancelled := state.GetOk(multistep.StateCancelled)
	_, halted := state.GetOk(multistep.StateHalted)
	return cancelled || halted
}

// DeleteCreated is the Cleanup of a step that created one temporary resource (what, e.g.
// "temporary key pair"): on a fresh context it deletes *id, says so, and clears *id once it
// is gone. A failure names the id so it can be deleted by hand and leaves *id set. Nothing
// happens when *id is empty.
func DeleteCreated(state multistep.StateBag, what string, id *string, del func(ctx context.Context, id string) error) {
	if *id == "" {
		return
	}
	ctx, cancel := CleanupContext()
	defer cancel()
	UI(state).Say(fmt.Sprintf("Deleting %s %s...", what, *id))
	if err := del(ctx, *id); err != nil {
		UI(state).Error(fmt.Sprintf("Error deleting %s %s: %v (delete it by hand)", what, *id, err))
		return
	}
	*id = ""
}

// StepReadProvenance downloads the provenance input hardened-cis left on the
// machine (the JSON audit report) into StateProvenanceInput.
type StepReadProvenance struct {
	Path     string
	Required bool
}

func (s *StepReadProvenance) Run(_ context.Context, state multistep.StateBag) multistep.StepAction {
	comm, ok := state.Get("communicator").(packersdk.Communicator)
	if !ok || comm == nil {
		return Halt(state, fmt.Errorf("no communicator to read %s", s.Path))
	}
	var buf bytes.Buffer
	err := comm.Download(s.Path, &buf)
	if err != nil || buf.Len() == 0 {
		if s.Required {
			return Halt(state, fmt.Errorf("no provenance input at %s on the instance (%v): add the hardened-cis provisioner, or set require_provenance = false to build an unhardened image", s.Path, err))
		}
		UI(state).Say(fmt.Sprintf("No provenance input at %s: the image gets no hardened provenance tags", s.Path))
		return multistep.ActionContinue
	}
	in, err := ParseProvenanceInput(buf.Bytes())
	if err != nil {
		return Halt(state, fmt.Errorf("provenance input %s: %w", s.Path, err))
	}
	state.Put(StateProvenanceInput, in)
	return multistep.ActionContinue
}

func (s *StepReadProvenance) Cleanup(multistep.StateBag) {}

// UsesOwnSSHCredentials says whether the template brings SSH credentials,
// so that no temporary key pair is made.
func UsesOwnSSHCredentials(comm *communicator.Config) bool {
	return comm.SSHPrivateKeyFile != "" || comm.SSHPassword != "" || comm.SSHAgentAuth
}

// TemporarySSHKey generates the build's ed25519 key here, so the private
// half never leaves this machine, and hands it to the communicator (name is
// the key pair's name in the cloud). It returns the authorized_keys line to import.
func TemporarySSHKey(comm *communicator.Config, name string) (string, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", fmt.Errorf("generate temporary ssh key: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "packer-hardened temporary key")
	if err != nil {
		return "", fmt.Errorf("encode temporary ssh key: %w", err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("encode temporary ssh key: %w", err)
	}
	comm.SSHPrivateKey = pem.EncodeToMemory(block)
	comm.SSHPublicKey = ssh.MarshalAuthorizedKey(sp)
	comm.SSHTemporaryKeyPairName = name
	return string(comm.SSHPublicKey), nil
}

// LocalAddress is the source address this machine uses towards endpoint
// (a UDP "connect" sends nothing; it only consults the routing table);
// fallback is the host used when endpoint is empty.
func LocalAddress(endpoint, fallback string) (string, error) {
	host := endpoint
	if h, _, err := net.SplitHostPort(endpoint); err == nil {
		host = h
	}
	if host == "" {
		host = fallback
	}
	conn, err := net.Dial("udp", net.JoinHostPort(host, "443"))
	if err != nil {
		return "", err
	}
	defer conn.Close()
	return conn.LocalAddr().(*net.UDPAddr).IP.String(), nil
}

// SSHSource is the CIDR that may reach the build machine's SSH: cidr when
// the template sets ssh_cidr, else this machine's address (find: nil uses
// the routing table towards endpoint) as a /32. The Say line warns when
// that address is private, i.e. probably behind NAT.
func SSHSource(state multistep.StateBag, cidr, endpoint, fallback string, find func(endpoint string) (string, error)) (string, error) {
	if cidr != "" {
		return cidr, nil
	}
	if find == nil {
		find = func(ep string) (string, error) { return LocalAddress(ep, fallback) }
	}
	ip, err := find(endpoint)
	if err != nil {
		return "", fmt.Errorf("ssh_cidr is not set and this machine's address could not be found (%v): set ssh_cidr to the address Packer connects from, e.g. 203.0.113.7/32", err)
	}
	if p := net.ParseIP(ip); p != nil && (p.IsPrivate() || p.IsLoopback()) {
		UI(state).Say(fmt.Sprintf("ssh_cidr defaults to this machine's address %s/32; behind NAT set ssh_cidr to your public address", ip))
	}
	return ip + "/32", nil
}

// ProvenanceRecord combines what the provisioner reported (in) with what only
// the builder knows: the base it started from (src), the build time and the
// plugin version.
func ProvenanceRecord(in ProvenanceInput, src Candidate, now time.Time) provenance.Record {
	return provenance.Record{
		ProfileID: in.Profile, ProfileVersion: in.ProfileVersion,
		Pass: in.Summary.Pass, Fail: in.Summary.Fail, Waived: in.Summary.Waived, Manual: in.Summary.Manual,
		BaseImageID: src.Image.ID, BaseOsName: src.Image.OsName, BaseEOL: src.EOLDate(),
		BuildTime: now.UTC().Truncate(time.Second), BuilderVersion: version.String(),
		BundleVersion: in.BundleVersion, PackageSetHash: in.PackageSetHash,
		Patched: in.Patched(), Vulns: in.ProvenanceVulns(),
	}
}

// SignProvenance signs rec with key (nil: unsigned) and says which it is.
func SignProvenance(state multistep.StateBag, rec provenance.Record, key ed25519.PrivateKey) (provenance.Signed, error) {
	signed, err := provenance.Sign(rec, key)
	if err != nil {
		return provenance.Signed{}, fmt.Errorf("provenance: %w", err)
	}
	if signed.IsSigned() {
		UI(state).Say("Provenance signed with key " + signed.KeyID)
	} else {
		UI(state).Error("Provenance is UNSIGNED (no signing_key_file): images that must carry trusted provenance will reject it")
	}
	UI(state).Say("Provenance: " + signed.Summary())
	return signed, nil
}
