package primitive

import (
	"context"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

func TestBuilderExceptionRoundTrip(t *testing.T) {
	ctx := context.Background()
	orig := "Include /etc/ssh/sshd_config.d/*.conf\nUsePAM yes\n"
	tg := newRoot(t, map[string]string{
		"/etc/ssh/sshd_config":                        orig,
		"/etc/ssh/sshd_config.d/00-hardened-cis.conf": "PermitRootLogin no\n",
	})
	b := Builder{User: "root", Addr: "198.18.0.9"}
	tx := engine.NewTx(tg)
	on, err := ProtectBuilder(ctx, tg, tx, b)
	if err != nil || !on {
		t.Fatalf("ProtectBuilder = %v, %v", on, err)
	}
	data, _ := tg.ReadFile("/etc/ssh/sshd_config")
	if !strings.Contains(string(data), "Match User root Address 198.18.0.9\n\tPermitRootLogin prohibit-password") {
		t.Fatalf("no exception block:\n%s", data)
	}
	// The global setting the audit sees is still "no".
	if f := (SSHDOption{Key: "PermitRootLogin", Value: "no"}).Audit(ctx, tg); f.Status != engine.StatusPass {
		t.Errorf("audit with exception: %s %s", f.Status, f.Detail)
	}
	tx2 := engine.NewTx(tg)
	if _, err := ProtectBuilder(ctx, tg, tx2, b); err != nil || len(tx2.Changed()) != 0 {
		t.Errorf("second ProtectBuilder changed %v (%v)", tx2.Changed(), err)
	}
	removed, err := ReleaseBuilder(tg)
	if err != nil || !removed {
		t.Fatalf("ReleaseBuilder = %v, %v", removed, err)
	}
	if data, _ := tg.ReadFile("/etc/ssh/sshd_config"); string(data) != orig {
		t.Errorf("after release:\n%q\nwant\n%q", data, orig)
	}
	// A sudo builder or a profile that keeps key logins for root needs nothing.
	for _, tc := range []struct {
		b    Builder
		conf string
	}{
		{Builder{User: "packer"}, "PermitRootLogin no\n"},
		{b, "PermitRootLogin prohibit-password\n"},
	} {
		tg := newRoot(t, map[string]string{"/etc/ssh/sshd_config": tc.conf})
		tx := engine.NewTx(tg)
		if on, err := ProtectBuilder(ctx, tg, tx, tc.b); on || err != nil || len(tx.Changed()) > 0 {
			t.Errorf("%+v with %q: exception %v, %v, changed %v", tc.b, tc.conf, on, err, tx.Changed())
		}
	}
	if _, err := ProtectBuilder(ctx, tg, engine.NewTx(tg), Builder{User: "root", Addr: "not-an-ip"}); err == nil {
		t.Error("bad builder address accepted")
	}
}
