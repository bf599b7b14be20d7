package baseimage

import (
	"context"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

func TestDatasourceAgainstTCSim(t *testing.T) {
	srv := tcsim.StartForTest(t)
	cfg := func(extra map[string]interface{}) map[string]interface{} {
		m := map[string]interface{}{"secret_id": srv.SecretID, "secret_key": srv.SecretKey, "region": "ap-guangzhou",
			"cvm_endpoint": srv.Endpoint(), "vpc_endpoint": srv.Endpoint(), "scheme": "http", "today": "2026-11-23"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	var d Datasource
	if err := d.Configure(cfg(map[string]interface{}{"os_family": "debian", "os_version": "13"})); err != nil {
		t.Fatal(err)
	}
	out, err := d.run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.OsName, "Debian 13") || out.Phase != "supported" || out.EOLDate != "2028-08-09" ||
		out.DaysLeft != 625 || out.Release != "debian 13" || !strings.HasPrefix(out.ImageID, "img-") {
		t.Fatalf("output %+v", out)
	}
	// The cty value carries every output attribute.
	v, err := d.Execute()
	if err != nil {
		t.Fatal(err)
	}
	if got := v.GetAttr("image_id").AsString(); got != out.ImageID {
		t.Fatalf("cty image_id %q", got)
	}

	var eol Datasource
	if err := eol.Configure(cfg(map[string]interface{}{"os_family": "centos", "os_version": "7"})); err != nil {
		t.Fatal(err)
	}
	_, err = eol.run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "CentOS 7") || !strings.Contains(err.Error(), "instead") {
		t.Fatalf("EOL family: %v", err)
	}
}

// TestDatasourceLighthouse: product = "lighthouse" picks the newest system
// blueprint that passes the gate, and refuses an EOL release with the date
// and the successor, calling it a blueprint.
func TestDatasourceLighthouse(t *testing.T) {
	srv := tcsim.StartForTest(t)
	cfg := func(family, version string) map[string]interface{} {
		return map[string]interface{}{"secret_id": srv.SecretID, "secret_key": srv.SecretKey, "region": "ap-guangzhou",
			"lighthouse_endpoint": srv.Endpoint(), "scheme": "http", "today": "2026-11-23",
			"product": "lighthouse", "os_family": family, "os_version": version}
	}
	var d Datasource
	if err := d.Configure(cfg("debian", "")); err != nil {
		t.Fatal(err)
	}
	out, err := d.run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.ImageID, "lhbp-") || out.OsName != "Debian 13.1 64bit" || out.Release != "debian 13" ||
		out.Phase != "supported" || out.EOLDate != "2028-08-09" || out.Architecture != "x86_64" {
		t.Fatalf("output %+v", out)
	}
	var eol Datasource
	if err := eol.Configure(cfg("centos", "7")); err != nil {
		t.Fatal(err)
	}
	_, err = eol.run(context.Background())
	for _, want := range []string{"system blueprint is refused", "base blueprint lhbp-", "CentOS 7.9 64bit", "2024-06-30"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("EOL blueprint: %v lacks %q", err, want)
		}
	}
}

func TestDatasourceConfigure(t *testing.T) {
	tests := []struct {
		raw  map[string]interface{}
		want string
	}{
		{map[string]interface{}{}, "os_family is required"},
		{map[string]interface{}{"os_family": "beos"}, "os_family \"beos\""},
		{map[string]interface{}{"os_family": "debian", "architecture": "sparc"}, "architecture"},
		{map[string]interface{}{"os_family": "debian", "warn_before_eol_days": -1}, "warn_before_eol_days"},
		{map[string]interface{}{"os_family": "debian", "secret_key": "x"}, "secret_id and secret_key"},
		{map[string]interface{}{"os_family": "debian", "product": "ecs"}, `product "ecs" is not valid`},
		{map[string]interface{}{"os_family": "debian", "product": "lighthouse", "architecture": "arm64"}, "x86_64 only"},
		{map[string]interface{}{"os_family": "debian", "product": "lighthouse", "lighthouse_endpoint": "http://x"}, "lighthouse_endpoint"},
	}
	for _, tc := range tests {
		var d Datasource
		err := d.Configure(tc.raw)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want %q", tc.raw, err, tc.want)
		}
	}
}
