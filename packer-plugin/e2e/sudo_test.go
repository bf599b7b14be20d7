package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandboxbackend"
	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

// TestBuildAsSudoUser: the base logs in as a non-root user with password-less
// sudo; hardening runs through sudo, a waiver reaches the bundle, and the
// provenance counts it.
func TestBuildAsSudoUser(t *testing.T) {
	requireAcc(t)
	requireSandbox(t)
	dir := t.TempDir()
	seed := filepath.Join(dir, "seed.json")
	data, _ := json.Marshal(tcsim.SeedFile{Images: []tcsim.SeedImage{{
		ImageID: "img-debsudo1", OsName: "Debian 13.1 64位", Platform: "Debian", LoginUser: "debian",
		BackingRef: "debian:trixie", ImageSize: 20, Regions: []string{region},
	}}})
	if err := os.WriteFile(seed, data, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := sandboxbackend.New(sandboxbackend.Config{Logf: t.Logf, DestroyOnSignal: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(context.Background()); err != nil {
			t.Errorf("close sandbox backend: %v", err)
		}
	})
	srv := tcsim.StartForTest(t, tcsim.WithBackend(b), tcsim.WithOptions(func(o *tcsim.Options) { o.SeedFile = seed }))
	e := newEnv(t, srv)
	kp, err := provenance.WriteKeyFiles(filepath.Join(e.dir, "key"), nil)
	if err != nil {
		t.Fatal(err)
	}
	reports := filepath.Join(e.dir, "reports")
	out, err := e.packer(context.Background(), nil, "build",
		"-var", "cvm_endpoint="+srv.Endpoint(), "-var", "vpc_endpoint="+srv.Endpoint(),
		"-var", "source_image_id=img-debsudo1", "-var", "signing_key_file="+filepath.Join(e.dir, "key.pem"),
		"-var", "report_dir="+reports, filepath.Join(repoRoot(t), "packer-plugin", "e2e", "testdata", "sudo-user.pkr.hcl"))
	if err != nil {
		t.Fatalf("packer build: %v", err)
	}
	if !strings.Contains(out, "hardened-cis: profile debian-13:") {
		t.Errorf("no audit summary in the output")
	}
	var waived int
	res := srv.Resources(region)
	assertNoOrphans(t, srv, true)
	if len(res.PrivateImages) != 1 {
		t.Fatalf("images: %v", res.PrivateImages)
	}
	cl := tcClient(t, srv)
	for id := range res.PrivateImages {
		img, err := cl.GetImage(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		var ring provenance.KeyRing
		pub, _ := os.ReadFile(filepath.Join(e.dir, "key.pub.pem"))
		if _, err := ring.Add(pub); err != nil {
			t.Fatal(err)
		}
		p, err := provenance.VerifyTags(img.Tags, &ring)
		if err != nil || p.KeyID != kp.ID {
			t.Fatalf("provenance: %v", err)
		}
		if p.Fail != 0 {
			t.Errorf("provenance counts: %+v", p.Record)
		}
		waived = p.Waived
	}
	var audit struct {
		Rules []struct{ ID, Status string } `json:"rules"`
	}
	data, _ = os.ReadFile(filepath.Join(reports, "audit.json"))
	if err := json.Unmarshal(data, &audit); err != nil {
		t.Fatal(err)
	}
	seen, n := false, 0
	for _, r := range audit.Rules {
		if r.Status == "waived" {
			n++
		}
		if r.ID == "fail2ban-sshd" {
			seen = true
			if r.Status != "waived" {
				t.Errorf("fail2ban-sshd is %s, want waived", r.Status)
			}
		}
	}
	if !seen || n != waived {
		t.Errorf("audit has %d waived rules (fail2ban-sshd present: %v); provenance says %d", n, seen, waived)
	}
}
