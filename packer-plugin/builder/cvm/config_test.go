package cvm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

func baseRaw() map[string]interface{} {
	return map[string]interface{}{
		"region": "ap-guangzhou", "zone": "ap-guangzhou-3", "source_image_id": "img-abc",
		"image_name": "debian13-cis", "ssh_cidr": "198.18.0.0/15",
	}
}

func TestConfigPrepare(t *testing.T) {
	dir := t.TempDir()
	if _, err := provenance.WriteKeyFiles(filepath.Join(dir, "k"), nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.pem"), []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		mod     func(map[string]interface{})
		errs    []string // substrings; empty = valid
		warn    string
		inspect func(*testing.T, *Config)
	}{
		{name: "minimal valid", warn: "UNSIGNED", inspect: func(t *testing.T, c *Config) {
			if c.InstanceType != "S5.MEDIUM2" || c.SSHInterface != "public_ip" || c.Comm.SSHUsername != "root" ||
				c.ProvenancePath != DefaultProvenancePath || !*c.RequireProvenance || c.VpcCIDR != "10.77.0.0/16" {
				t.Errorf("defaults: %+v", c)
			}
		}},
		{name: "signed", mod: func(m map[string]interface{}) { m["signing_key_file"] = filepath.Join(dir, "k.pem") }},
		{name: "bad signing key", mod: func(m map[string]interface{}) { m["signing_key_file"] = filepath.Join(dir, "bad.pem") },
			errs: []string{"signing_key_file", "keygen"}},
		{name: "no source", mod: func(m map[string]interface{}) { delete(m, "source_image_id") },
			errs: []string{"source_image_id or source_image_filter is required"}},
		{name: "both sources", mod: func(m map[string]interface{}) {
			m["source_image_filter"] = map[string]interface{}{"os_family": "debian", "os_version": "13"}
		}, errs: []string{"mutually exclusive"}},
		{name: "filter", mod: func(m map[string]interface{}) {
			delete(m, "source_image_id")
			m["source_image_filter"] = map[string]interface{}{"os_family": "Rocky Linux", "os_version": "9.3", "architecture": "aarch64"}
		}, inspect: func(t *testing.T, c *Config) {
			f := c.SourceImageFilter
			if f.OSFamily != "rocky" || f.OSVersion != "9" || f.Architecture != "arm" {
				t.Errorf("filter not normalised: %+v", f)
			}
		}},
		{name: "unknown family", mod: func(m map[string]interface{}) {
			delete(m, "source_image_id")
			m["source_image_filter"] = map[string]interface{}{"os_family": "plan9"}
		}, errs: []string{"source_image_filter.os_family \"plan9\""}},
		{name: "bad arch", mod: func(m map[string]interface{}) {
			delete(m, "source_image_id")
			m["source_image_filter"] = map[string]interface{}{"os_family": "debian", "architecture": "mips"}
		}, errs: []string{"source_image_filter.architecture"}},
		{name: "bad image id", mod: func(m map[string]interface{}) { m["source_image_id"] = "debian" }, errs: []string{"source_image_id \"debian\""}},
		{name: "no image name", mod: func(m map[string]interface{}) { delete(m, "image_name") }, errs: []string{"image_name is required"}},
		{name: "long image name", mod: func(m map[string]interface{}) { m["image_name"] = strings.Repeat("x", 61) }, errs: []string{"image_name"}},
		{name: "no zone", mod: func(m map[string]interface{}) { delete(m, "zone") }, errs: []string{"zone is required"}},
		{name: "zone outside region", mod: func(m map[string]interface{}) { m["zone"] = "ap-shanghai-2" }, errs: []string{"not in region"}},
		{name: "vpc without subnet", mod: func(m map[string]interface{}) { m["vpc_id"] = "vpc-1" }, errs: []string{"vpc_id and subnet_id"}},
		{name: "subnet outside vpc", mod: func(m map[string]interface{}) { m["subnet_cidr"] = "10.99.0.0/24" }, errs: []string{"inside vpc_cidr"}},
		{name: "bad ssh cidr", mod: func(m map[string]interface{}) { m["ssh_cidr"] = "everyone" }, errs: []string{"ssh_cidr \"everyone\""}},
		{name: "open ssh warns", mod: func(m map[string]interface{}) { m["ssh_cidr"] = "0.0.0.0/0" }, warn: "whole internet"},
		{name: "reserved tag", mod: func(m map[string]interface{}) { m["image_tags"] = map[string]string{"hardened:profile": "x"} },
			errs: []string{"reserved prefix"}},
		{name: "copy to own region", mod: func(m map[string]interface{}) { m["image_copy_regions"] = []string{"ap-guangzhou"} },
			errs: []string{"image_copy_regions"}},
		{name: "share accounts", mod: func(m map[string]interface{}) { m["share_accounts"] = []string{"100012345678", "200012345678"} }},
		{name: "share account too short", mod: func(m map[string]interface{}) { m["share_accounts"] = []string{"100012345678", "12345"} },
			errs: []string{`share_accounts[1] = "12345"`, "12-digit"}},
		{name: "share account not digits", mod: func(m map[string]interface{}) { m["share_accounts"] = []string{"team-a"} },
			errs: []string{`share_accounts[0] = "team-a"`}},
		{name: "share account twice", mod: func(m map[string]interface{}) { m["share_accounts"] = []string{"100012345678", "100012345678"} },
			errs: []string{"share_accounts[1]", "listed twice"}},
		{name: "deprecate without family", mod: func(m map[string]interface{}) { m["deprecate_previous"] = true },
			errs: []string{"deprecate_previous needs image_family"}},
		{name: "deprecate in family", mod: func(m map[string]interface{}) {
			m["deprecate_previous"], m["image_family"] = true, "debian13-cis"
		}},
		{name: "bad family", mod: func(m map[string]interface{}) { m["image_family"] = "debian 13/cis" }, errs: []string{`image_family "debian 13/cis"`}},
		{name: "private ip without public", mod: func(m map[string]interface{}) {
			m["associate_public_ip_address"] = false
			m["ssh_interface"] = "public_ip"
		}, errs: []string{"ssh_interface"}},
		{name: "private default", mod: func(m map[string]interface{}) { m["associate_public_ip_address"] = false },
			inspect: func(t *testing.T, c *Config) {
				if c.SSHInterface != "private_ip" {
					t.Errorf("ssh_interface %q", c.SSHInterface)
				}
			}},
		{name: "key pair without private key", mod: func(m map[string]interface{}) { m["ssh_keypair_name"] = "skey-1" },
			errs: []string{"ssh_keypair_name needs ssh_private_key_file"}},
		{name: "winrm", mod: func(m map[string]interface{}) { m["communicator"] = "winrm" }, errs: []string{"communicator \"winrm\""}},
		{name: "half credentials", mod: func(m map[string]interface{}) { m["secret_id"] = "AKID" }, errs: []string{"secret_id and secret_key"}},
		{name: "endpoint with scheme", mod: func(m map[string]interface{}) { m["cvm_endpoint"] = "http://127.0.0.1:1" }, errs: []string{"cvm_endpoint"}},
		{name: "bad scheme", mod: func(m map[string]interface{}) { m["scheme"] = "ftp" }, errs: []string{"scheme \"ftp\""}},
		{name: "assume role needs arn", mod: func(m map[string]interface{}) { m["assume_role"] = map[string]interface{}{"session_name": "x"} },
			errs: []string{"assume_role.role_arn"}},
		{name: "bad today", mod: func(m map[string]interface{}) { m["today"] = "tomorrow" }, errs: []string{"today \"tomorrow\""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := baseRaw()
			if tc.mod != nil {
				tc.mod(raw)
			}
			var c Config
			warns, err := c.Prepare(raw)
			if len(tc.errs) == 0 && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			for _, want := range tc.errs {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("error %v does not mention %q", err, want)
				}
			}
			if tc.warn != "" && !strings.Contains(strings.Join(warns, "\n"), tc.warn) {
				t.Errorf("warnings %q lack %q", warns, tc.warn)
			}
			if tc.inspect != nil && err == nil {
				tc.inspect(t, &c)
			}
		})
	}
}
