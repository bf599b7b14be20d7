package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// customImage builds a custom image of family from a Debian 13 instance,
// tagged with tags, as the Packer builder leaves it.
func (s *sim) customImage(t *testing.T, name, family string, tags map[string]string) string {
	t.Helper()
	ctx := t.Context()
	ins, err := s.client.RunInstance(ctx, tencent.RunInstanceInput{Zone: "ap-guangzhou-3", ImageID: s.images["Debian 13.1 64位"], InstanceType: "S5.MEDIUM2"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.client.TerminateInstances(context.Background(), ins); err != nil {
			t.Error(err)
		}
	}()
	if _, err := s.client.WaitInstanceState(ctx, ins, "RUNNING", time.Minute); err != nil {
		t.Fatal(err)
	}
	id, err := s.client.CreateImage(ctx, tencent.CreateImageInput{InstanceID: ins, Name: name, Family: family, Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.client.WaitImageNormal(ctx, id, time.Minute); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestProvenanceAndSupersededImages: instances on a signed golden image
// whose family has a newer build report verified provenance, the image that
// supersedes theirs, and fail --fail-on superseded; a policy without the
// signing key makes them unapproved.
func TestProvenanceAndSupersededImages(t *testing.T) {
	s := startSim(t, "ap-guangzhou")
	kp, err := provenance.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := provenance.ParsePrivateKey(kp.PrivatePEM)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := provenance.Sign(provenance.Record{ProfileID: "debian-13", ProfileVersion: "1.0.0", Pass: 187, Fail: 0,
		BaseImageID: s.images["Debian 13.1 64位"], BaseOsName: "Debian 13.1 64位", BuildTime: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC),
		BuilderVersion: "packer-plugin-hardened 0.1.0"}, priv)
	if err != nil {
		t.Fatal(err)
	}
	first := s.customImage(t, "debian13-cis-1", "debian13-cis", signed.Tags())
	second := s.customImage(t, "debian13-cis-2", "debian13-cis", signed.Tags())
	yes := true
	if err := s.client.ModifyImage(t.Context(), first, tencent.ModifyImageInput{Deprecated: &yes}); err != nil {
		t.Fatal(err)
	}
	ins, err := s.client.RunInstance(t.Context(), tencent.RunInstanceInput{Zone: "ap-guangzhou-3", ImageID: first, InstanceType: "S5.MEDIUM2"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	trusted := filepath.Join(dir, "trusted.hcl")
	other := filepath.Join(dir, "other.hcl")
	if err := os.WriteFile(trusted, []byte("require_hardened = true\ntrusted_keys = [\""+strings.TrimSpace(kp.PublicSSH)+"\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, []byte("require_hardened = true\ntrusted_keys = [\"ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	r := runCLI(t, s.env(), false, "--format", "json", "--policy", trusted, "--fail-on", "superseded,unapproved", "--quiet")
	var j jsonReport
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil || len(j.Instances) != 1 {
		t.Fatalf("json (exit %d): %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	in := j.Instances[0]
	if j.Superseded != 1 {
		t.Errorf("json superseded count = %d, want 1", j.Superseded)
	}
	if r.code != exitFindings || !strings.Contains(r.stderr, "1 instance(s) fail --fail-on (1 superseded): ap-guangzhou/"+ins) {
		t.Errorf("exit %d, stderr %q; want 1 naming the superseded instance", r.code, r.stderr)
	}
	if in.Group != "ok" || !in.Allowed || in.SupersededBy != second || !strings.HasPrefix(in.Provenance, "verified: debian-13, audit 187 pass / 0 fail, key ") {
		t.Errorf("instance on the superseded golden image = %+v", in)
	}

	r = runCLI(t, s.env(), false, "--format", "json", "--policy", other, "--fail-on", "unapproved", "--quiet")
	j = jsonReport{}
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil || len(j.Instances) != 1 {
		t.Fatalf("json: %v\n%s", err, r.stdout)
	}
	if in := j.Instances[0]; r.code != exitFindings || in.Group != "unapproved" || !strings.HasPrefix(in.Provenance, "unverified: ") ||
		!strings.Contains(strings.Join(in.Codes, " "), "untrusted_key") {
		t.Errorf("exit %d; instance under a policy without its key = %+v", r.code, in)
	}

	r = runCLI(t, s.env(), false, "--policy", trusted, "--format", "html", "--quiet")
	if !strings.Contains(r.stdout, "<th>on a superseded image</th>") || !strings.Contains(r.stdout, "<td>1</td></tr></table>") {
		t.Errorf("html summary lacks the superseded count:\n%s", r.stdout)
	}
	r = runCLI(t, s.env(), false, "--policy", trusted, "--quiet")
	if !strings.Contains(r.stdout, "image "+second) || !strings.Contains(r.stdout, "(on a superseded image: 1)") {
		t.Errorf("table does not name the superseding image %s:\n%s", second, r.stdout)
	}
}
