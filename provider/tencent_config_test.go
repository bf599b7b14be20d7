package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

func TestTencentConfig(t *testing.T) {
	s := types.StringValue
	tests := []struct {
		name  string
		model tencentModel
		check func(*testing.T, tencent.Config)
	}{
		{"empty model leaves the chain to the environment", tencentModel{}, func(t *testing.T, c tencent.Config) {
			if c.SecretID != "" || c.Region != "" || c.MaxRetries != 0 || c.AssumeRole != nil || c.Endpoints != nil {
				t.Errorf("unexpected values: %v", c)
			}
		}},
		{"explicit credentials, endpoints and scheme", tencentModel{
			SecretID: s("AKIDx"), SecretKey: s("key"), Region: s("ap-shanghai"), Protocol: s("HTTP"),
			Endpoints: object(t, endpointsModel{CVM: s("127.0.0.1:1"), VPC: types.StringNull(), STS: s("127.0.0.1:2")}),
		}, func(t *testing.T, c tencent.Config) {
			if c.SecretID != "AKIDx" || c.SecretKey != "key" || c.Region != "ap-shanghai" || c.Scheme != "http" {
				t.Errorf("got %v", c)
			}
			if len(c.Endpoints) != 2 || c.Endpoints["cvm"] != "127.0.0.1:1" || c.Endpoints["sts"] != "127.0.0.1:2" {
				t.Errorf("endpoints = %v", c.Endpoints)
			}
		}},
		{"max_retries 0 disables retries", tencentModel{MaxRetries: types.Int64Value(0)}, func(t *testing.T, c tencent.Config) {
			if c.MaxRetries >= 0 {
				t.Errorf("MaxRetries = %d, want negative (no retries)", c.MaxRetries)
			}
		}},
		{"max_retries 3", tencentModel{MaxRetries: types.Int64Value(3)}, func(t *testing.T, c tencent.Config) {
			if c.MaxRetries != 3 {
				t.Errorf("MaxRetries = %d", c.MaxRetries)
			}
		}},
		{"assume_role", tencentModel{AssumeRole: object(t, assumeRoleModel{RoleArn: s("qcs::cam::uin/1:roleName/r"), SessionName: s("tf"),
			SessionDuration: types.Int64Value(3600), Policy: types.StringNull()})}, func(t *testing.T, c tencent.Config) {
			if c.AssumeRole == nil || c.AssumeRole.RoleArn != "qcs::cam::uin/1:roleName/r" || c.AssumeRole.Duration != time.Hour {
				t.Errorf("AssumeRole = %+v", c.AssumeRole)
			}
		}},
		{"unknown values count as unset", tencentModel{SecretID: types.StringUnknown(), Region: types.StringUnknown()}, func(t *testing.T, c tencent.Config) {
			if c.SecretID != "" || c.Region != "" {
				t.Errorf("got %v", c)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, tencentConfig(tc.model, hclog.NewNullLogger(), "test"))
		})
	}
}

func TestUnknownConnectionAttributes(t *testing.T) {
	m := tencentModel{SecretID: types.StringValue("x"), SecretKey: types.StringUnknown(), Region: types.StringUnknown(),
		Endpoints:  object(t, endpointsModel{CVM: types.StringUnknown(), VPC: types.StringNull(), STS: types.StringNull()}),
		AssumeRole: types.ObjectUnknown(map[string]attr.Type{"role_arn": types.StringType})}
	got := strings.Join(m.unknownAttributes(), ",")
	if got != "assume_role,endpoints,region,secret_key" {
		t.Errorf("unknownAttributes = %s", got)
	}
	_, err := unknownClient(m.unknownAttributes()).get(t.Context())
	if err == nil || !strings.Contains(err.Error(), "assume_role, endpoints, region, secret_key are not known until apply") {
		t.Errorf("error = %v", err)
	}
}

func object[T any](t *testing.T, v T) types.Object {
	t.Helper()
	o, d := types.ObjectValueFrom(t.Context(), attrTypes[T](), v)
	if d.HasError() {
		t.Fatal(d)
	}
	return o
}

func attrTypes[T any]() map[string]attr.Type {
	var v T
	switch any(v).(type) {
	case endpointsModel:
		return map[string]attr.Type{"cvm": types.StringType, "vpc": types.StringType, "sts": types.StringType, "lighthouse": types.StringType}
	default:
		return map[string]attr.Type{"role_arn": types.StringType, "session_name": types.StringType, "session_duration": types.Int64Type, "policy": types.StringType}
	}
}

// TestAccNoCredentials: lifecycle-only configurations need no credentials
// (the client is lazy); a Tencent-backed type without any says which
// credential is missing and how to provide it.
func TestAccNoCredentials(t *testing.T) {
	requireAcc(t)
	for _, k := range []string{tencent.EnvSecretID, tencent.EnvSecretKey, tencent.EnvSecurityToken, tencent.EnvProfile,
		tencent.EnvCAMRoleName, tencent.EnvRegion} {
		t.Setenv(k, "")
	}
	t.Setenv(tencent.EnvSharedCredsDir, t.TempDir())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{Config: `data "hardened_os_lifecycle" "x" { os_name = "Debian 13.1 64位" }`},
			{
				Config:      `data "hardened_image" "x" { image_id = "img-9qrfy1xt" }`,
				ExpectError: errRe("Tencent Cloud client", "secret_id", "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"),
			},
		},
	})
}
