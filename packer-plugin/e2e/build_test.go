package e2e

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

func tcClient(t *testing.T, srv *tcsim.TestServer) *tencent.Client {
	t.Helper()
	cl, err := tencent.New(context.Background(), tencent.Config{
		Region: region, SecretID: srv.SecretID, SecretKey: srv.SecretKey,
		Endpoints: map[string]string{tencent.ServiceCVM: srv.Endpoint(), tencent.ServiceVPC: srv.Endpoint()},
		Scheme:    "http", PollInterval: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func example(t *testing.T, name string) string {
	return filepath.Join(repoRoot(t), "examples", "packer", name)
}

// TestBuildDebian13 is job #1 end to end: data source → builder → provisioner
// on a real Debian 13 machine, signed provenance, reports, and an instance
// launched from the new image that carries the hardened configuration.
func TestBuildDebian13(t *testing.T) {
	requireAcc(t)
	requireSandbox(t)
	srv := sandboxServer(t)
	e := newEnv(t, srv)
	kp, err := provenance.WriteKeyFiles(filepath.Join(e.dir, "provenance-key"), nil)
	if err != nil {
		t.Fatal(err)
	}
	reports := filepath.Join(e.dir, "reports")
	args := append([]string{"build", "-var", "signing_key_file=" + filepath.Join(e.dir, "provenance-key.pem"),
		"-var", "report_dir=" + reports, "-var", "update=false", "-var", "ssh_cidr=198.18.0.0/15"}, e.endpointVars()...)
	start := time.Now()
	out, err := e.packer(context.Background(), nil, append(args, example(t, "debian13-cis.pkr.hcl"))...)
	if err != nil {
		t.Fatalf("packer build failed: %v", err)
	}
	t.Logf("MEASURE packer build debian13-cis: %s", time.Since(start).Round(time.Second))
	for _, want := range []string{"Base image", "hardened-cis: profile", "Provenance signed with key " + kp.ID, "is ready"} {
		if !strings.Contains(out, want) {
			t.Errorf("packer output lacks %q", want)
		}
	}

	// Exactly one image, NORMAL, and its provenance verifies with the test key.
	res := srv.Resources(region)
	if len(res.PrivateImages) != 1 {
		t.Fatalf("want 1 private image, got %v", res.PrivateImages)
	}
	assertNoOrphans(t, srv, true)
	var imageID string
	for id, st := range res.PrivateImages {
		imageID = id
		if st != "NORMAL" {
			t.Fatalf("image %s is %s", id, st)
		}
	}
	cl := tcClient(t, srv)
	img, err := cl.GetImage(context.Background(), imageID)
	if err != nil {
		t.Fatal(err)
	}
	var ring provenance.KeyRing
	pubPEM, _ := os.ReadFile(filepath.Join(e.dir, "provenance-key.pub.pem"))
	if _, err := ring.Add(pubPEM); err != nil {
		t.Fatal(err)
	}
	prov, err := provenance.VerifyTags(img.Tags, &ring)
	if err != nil {
		t.Fatalf("provenance of %s: %v (tags %v)", imageID, err, img.Tags)
	}
	if prov.Fail != 0 || prov.Pass == 0 || !strings.HasPrefix(prov.BaseOsName, "Debian 13") || prov.BaseEOL.IsZero() || prov.PackageSetHash == "" {
		t.Errorf("provenance: %+v", prov.Record)
	}
	if img.Tags["team"] != "platform" {
		t.Errorf("image_tags not applied: %v", img.Tags)
	}
	t.Logf("provenance: %s", prov.Summary())

	// Reports on disk.
	for _, f := range []string{"apply.json", "audit.json", "audit.html", "audit.junit.xml"} {
		fi, err := os.Stat(filepath.Join(reports, f))
		if err != nil || fi.Size() == 0 {
			t.Errorf("report %s: %v", f, err)
		}
	}
	var audit struct {
		Profile string         `json:"profile"`
		Summary map[string]int `json:"summary"`
	}
	data, _ := os.ReadFile(filepath.Join(reports, "audit.json"))
	if err := json.Unmarshal(data, &audit); err != nil || audit.Profile != prov.ProfileID || audit.Summary["fail"] != 0 {
		t.Errorf("audit.json: %v %+v", err, audit)
	}

	verifyLaunchFromImage(t, cl, imageID, prov.ProfileID)
	assertNoOrphans(t, srv, true)
	if err := cl.DeleteImages(context.Background(), imageID); err != nil {
		t.Fatal(err)
	}
}

// verifyLaunchFromImage boots the hardened image, logs in as a user created
// by user data (root login is closed by the hardening) and checks the
// hardened configuration is there.
func verifyLaunchFromImage(t *testing.T, cl *tencent.Client, imageID, profile string) {
	ctx := context.Background()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := ssh.NewSignerFromKey(priv)
	sp, _ := ssh.NewPublicKey(pub)
	authLine := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp)))
	userData := fmt.Sprintf(`#!/bin/sh
set -e
useradd -m -s /bin/bash verifier
install -d -m 0700 -o verifier -g verifier /home/verifier/.ssh
echo '%s' > /home/verifier/.ssh/authorized_keys
chown verifier:verifier /home/verifier/.ssh/authorized_keys
chmod 0600 /home/verifier/.ssh/authorized_keys
echo 'verifier ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/verifier
chmod 0440 /etc/sudoers.d/verifier
`, authLine)
	id, err := cl.RunInstance(ctx, tencent.RunInstanceInput{
		Zone: region + "-3", ImageID: imageID, InstanceType: "S5.MEDIUM2", Name: "verify-hardened",
		KeepImageLogin: true, UserData: base64.StdEncoding.EncodeToString([]byte(userData)),
	})
	if err != nil {
		t.Fatalf("run instance from %s: %v", imageID, err)
	}
	defer func() {
		if err := cl.TerminateInstances(ctx, id); err != nil {
			t.Errorf("terminate %s: %v", id, err)
		}
		if _, err := cl.WaitInstanceState(ctx, id, tencent.StateTerminated, 5*time.Minute); err != nil {
			t.Errorf("wait terminated %s: %v", id, err)
		}
	}()
	inst, err := cl.WaitInstanceState(ctx, id, "RUNNING", 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort(inst.PrivateIPs[0], "22")
	var c *ssh.Client
	deadline := time.Now().Add(2 * time.Minute)
	for {
		c, err = ssh.Dial("tcp", addr, &ssh.ClientConfig{User: "verifier", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
			HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	if err != nil {
		t.Fatalf("ssh verifier@%s: %v", addr, err)
	}
	defer c.Close()
	run := func(cmd string) string {
		s, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		out, err := s.CombinedOutput(cmd)
		if err != nil {
			t.Fatalf("%s: %v\n%s", cmd, err, out)
		}
		return string(out)
	}
	if got := run("sudo -n /usr/sbin/sshd -T | grep -i '^permitrootlogin'"); !strings.Contains(got, "permitrootlogin no") {
		t.Errorf("sshd of the hardened image: %q", got)
	}
	if got := run("sudo -n cat /var/lib/hardened/provenance.json"); !strings.Contains(got, `"profile": "`+profile+`"`) && !strings.Contains(got, `"profile":"`+profile+`"`) {
		t.Errorf("provenance input in the image does not name profile %s: %.200s", profile, got)
	}
	if got := run("sudo -n sh -c 'test -e /var/lib/hardened/harden && echo present || echo absent'"); strings.TrimSpace(got) != "absent" {
		t.Errorf("harden bundle left in the image")
	}
	// Root login with the instance's key is refused by the hardened sshd.
	if _, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{User: "root", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second}); err == nil {
		t.Error("root may log in over SSH on the hardened image")
	}
}

// TestEOLRefused: an end-of-life base is refused before anything is created.
func TestEOLRefused(t *testing.T) {
	requireAcc(t)
	srv := tcsim.StartForTest(t)
	e := newEnv(t, srv)
	// PACKER_LOG=1 puts the plugin's debug log (API calls) into the output:
	// the secret key must not appear in it.
	out, err := e.packer(context.Background(), []string{"PACKER_LOG=1"}, append(append([]string{"build"}, e.endpointVars()...), example(t, "eol-refused.pkr.hcl"))...)
	if err == nil {
		t.Fatal("packer build of an EOL base succeeded")
	}
	for _, want := range []string{"refused by the lifecycle gate", "Debian 10.13", "img-", "end of life on 2022-09-10", "Build from Debian 13 instead", "os_version"} {
		if !strings.Contains(strings.ToLower(out), strings.ToLower(want)) {
			t.Errorf("error output lacks %q", want)
		}
	}
	if strings.Contains(out, srv.SecretKey) {
		t.Error("the secret key appears in packer's debug log")
	}
	if !strings.Contains(out, "[INFO]") || !strings.Contains(out, "packer-plugin-hardened") {
		t.Error("PACKER_LOG output lacks the plugin's log: the leak check checked nothing")
	}
	assertNoOrphans(t, srv, false)
	st := srv.Stats()
	for _, a := range []string{"RunInstances", "CreateKeyPair", "ImportKeyPair", "CreateSecurityGroup", "CreateVpc"} {
		if st.Actions[a] > 0 {
			t.Errorf("%s was called %d times before the gate refused the base", a, st.Actions[a])
		}
	}
}

// TestPluginCheck runs packer-sdc plugin-check on the built binary.
func TestPluginCheck(t *testing.T) {
	requireAcc(t)
	p := plugin(t)
	cmd := execIn(filepath.Dir(p), filepath.Join(repoRoot(t), "bin", "packer-sdc"), "plugin-check", filepath.Base(p))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("plugin-check: %v\n%s", err, out)
	}
}
