package lighthouse

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
		"region": "ap-guangzhou", "source_blueprint_id": "lhbp-a1b2c3d4",
		"blueprint_name": "debian13-cis", "ssh_cidr": "198.18.0.0/15",
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
	tags := func(n int) map[string]string {
		m := map[string]string{}
		for i := 0; i < n; i++ {
			m[string(rune('a'+i))] = "x"
		}
		return m
	}
	preparetest.Run(t, baseRaw, func(c *Config, raw map[string]interface{}) ([]string, error) { return c.Prepare(raw) }, []preparetest.Case[Config]{
		{Name: "minimal valid", Warn: "UNSIGNED", Inspect: func(t *testing.T, c *Config) {
			if c.BundleID != DefaultBundleID || c.SSHInterface != "public_ip" || c.Comm.SSHUsername != "root" || c.Comm.Type != "ssh" ||
				c.ProvenancePath != DefaultProvenancePath || !*c.RequireProvenance || c.StateTimeout.Minutes() != 30 {
				t.Errorf("defaults: %+v", c)
			}
		}},
		{Name: "signed", Mod: func(m map[string]interface{}) { m["signing_key_file"] = filepath.Join(dir, "k.pem") }},
		{Name: "bad signing key", Mod: func(m map[string]interface{}) { m["signing_key_file"] = filepath.Join(dir, "bad.pem") },
			Errs: []string{"signing_key_file", "keygen"}},
		{Name: "no source", Mod: func(m map[string]interface{}) { delete(m, "source_blueprint_id") },
			Errs: []string{"source_blueprint_id or source_blueprint_filter is required", `product = "lighthouse"`}},
		{Name: "both sources", Mod: func(m map[string]interface{}) {
			m["source_blueprint_filter"] = map[string]interface{}{"os_family": "debian", "os_version": "13"}
		}, Errs: []string{"mutually exclusive"}},
		{Name: "filter", Mod: func(m map[string]interface{}) {
			delete(m, "source_blueprint_id")
			m["source_blueprint_filter"] = map[string]interface{}{"os_family": "Debian", "os_version": "13"}
		}, Inspect: func(t *testing.T, c *Config) {
			if f := c.SourceBlueprintFilter; f.OSFamily != "debian" || f.OSVersion != "13" || f.Architecture != "x86_64" {
				t.Errorf("filter not normalised: %+v", f)
			}
		}},
		{Name: "filter arm", Mod: func(m map[string]interface{}) {
			delete(m, "source_blueprint_id")
			m["source_blueprint_filter"] = map[string]interface{}{"os_family": "debian", "architecture": "arm64"}
		}, Errs: []string{"source_blueprint_filter.architecture", "x86_64 only"}},
		{Name: "filter unknown family", Mod: func(m map[string]interface{}) {
			delete(m, "source_blueprint_id")
			m["source_blueprint_filter"] = map[string]interface{}{"os_family": "plan9"}
		}, Errs: []string{`source_blueprint_filter.os_family "plan9"`}},
		{Name: "image id instead of blueprint", Mod: func(m map[string]interface{}) { m["source_blueprint_id"] = "img-abcd1234" },
			Errs: []string{`source_blueprint_id "img-abcd1234" is not a blueprint id`}},
		{Name: "no blueprint name", Mod: func(m map[string]interface{}) { delete(m, "blueprint_name") }, Errs: []string{"blueprint_name is required"}},
		{Name: "long blueprint name", Mod: func(m map[string]interface{}) { m["blueprint_name"] = strings.Repeat("x", 61) },
			Errs: []string{"blueprint_name", "1–60"}},
		{Name: "description at the limit", Mod: func(m map[string]interface{}) { m["blueprint_description"] = strings.Repeat("硬", 60) }},
		{Name: "long description", Mod: func(m map[string]interface{}) { m["blueprint_description"] = strings.Repeat("x", 61) },
			Errs: []string{"blueprint_description is 61 characters", "at most 60"}},
		{Name: "three tags", Mod: func(m map[string]interface{}) { m["blueprint_tags"] = tags(3) }},
		{Name: "four tags", Mod: func(m map[string]interface{}) { m["blueprint_tags"] = tags(4) },
			Errs: []string{"blueprint_tags has 4 tags", "keep at most 3"}},
		{Name: "reserved tag", Mod: func(m map[string]interface{}) { m["blueprint_tags"] = map[string]string{"hardened:profile": "x"} },
			Errs: []string{"blueprint_tags key", "reserved prefix"}},
		{Name: "reserved run tag", Mod: func(m map[string]interface{}) { m["run_tags"] = map[string]string{"hardened:x": "x"} },
			Errs: []string{"run_tags key"}},
		{Name: "zone in region", Mod: func(m map[string]interface{}) { m["zone"] = "ap-guangzhou-3" }},
		{Name: "zone outside region", Mod: func(m map[string]interface{}) { m["zone"] = "ap-shanghai-2" }, Errs: []string{"not in region"}},
		{Name: "bad bundle", Mod: func(m map[string]interface{}) { m["bundle_id"] = "Gen 1" }, Errs: []string{`bundle_id "Gen 1"`, "DescribeBundles"}},
		{Name: "bad ssh cidr", Mod: func(m map[string]interface{}) { m["ssh_cidr"] = "everyone" }, Errs: []string{`ssh_cidr "everyone"`}},
		{Name: "open ssh warns", Mod: func(m map[string]interface{}) { m["ssh_cidr"] = "0.0.0.0/0" }, Warn: "whole internet"},
		{Name: "bad ssh interface", Mod: func(m map[string]interface{}) { m["ssh_interface"] = "ipv6" }, Errs: []string{`ssh_interface "ipv6"`}},
		{Name: "negative timeout", Mod: func(m map[string]interface{}) { m["state_timeout"] = "-1m" }, Errs: []string{"state_timeout"}},
		{Name: "winrm", Mod: func(m map[string]interface{}) { m["communicator"] = "winrm" }, Errs: []string{"hardened-lighthouse builds Linux images over ssh"}},
		{Name: "key pair without key", Mod: func(m map[string]interface{}) { m["ssh_keypair_name"] = "lhkp-abcd1234" },
			Errs: []string{"ssh_keypair_name needs ssh_private_key_file"}},
		{Name: "gate settings", Mod: func(m map[string]interface{}) { m["warn_before_eol_days"] = -1; m["today"] = "soon" },
			Errs: []string{"warn_before_eol_days -1", `today "soon"`}},
		{Name: "lifecycle override", Mod: func(m map[string]interface{}) {
			m["lifecycle_overrides"] = []map[string]interface{}{{"family": "tencentos", "version": "4", "eol_standard": "someday"}}
		}, Errs: []string{"lifecycle_overrides[0].eol_standard"}},
	})
}
