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
	out, err := e.packer(context.Background(), nil, "build", "-var", "host="+sb.Addr(), "-var", "key_file="+keyFile,
		"-var", "report_dir="+reports, "-var", "update="+os.Getenv("PACKER_E2E_UPDATE"), filepath.Join(repoRoot(t), "packer-plugin", "e2e", "testdata", "null-builder.pkr.hcl"))
	if err != nil {
		t.Fatalf("packer build: %v", err)
	}
	if os.Getenv("PACKER_E2E_UPDATE") == "true" && !strings.Contains(out, "updates installed") {
		t.Error("update = true did not install pending updates")
	}
	if !strings.Contains(out, "hardened-cis: profile debian-13:") || !strings.Contains(out, " 0 fail") {
		t.Error("no passing audit summary in the output")
	}
	for _, f := range []string{"audit.json", "audit.html", "audit.junit.xml"} {
		if fi, err := os.Stat(filepath.Join(reports, f)); err != nil || fi.Size() == 0 {
			t.Errorf("report %s: %v", f, err)
		}
	}
	// The machine is hardened and the bundle is gone from it.
	stdout, _, err := sb.Exec(context.Background(), nil, "sh", "-c", "sshd -T | grep -i '^permitrootlogin'; test -e /var/lib/hardened/harden && echo bundle-left || true")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(stdout); !strings.Contains(got, "permitrootlogin no") || strings.Contains(got, "bundle-left") {
		t.Errorf("machine after hardening: %q", got)
	}
}
