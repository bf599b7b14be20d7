package provider

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"slices"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
)

func strList(t *testing.T, vals ...attr.Value) types.List {
	t.Helper()
	l, d := types.ListValue(types.StringType, vals)
	if d.HasError() {
		t.Fatal(d)
	}
	return l
}

func TestPolicyFrom(t *testing.T) {
	key := "GxxS/3fd3L35KQKyJE+p6kBpPVbc8BpyLE3k2CvHzrE="
	cfg := providerModel{
		Mode:            types.StringValue("audit"),
		RequireHardened: types.BoolValue(true),
		MaxImageAgeDays: types.Int64Value(90),
		TrustedKeys:     strList(t, types.StringValue("ed25519:"+key), types.StringValue(key), types.StringUnknown()),
		AllowedOS:       strList(t, types.StringValue("debian 13"), types.StringValue("Rocky Linux")),
	}
	exceptions := []exceptionModel{
		{ImageID: types.StringValue("img-9qrfy1xt"), Reason: types.StringValue("CHG-1"), Expires: types.StringValue("2026-11-30")},
		{ImageID: types.StringUnknown(), Reason: types.StringValue("x"), Expires: types.StringValue("2026-12-30")},
	}
	p := policyFrom(cfg, exceptions, lifecycle.DefaultPolicy())
	// The two known trusted_keys are one key in two spellings: one ring entry.
	if p.Mode != policy.ModeAudit || !p.RequireHardened || p.MaxImageAgeDays != 90 || p.Trusted == nil || p.Trusted.Len() != 1 {
		t.Fatalf("policy = %+v", p)
	}
	// allowed_os entries become canonical selectors; how the engine
	// applies them is tested in internal/policy.
	wantOS := []policy.Selector{{Family: "debian", Version: "13"}, {Family: "rocky"}}
	if !slices.Equal(p.AllowedOS, wantOS) {
		t.Errorf("AllowedOS = %v, want %v", p.AllowedOS, wantOS)
	}
	// The exception with an unknown image id is left out; the expiry date
	// is kept as the inclusive day (internal/policy tests the semantics).
	expires, _ := lifecycle.ParseDate("2026-11-30")
	wantExc := []policy.Exception{{ImageID: "img-9qrfy1xt", Reason: "CHG-1", Expires: expires}}
	if !slices.Equal(p.Exceptions, wantExc) {
		t.Errorf("Exceptions = %v, want %v", p.Exceptions, wantExc)
	}
	// Nothing configured: defaults.
	d := policyFrom(providerModel{Mode: types.StringUnknown(), TrustedKeys: types.ListUnknown(types.StringType)}, nil, lifecycle.DefaultPolicy())
	if d.Mode != defaultMode || d.RequireHardened || d.Trusted.Len() != 0 || d.AllowedOS != nil || d.Exceptions != nil {
		t.Errorf("defaults = %+v", d)
	}
}

// testKey is a fresh ed25519 public key with its PEM ("BEGIN PUBLIC KEY") and
// OpenSSH authorized_keys ("ssh-ed25519 AAAA…\n") forms, as trusted_keys takes them.
func testKey(t *testing.T) (pub ed25519.PublicKey, pemForm, sshForm string) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pub, string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), string(ssh.MarshalAuthorizedKey(sshPub))
}

func TestParseTrustedKey(t *testing.T) {
	pub, pemForm, sshForm := testKey(t)
	forms := map[string]string{
		"pem":     pemForm,
		"openssh": sshForm + " builder@ci",
		"base64":  base64.StdEncoding.EncodeToString(pub),
		"prefix":  "ed25519:" + base64.StdEncoding.EncodeToString(pub),
	}
	for name, s := range forms {
		k, err := parseTrustedKey(s)
		if err != nil || !k.Equal(pub) {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, bad := range []string{"", "ssh-rsa AAAAB3NzaC1yc2E", "ed25519:AAAA", "-----BEGIN PUBLIC KEY-----\nZm9v\n-----END PUBLIC KEY-----"} {
		if _, err := parseTrustedKey(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
