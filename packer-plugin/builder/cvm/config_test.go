package cvm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common/preparetest"
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
	preparetest.Run(t, baseRaw, func(c *Config, raw map[string]interface{}) ([]string, error) { return c.Prepare(raw) }, []preparetest.Case[Config]{
		{Name: "minimal valid", Warn: "UNSIGNED", Inspect: func(t *testing.T, c *Config) {
			if c.InstanceType != "S5.MEDIUM2" || c.SSHInterface != "public_ip" || c.Comm.SSHUsername != "root" ||
				c.ProvenancePath != DefaultProvenancePath || !*c.RequireProvenance || c.VpcCIDR != "10.77.0.0/16" {
				t.Errorf("defaults: %+v", c)
			}
		}},
		{Name: "signed", Mod: func(m map[string]interface{}) { m["signing_key_file"] = filepath.Join(dir, "k.pem") }},
		{Name: "bad signing key", Mod: func(m map[string]interface{}) { m["signing_key_file"] = filepath.Join(dir, "bad.pem") },
			Errs: []string{"signing_key_file", "keygen"}},
		{Name: "no source", Mod: func(m map[string]interface{}) { delete(m, "source_image_id") },
			Errs: []string{"source_image_id or source_image_filter is required"}},
		{Name: "both sources", Mod: func(m map[string]interface{}) {
			m["source_image_filter"] = map[string]interface{}{"os_family": "debian", "os_version": "13"}
		}, Errs: []string{"mutually exclusive"}},
		{Name: "filter", Mod: func(m map[string]interface{}) {
			delete(m, "source_image_id")
			m["source_image_filter"] = map[string]interface{}{"os_family": "Rocky Linux", "os_version": "9.3", "architecture": "aarch64"}
		}, Inspect: func(t *testing.T, c *Config) {
			f := c.SourceImageFilter
			if f.OSFamily != "rocky" || f.OSVersion != "9" || f.Architecture != "arm" {
				t.Errorf("filter not normalised: %+v", f)
			}
		}},
		{Name: "unknown family", Mod: func(m map[string]interface{}) {
			delete(m, "source_image_id")
			m["source_image_filter"] = map[string]interface{}{"os_family": "plan9"}
		}, Errs: []string{"source_image_filter.os_family \"plan9\""}},
		{Name: "bad arch", Mod: func(m map[string]interface{}) {
			delete(m, "source_image_id")
			m["source_image_filter"] = map[string]interface{}{"os_family": "debian", "architecture": "mips"}
		}, Errs: []string{"source_image_filter.architecture"}},
		{Name: "bad image id", Mod: func(m map[string]interface{}) { m["source_image_id"] = "debian" }, Errs: []string{"source_image_id \"debian\""}},
		{Name: "no image name", Mod: func(m map[string]interface{}) { delete(m, "image_name") }, Errs: []string{"image_name is required"}},
		{Name: "long image name", Mod: func(m map[string]interface{}) { m["image_name"] = strings.Repeat("x", 61) }, Errs: []string{"image_name"}},
		{Name: "no zone", Mod: func(m map[string]interface{}) { delete(m, "zone") }, Errs: []string{"zone is required"}},
		{Name: "zone outside region", Mod: func(m map[string]interface{}) { m["zone"] = "ap-shanghai-2" }, Errs: []string{"not in region"}},
		{Name: "vpc without subnet", Mod: func(m map[string]interface{}) { m["vpc_id"] = "vpc-1" }, Errs: []string{"vpc_id and subnet_id"}},
		{Name: "subnet outside vpc", Mod: func(m map[string]interface{}) { m["subnet_cidr"] = "10.99.0.0/24" }, Errs: []string{"inside vpc_cidr"}},
		{Name: "bad ssh cidr", Mod: func(m map[string]interface{}) { m["ssh_cidr"] = "everyone" }, Errs: []string{"ssh_cidr \"everyone\""}},
		{Name: "open ssh warns", Mod: func(m map[string]interface{}) { m["ssh_cidr"] = "0.0.0.0/0" }, Warn: "whole internet"},
		{Name: "reserved tag", Mod: func(m map[string]interface{}) { m["image_tags"] = map[string]string{"hardened:profile": "x"} },
			Errs: []string{"reserved prefix"}},
		{Name: "copy to own region", Mod: func(m map[string]interface{}) { m["image_copy_regions"] = []string{"ap-guangzhou"} },
			Errs: []string{"image_copy_regions"}},
		{Name: "share accounts", Mod: func(m map[string]interface{}) { m["share_accounts"] = []string{"100012345678", "200012345678"} }},
		{Name: "share account too short", Mod: func(m map[string]interface{}) { m["share_accounts"] = []string{"100012345678", "12345"} },
			Errs: []string{`share_accounts[1] = "12345"`, "12-digit"}},
		{Name: "share account not digits", Mod: func(m map[string]interface{}) { m["share_accounts"] = []string{"team-a"} },
			Errs: []string{`share_accounts[0] = "team-a"`}},
		{Name: "share account twice", Mod: func(m map[string]interface{}) { m["share_accounts"] = []string{"100012345678", "100012345678"} },
			Errs: []string{"share_accounts[1]", "listed twice"}},
		{Name: "deprecate without family", Mod: func(m map[string]interface{}) { m["deprecate_previous"] = true },
			Errs: []string{"deprecate_previous needs image_family"}},
		{Name: "deprecate in family", Mod: func(m map[string]interface{}) {
			m["deprecate_previous"], m["image_family"] = true, "debian13-cis"
		}},
		{Name: "bad family", Mod: func(m map[string]interface{}) { m["image_family"] = "debian 13/cis" }, Errs: []string{`image_family "debian 13/cis"`}},
		{Name: "private ip without public", Mod: func(m map[string]interface{}) {
			m["associate_public_ip_address"] = false
			m["ssh_interface"] = "public_ip"
		}, Errs: []string{"ssh_interface"}},
		{Name: "private default", Mod: func(m map[string]interface{}) { m["associate_public_ip_address"] = false },
			Inspect: func(t *testing.T, c *Config) {
				if c.SSHInterface != "private_ip" {
					t.Errorf("ssh_interface %q", c.SSHInterface)
				}
			}},
		{Name: "key pair without private key", Mod: func(m map[string]interface{}) { m["ssh_keypair_name"] = "skey-1" },
			Errs: []string{"ssh_keypair_name needs ssh_private_key_file"}},
		{Name: "winrm", Mod: func(m map[string]interface{}) { m["communicator"] = "winrm" }, Errs: []string{"communicator \"winrm\""}},
		{Name: "half credentials", Mod: func(m map[string]interface{}) { m["secret_id"] = "AKID" }, Errs: []string{"secret_id and secret_key"}},
		{Name: "endpoint with scheme", Mod: func(m map[string]interface{}) { m["cvm_endpoint"] = "http://127.0.0.1:1" }, Errs: []string{"cvm_endpoint"}},
		{Name: "bad scheme", Mod: func(m map[string]interface{}) { m["scheme"] = "ftp" }, Errs: []string{"scheme \"ftp\""}},
		{Name: "assume role needs arn", Mod: func(m map[string]interface{}) { m["assume_role"] = map[string]interface{}{"session_name": "x"} },
			Errs: []string{"assume_role.role_arn"}},
		{Name: "bad today", Mod: func(m map[string]interface{}) { m["today"] = "tomorrow" }, Errs: []string{"today \"tomorrow\""}},
	})
}
