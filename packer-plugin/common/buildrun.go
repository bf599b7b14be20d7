package common

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/uuid"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// Build is what both builders' Run sets up before the steps: the client,
// the gate's policy, the signing key, this build's id and the names and
// tags of its temporary resources, and the state bag.
type Build struct {
	Client *tencent.Client
	Policy LifecyclePolicy
	Key    ed25519.PrivateKey // nil: unsigned
	ID     string             // uuid, in the packer-hardened-build tag
	Short  string             // 8 characters of ID, for resource names
	Name   string             // of the build instance
	Tags   map[string]string  // on every temporary resource
	State  *multistep.BasicStateBag
}

// StartBuild prepares a build of builder (e.g. "hardened-cvm") from the
// validated settings; instanceName and runTags are the template's.
func StartBuild(ctx context.Context, builder string, access *AccessConfig, gate *GateConfig, signingKeyFile, instanceName string,
	runTags map[string]string, u packersdk.Ui, hook packersdk.Hook, config interface{}) (*Build, error) {
	log := hclog.New(&hclog.LoggerOptions{Name: builder, Level: hclog.LevelFromString("DEBUG")})
	cl, err := access.Client(ctx, log)
	if err != nil {
		return nil, err
	}
	b := &Build{Client: cl}
	if b.Policy, err = gate.Policy(); err != nil {
		return nil, err
	}
	if signingKeyFile != "" {
		if b.Key, err = provenance.LoadPrivateKeyFile(signingKeyFile); err != nil {
			return nil, fmt.Errorf("signing_key_file: %w", err)
		}
	}
	b.ID = uuid.TimeOrderedUUID()
	b.Short = strings.ReplaceAll(b.ID, "-", "")[:8]
	b.Name = instanceName
	if b.Name == "" {
		b.Name = "packer-hardened-" + b.Short
	}
	b.Tags = maps.Clone(runTags)
	if b.Tags == nil {
		b.Tags = map[string]string{}
	}
	b.Tags["packer-hardened-build"] = b.ID
	b.State = new(multistep.BasicStateBag)
	b.State.Put("config", config)
	b.State.Put("hook", hook)
	b.State.Put("ui", u)
	b.State.Put("client", cl)
	return b, nil
}

// Clock is now, or time.Now when nil.
func Clock(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}

// Outcome is how the steps ended: the recorded error, a cancellation or a
// halt, or nil when the build finished.
func Outcome(state multistep.StateBag) error {
	if err, ok := state.GetOk("error"); ok {
		return err.(error)
	}
	if _, ok := state.GetOk(multistep.StateCancelled); ok {
		return errors.New("build was cancelled")
	}
	if _, ok := state.GetOk(multistep.StateHalted); ok {
		return errors.New("build was halted")
	}
	return nil
}
