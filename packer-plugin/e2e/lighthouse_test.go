package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// lighthouseArgs is `packer build` of the Lighthouse example against tcsim.
func lighthouseArgs(t *testing.T, e *env, extra ...string) []string {
	args := append([]string{"build", "-var", "report_dir=" + filepath.Join(e.dir, "reports"), "-var", "update=false",
		"-var", "ssh_cidr=198.18.0.0/15", "-var", "lighthouse_endpoint=" + e.srv.Endpoint(), "-var", "scheme=http"}, extra...)
	return append(args, example(t, "debian13-lighthouse-cis.pkr.hcl"))
}

// assertNoLighthouseOrphans fails when a build left an instance, a key pair
// or (unless allowBlueprints) a blueprint. Firewall rules belong to the
// instance in Lighthouse, so no instance means no rule either.
func assertNoLighthouseOrphans(t *testing.T, srv *tcsim.TestServer, allowBlueprints bool) {
	t.Helper()
	r := srv.Resources(region).Lighthouse
	if len(r.Instances) > 0 || len(r.KeyPairs) > 0 {
		t.Errorf("orphans in tcsim: lighthouse instances=%v key_pairs=%v", r.Instances, r.KeyPairs)
	}
	if !allowBlueprints && len(r.Blueprints) > 0 {
		t.Errorf("orphan blueprints: %v", r.Blueprints)
	}
}

// TestBuildLighthouseDebian13: the Lighthouse example end to end on a real
// Debian 13 machine: data source (product = "lighthouse") → hardened-lighthouse
// → hardened-cis; one NORMAL custom blueprint whose packed tags carry
// provenance that verifies, and no temporary resource left.
func TestBuildLighthouseDebian13(t *testing.T) {
	requireAcc(t)
	requireSandbox(t)
	srv := sandboxServer(t)
	e := newEnv(t, srv)
	kp, err := provenance.WriteKeyFiles(filepath.Join(e.dir, "provenance-key"), nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out, err := e.packer(context.Background(), nil, lighthouseArgs(t, e, "-var", "signing_key_file="+filepath.Join(e.dir, "provenance-key.pem"))...)
	if err != nil {
		t.Fatalf("packer build failed: %v", err)
	}
	t.Logf("MEASURE packer build debian13-lighthouse-cis: %s", time.Since(start).Round(time.Second))
	for _, want := range []string{"Base blueprint lhbp-", "Restricting the firewall", "TCP 22 from 198.18.0.0/15 only",
		"hardened-cis: profile", "Provenance signed with key " + kp.ID, "Blueprint lhbp-", "is ready"} {
		if !strings.Contains(out, want) {
			t.Errorf("packer output lacks %q", want)
		}
	}
	assertNoLighthouseOrphans(t, srv, true)
	res := srv.Resources(region).Lighthouse
	if len(res.Blueprints) != 1 {
		t.Fatalf("want 1 custom blueprint, got %v", res.Blueprints)
	}
	var id string
	for bid, st := range res.Blueprints {
		if id = bid; st != "NORMAL" {
			t.Fatalf("blueprint %s is %s", bid, st)
		}
	}
	cl, err := tencent.New(context.Background(), tencent.Config{Region: region, SecretID: srv.SecretID, SecretKey: srv.SecretKey,
		Endpoints: map[string]string{tencent.ServiceLighthouse: srv.Endpoint()}, Scheme: "http"})
	if err != nil {
		t.Fatal(err)
	}
	bp, err := cl.GetBlueprint(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var ring provenance.KeyRing
	pubPEM, _ := os.ReadFile(filepath.Join(e.dir, "provenance-key.pub.pem"))
	if _, err := ring.Add(pubPEM); err != nil {
		t.Fatal(err)
	}
	prov, err := provenance.VerifyTags(bp.Tags, &ring)
	if err != nil {
		t.Fatalf("provenance of %s: %v (tags %v)", id, err, bp.Tags)
	}
	if prov.Fail != 0 || prov.Pass == 0 || prov.BaseOsName != "Debian 13.1 64bit" || prov.BaseEOL.IsZero() || prov.PackageSetHash == "" {
		t.Errorf("provenance: %+v", prov.Record)
	}
	if bp.Tags["team"] != "platform" || len(bp.Tags) > 10 || bp.Type != "PRIVATE" || !strings.HasPrefix(bp.Description, "hardened ") {
		t.Errorf("blueprint %+v", bp)
	}
	t.Logf("provenance: %s", prov.Summary())
	if err := cl.DeleteBlueprints(context.Background(), id); err != nil {
		t.Fatal(err)
	}
}

// TestLighthouseInterruptLeavesNoOrphans sends SIGINT to packer while the
// provisioner runs on a real machine, with 20% of all calls throttled: the
// build must stop, terminate the instance (its firewall rules with it),
// delete the key pair and create no blueprint.
func TestLighthouseInterruptLeavesNoOrphans(t *testing.T) {
	requireAcc(t)
	requireSandbox(t)
	faults, err := tcsim.ParseFaultSpec("seed=7,*:throttle=0.2")
	if err != nil {
		t.Fatal(err)
	}
	srv := sandboxServer(t, tcsim.WithFaults(faults))
	e := newEnv(t, srv)
	out := interruptProvisioning(t, e, lighthouseArgs(t, e), " (lighthouse)", func() {
		if r := srv.Resources(region).Lighthouse; len(r.Instances) != 1 || len(r.KeyPairs) != 1 {
			t.Errorf("before the interrupt the build should own one instance and key pair: %+v", r)
		}
	})
	for _, want := range []string{"Terminating instance lhins-", "Deleting temporary key pair lhkp-"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	assertNoLighthouseOrphans(t, srv, false)
	if st := srv.Stats(); sum(st.Faults) == 0 {
		t.Error("no fault was injected: the test did not exercise retries")
	}
}
