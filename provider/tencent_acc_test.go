package provider

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// simEnv is one tcsim for one acceptance test, with helpers to write the
// provider block and to inspect the emulator.
type simEnv struct {
	t   *testing.T
	srv *tcsim.TestServer
	// ids maps OsName → public image id of the seeded catalog.
	ids    map[string]string
	client *tencent.Client
}

const simRegion = "ap-guangzhou"

func startSim(t *testing.T, opts ...tcsim.Option) *simEnv {
	t.Helper()
	requireAcc(t)
	srv := tcsim.StartForTest(t, opts...)
	e := &simEnv{t: t, srv: srv, ids: map[string]string{}}
	c, err := tencent.New(t.Context(), e.clientConfig())
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	imgs, err := c.ListImages(t.Context(), []tencent.Filter{{Name: "image-type", Values: []string{"PUBLIC_IMAGE"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range imgs {
		if img.Architecture == "x86_64" {
			e.ids[img.OsName] = img.ID
		}
	}
	return e
}

func (e *simEnv) clientConfig() tencent.Config {
	cfg := tencent.Config{SecretID: e.srv.SecretID, SecretKey: e.srv.SecretKey, Region: simRegion,
		Endpoints: e.srv.Endpoints(), Scheme: "http", Getenv: func(string) string { return "" }}
	fastClient(&cfg)
	return cfg
}

// fastClient shortens waiter polls and retry delays for tcsim, whose state
// machines run in milliseconds.
func fastClient(c *tencent.Config) {
	c.PollInterval = 50 * time.Millisecond
	c.RetryBaseDelay = 20 * time.Millisecond
	c.RetryMaxDelay = 200 * time.Millisecond
}

func (e *simEnv) factories(opts ...Option) map[string]func() (tfprotov6.ProviderServer, error) {
	return factories(append([]Option{WithTencentConfig(fastClient)}, opts...)...)
}

// id returns the public image id of osName, failing the test when tcsim
// has no such image.
func (e *simEnv) id(osName string) string {
	e.t.Helper()
	id, ok := e.ids[osName]
	if !ok {
		e.t.Fatalf("tcsim catalog has no x86_64 image %q", osName)
	}
	return id
}

// provider renders the provider block pointing at tcsim; extra is more
// attributes (policy settings).
func (e *simEnv) provider(extra ...string) string {
	var eps []string
	for svc, ep := range e.srv.Endpoints() {
		eps = append(eps, fmt.Sprintf("%s = %q", svc, ep))
	}
	sort.Strings(eps)
	return fmt.Sprintf(`
provider "hardened" {
  secret_id  = %q
  secret_key = %q
  region     = %q
  protocol   = "HTTP"
  endpoints  = { %s }
  %s
}
`, e.srv.SecretID, e.srv.SecretKey, simRegion, strings.Join(eps, ", "), strings.Join(extra, "\n  "))
}

// noInstancesLeft is a CheckDestroy: tcsim must hold no instance that is not
// terminated.
func (e *simEnv) noInstancesLeft(*terraform.State) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		res := e.srv.Resources(simRegion)
		if len(res.Instances) == 0 {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("instances left in tcsim: %v", res.Instances)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// listLongerThan checks a list has more than n elements.
func listLongerThan(n int) knownvalue.Check { return lenCheck{n} }

type lenCheck struct{ n int }

func (c lenCheck) CheckValue(v any) error {
	l, ok := v.([]any)
	if !ok {
		return fmt.Errorf("expected a list, got %T", v)
	}
	if len(l) <= c.n {
		return fmt.Errorf("list has %d elements, want more than %d", len(l), c.n)
	}
	return nil
}

func (c lenCheck) String() string { return fmt.Sprintf("list longer than %d", c.n) }

// customImage launches a helper instance from base, creates a custom image
// carrying tags from it and terminates the helper again, returning the
// image id (CreatedTime set, type PRIVATE_IMAGE).
func (e *simEnv) customImage(base, name string, tags map[string]string) string {
	e.t.Helper()
	return e.customImageInFamily(base, name, "", tags)
}

// customImageInFamily is customImage with an image family (ImageFamily).
func (e *simEnv) customImageInFamily(base, name, family string, tags map[string]string) string {
	e.t.Helper()
	ctx := e.t.Context()
	c := e.client
	ins, err := c.RunInstance(ctx, tencent.RunInstanceInput{Zone: simRegion + "-3", ImageID: e.id(base), InstanceType: "S5.MEDIUM2", Name: "image-builder"})
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() {
		if err := c.TerminateInstances(context.Background(), ins); err != nil {
			e.t.Error(err)
		}
		if _, err := c.WaitInstanceState(context.Background(), ins, tencent.StateTerminated, time.Minute); err != nil {
			e.t.Error(err)
		}
	}()
	if _, err := c.WaitInstanceState(ctx, ins, "RUNNING", time.Minute); err != nil {
		e.t.Fatal(err)
	}
	id, err := c.CreateImage(ctx, tencent.CreateImageInput{InstanceID: ins, Name: name, Family: family, Tags: tags})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := c.WaitImageNormal(ctx, id, time.Minute); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// signedProvenance returns provenance tags for a Debian 13 build signed
// with a fresh key, and that key's public half as trusted_keys accepts it.
// edits change the record before it is signed.
func signedProvenance(t *testing.T, baseID string, edits ...func(*provenance.Record)) (map[string]string, string) {
	t.Helper()
	priv, pub := testSigningKey(t)
	rec := provenance.Record{
		ProfileID: "debian-13", ProfileVersion: "1.0.0", Pass: 187, Fail: 0, Waived: 2, Manual: 4,
		BaseImageID: baseID, BaseOsName: "Debian 13.1 64位", BaseEOL: time.Date(2028, 8, 9, 0, 0, 0, 0, time.UTC),
		BuildTime: testToday.Add(-24 * time.Hour), BuilderVersion: "packer-plugin-hardened 0.1.0", BundleVersion: "0.1.0",
	}
	for _, edit := range edits {
		edit(&rec)
	}
	s, err := provenance.Sign(rec, priv)
	if err != nil {
		t.Fatal(err)
	}
	return s.Tags(), pub
}

// testSigningKey is a fresh provenance key and its public half as
// trusted_keys accepts it.
func testSigningKey(t *testing.T) (ed25519.PrivateKey, string) {
	t.Helper()
	kp, err := provenance.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := provenance.ParsePrivateKey(kp.PrivatePEM)
	if err != nil {
		t.Fatal(err)
	}
	return priv, kp.PublicSSH
}

// tfjsonpathNew builds a path of map keys.
func tfjsonpathNew(first string, rest ...string) tfjsonpath.Path {
	p := tfjsonpath.New(first)
	for _, k := range rest {
		p = p.AtMapKey(k)
	}
	return p
}

type terraformState = terraform.State
