package e2e

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandbox"
	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

// TestProvisionerWithNullBuilder: hardened-cis works with any builder that
// gives SSH, here Packer's built-in null builder against a running machine.
func TestProvisionerWithNullBuilder(t *testing.T) {
	requireAcc(t)
	requireSandbox(t)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sp, _ := ssh.NewPublicKey(pub)
	sb := sandbox.NewForTest(t, sandbox.Options{Release: sandbox.Trixie, AuthorizedKeys: []string{strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp)))}})
	srv := tcsim.StartForTest(t) // only for the environment's credentials; the null builder makes no API call
	e := newEnv(t, srv)
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(e.dir, "id")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	reports := filepath.Join(e.dir, "reports")
	if os.Getenv("PACKER_E2E_UPDATE") == "" {
		// The provisioner's default (update = true): apt goes through the
		// sandbox's apt-cacher-ng; PACKER_E2E_UPDATE=false skips it.
		t.Setenv("PACKER_E2E_UPDATE", "true")
	}
	// A feed with one advisory every Debian 13 machine matches (base-files
	// fixed in a version above any release): the scan runs, reports it and,
	// with fail_on_fixable = "none", does not fail the build.
	feed := filepath.Join(e.dir, "osv.json")
	if err := os.WriteFile(feed, []byte(`{"id":"HARDENED-E2E-0002","modified":"2026-11-20T00:00:00Z","published":"2026-10-01T00:00:00Z",
  "affected":[{"package":{"ecosystem":"Debian:13","name":"base-files"},"database_specific":{"severity":"high"},
  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"99"}]}]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := e.packer(context.Background(), nil, "build", "-var", "host="+sb.Addr(), "-var", "key_file="+keyFile,
		"-var", "report_dir="+reports, "-var", "update="+os.Getenv("PACKER_E2E_UPDATE"),
		"-var", "vulns_feed="+feed, "-var", "fail_on_fixable=none",
		filepath.Join(repoRoot(t), "packer-plugin", "e2e", "testdata", "null-builder.pkr.hcl"))
	if err != nil {
		t.Fatalf("packer build: %v", err)
	}
	if os.Getenv("PACKER_E2E_UPDATE") == "true" && !strings.Contains(out, "updates installed") {
		t.Error("update = true did not install pending updates")
	}
	if !strings.Contains(out, "hardened-cis: profile debian-13:") || !strings.Contains(out, " 0 fail") {
		t.Error("no passing audit summary in the output")
	}
	if !strings.Contains(out, "hardened-cis: vulnerabilities: 1 fixable (1 high), 0 without a fix yet; feed date 2026-11-20") {
		t.Error("no vulnerability scan summary in the output")
	}
	if b, err := os.ReadFile(filepath.Join(reports, "audit.json")); err != nil || !strings.Contains(string(b), "HARDENED-E2E-0002") {
		t.Errorf("audit.json (the provenance input) lacks the scan: %v", err)
	}
	for _, f := range []string{"audit.json", "audit.html", "audit.junit.xml"} {
		if fi, err := os.Stat(filepath.Join(reports, f)); err != nil || fi.Size() == 0 {
			t.Errorf("report %s: %v", f, err)
		}
	}
	// The machine is hardened and the bundle is gone from it.
	stdout, _, err := sb.Exec(context.Background(), nil, "sh", "-c", "sshd -T | grep -i '^permitrootlogin'; test -e /var/lib/hardened/harden && echo bundle-left; test -e /var/lib/hardened/osv-feed.json && echo feed-left; true")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(stdout); !strings.Contains(got, "permitrootlogin no") || strings.Contains(got, "bundle-left") || strings.Contains(got, "feed-left") {
		t.Errorf("machine after hardening: %q", got)
	}
}
