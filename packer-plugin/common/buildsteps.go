package common

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/communicator"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/template/config"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// Steps and Prepare pieces both builders run the same way; what differs
// (which API creates or deletes) comes in as functions.

// StateKeyPairID is the state key of the temporary key pair's id.
const StateKeyPairID = "key_pair_id"

// DecodeBuilderConfig decodes a builder's template into cfg with the
// interpolation every builder uses.
func DecodeBuilderConfig(cfg interface{}, builderID string, ctx *interpolate.Context, raws ...interface{}) error {
	return config.Decode(cfg, &config.DecodeOpts{
		PluginType:         builderID,
		Interpolate:        true,
		InterpolateContext: ctx,
		InterpolateFilter:  &interpolate.RenderFilter{Exclude: []string{"run_command"}},
	}, raws...)
}

// Problems collects a Prepare's errors and warnings.
type Problems struct {
	Errs  *packersdk.MultiError
	Warns []string
}

// Add records errors.
func (p *Problems) Add(errs ...error) { p.Errs = packersdk.MultiErrorAppend(p.Errs, errs...) }

// Check records what one of the shared checks (Check*, PrepareSSH) found.
func (p *Problems) Check(warns []string, errs []error) {
	p.Warns = append(p.Warns, warns...)
	p.Add(errs...)
}

// Result is what Prepare returns: the warnings, and the errors or nil.
func (p *Problems) Result() ([]string, error) {
	if p.Errs != nil && len(p.Errs.Errors) > 0 {
		return p.Warns, p.Errs
	}
	return p.Warns, nil
}

// StepTemporaryKeyPair imports a temporary SSH key pair whose private half
// is generated on this machine and never leaves it, unless the template
// brings its own SSH credentials. Its id goes to StateKeyPairID.
type StepTemporaryKeyPair struct {
	Comm *communicator.Config
	Name string
	Tags map[string]string
	// Import imports the public key (authorized_keys line) with the
	// build's client and returns the key pair id.
	Import func(cl *tencent.Client, ctx context.Context, name, publicKey string, tags map[string]string) (string, error)
	// Delete deletes it again.
	Delete func(cl *tencent.Client, ctx context.Context, id string) error

	keyID string
}

func (s *StepTemporaryKeyPair) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	if UsesOwnSSHCredentials(s.Comm) {
		UI(state).Say("Using the SSH credentials from the communicator settings; no temporary key pair")
		return multistep.ActionContinue
	}
	pub, err := TemporarySSHKey(s.Comm, s.Name)
	if err != nil {
		return Halt(state, err)
	}
	UI(state).Say(fmt.Sprintf("Creating temporary key pair %s...", s.Name))
	id, err := s.Import(state.Get("client").(*tencent.Client), ctx, s.Name, pub, s.Tags)
	if err != nil {
		return Halt(state, fmt.Errorf("import temporary key pair %s: %w", s.Name, err))
	}
	s.keyID = id
	state.Put(StateKeyPairID, id)
	return multistep.ActionContinue
}

// Cleanup runs after the instance's (steps clean up in reverse): the clouds
// refuse to delete a key pair an instance still uses.
func (s *StepTemporaryKeyPair) Cleanup(state multistep.StateBag) {
	cl := state.Get("client").(*tencent.Client)
	DeleteCreated(state, "temporary key pair", &s.keyID, func(ctx context.Context, id string) error {
		return s.Delete(cl, ctx, id)
	})
}

// TerminateAndWait is the Cleanup of a build instance: on a fresh context
// it terminates *id and waits until it is gone (key pairs, security groups
// and subnets can only be deleted once nothing uses them), then clears *id.
// A failure names the instance so it can be terminated by hand.
func TerminateAndWait(state multistep.StateBag, id *string, terminate, waitGone func(ctx context.Context, id string) error) {
	if *id == "" {
		return
	}
	ctx, cancel := CleanupContext()
	defer cancel()
	UI(state).Say(fmt.Sprintf("Terminating instance %s...", *id))
	if err := terminate(ctx, *id); err != nil {
		UI(state).Error(fmt.Sprintf("Error terminating instance %s: %v (terminate it by hand)", *id, err))
		return
	}
	if err := waitGone(ctx, *id); err != nil {
		UI(state).Error(fmt.Sprintf("Error waiting for instance %s to terminate: %v", *id, err))
		return
	}
	*id = ""
}

// AcceptBase records the base that passed the gate under stateKey, says
// why it passed (and warns when it is not plainly supported), and exposes
// it to provisioners as generated data <prefix>ID, <prefix>OsName and
// <prefix>EOL (e.g. build.SourceImageID).
func AcceptBase(state multistep.StateBag, c Candidate, stateKey, prefix string) {
	u := UI(state)
	u.Say(fmt.Sprintf("Base %s %s (%s): %s", noun(c.Kind), c.Image.ID, c.Image.OsName, c.Status.Reason()))
	if c.Status.Phase != lifecycle.PhaseSupported {
		u.Error(fmt.Sprintf("Warning: base %s is in phase %s", c.Image.ID, c.Status.Phase))
	}
	state.Put(stateKey, c)
	eol := ""
	if d := c.EOLDate(); !d.IsZero() {
		eol = d.Format(time.DateOnly)
	}
	state.Put("generated_data", map[string]interface{}{
		prefix + "ID": c.Image.ID, prefix + "OsName": c.Image.OsName, prefix + "EOL": eol,
	})
}
