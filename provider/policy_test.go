package provider

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
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
	if p.Mode != "audit" || !p.RequireHardened || p.MaxImageAgeDays != 90 || len(p.TrustedKeys) != 2 || p.Ring == nil || len(p.Exceptions) != 1 {
		t.Fatalf("policy = %+v", p)
	}
	for _, tt := range []struct {
		family, version string
		want            bool
	}{
		{"debian", "13", true}, {"debian", "12", false}, {"rocky", "8", true}, {"ubuntu", "24.04", false},
	} {
		if got := p.allowsOS(tt.family, tt.version); got != tt.want {
			t.Errorf("allowsOS(%s, %s) = %v", tt.family, tt.version, got)
		}
	}
	if !(imagePolicy{}).allowsOS("centos", "7") {
		t.Error("empty allowed_os must allow every OS")
	}
	day := func(s string) time.Time { d, _ := lifecycle.ParseDate(s); return d.Add(15 * time.Hour) }
	if _, ok := p.exceptionFor("img-9qrfy1xt", day("2026-11-30")); !ok {
		t.Error("exception must apply on its expiry day")
	}
	if _, ok := p.exceptionFor("img-9qrfy1xt", day("2026-12-01")); ok {
		t.Error("exception applied after expiry")
	}
	if _, ok := p.exceptionFor("img-00000000", day("2026-11-23")); ok {
		t.Error("exception applied to another image")
	}
	// Nothing configured: defaults.
	d := policyFrom(providerModel{Mode: types.StringUnknown(), TrustedKeys: types.ListUnknown(types.StringType)}, nil, lifecycle.DefaultPolicy())
	if d.Mode != defaultMode || d.RequireHardened || d.TrustedKeys != nil || d.AllowedOS != nil {
		t.Errorf("defaults = %+v", d)
	}
}

func TestParseTrustedKey(t *testing.T) {
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
	forms := map[string]string{
		"pem":     string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		"openssh": string(ssh.MarshalAuthorizedKey(sshPub)) + " builder@ci",
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
