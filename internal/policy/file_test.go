package policy

import (
	"strings"
	"testing"
)

func TestParseFile(t *testing.T) {
	const key = "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
	hclSrc := `
warn_before_eol_days   = 90
allow_extended_support = true
allow_non_lts          = true
max_audit_failures     = 2
max_patch_age_days     = 30
max_fixable_vulnerabilities = { critical = 0, high = 2 }
vulnerability_sla_days = { critical = 3 }
max_independent_failures = 5
require_hardened       = true
trusted_keys           = ["` + key + `"]
max_image_age_days     = 365
allowed_os             = ["debian", "Ubuntu 24.04"]
mode                   = "warn"
exceptions = [{ image_id = "img-abcd1234", reason = "TICKET-1 legacy app", expires = "2027-01-31" }]
lifecycle_overrides = [{ family = "debian", version = "12", eol_standard = "2028-06-30", lts = true }]
`
	f, err := ParseFile("policy.hcl", []byte(hclSrc))
	if err != nil {
		t.Fatal(err)
	}
	p := f.Policy
	if p.Lifecycle.WarnDays != 90 || !p.Lifecycle.AllowExtended || !p.RequireHardened || p.Trusted.Len() != 1 ||
		p.MaxImageAgeDays != 365 || p.Mode != ModeWarn || len(p.AllowedOS) != 2 || p.AllowedOS[1] != (Selector{"ubuntu", "24.04"}) ||
		len(p.Exceptions) != 1 || p.Exceptions[0].Expires.Format("2006-01-02") != "2027-01-31" {
		t.Errorf("policy = %+v", p)
	}
	if !p.AllowNonLTS || p.MaxAuditFailures != 2 || p.MaxIndependentFailures == nil || *p.MaxIndependentFailures != 5 {
		t.Errorf("non-LTS/audit limits = %v %d %v", p.AllowNonLTS, p.MaxAuditFailures, p.MaxIndependentFailures)
	}
	if p.Vulns.MaxPatchAgeDays != 30 || p.Vulns.MaxFixable["high"] != 2 || len(p.Vulns.MaxFixable) != 2 || p.Vulns.SLADays["critical"] != 3 {
		t.Errorf("vulnerability limits = %+v", p.Vulns)
	}
	if len(f.Overrides) != 1 || f.Overrides[0].EOLStandard != "2028-06-30" || f.Overrides[0].LTS == nil || !*f.Overrides[0].LTS {
		t.Errorf("overrides = %+v", f.Overrides)
	}
	j, err := ParseFile("policy.json", []byte(`{"mode": "audit", "allowed_os": ["rocky 9"], "exceptions": [{"image_id": "img-abcd1234", "reason": "legacy", "expires": "2027-01-31"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if j.Policy.Mode != ModeAudit || j.Policy.AllowedOS[0] != (Selector{"rocky", "9"}) || j.Policy.Lifecycle.WarnDays != 180 || len(j.Policy.Exceptions) != 1 {
		t.Errorf("json policy = %+v", j.Policy)
	}
	empty, err := ParseFile("empty.hcl", nil)
	if err != nil || empty.Policy.Mode != ModeEnforce || empty.Policy.Lifecycle.WarnDays != 180 {
		t.Errorf("empty file: %+v, %v (want provider defaults)", empty.Policy, err)
	}
}

func TestParseFileErrors(t *testing.T) {
	for name, tc := range map[string]struct{ src, want string }{
		"unknown attribute": {`moed = "warn"`, "p.hcl:1: moed: unknown attribute; a policy file sets the provider's policy attributes: warn_before_eol_days"},
		"bad mode":          {"\nmode = \"strict\"", `p.hcl:2: mode: mode "strict" is not one of enforce, warn, audit`},
		"warn days range":   {`warn_before_eol_days = 5000`, "warn_before_eol_days: must be a whole number between 0 and 3650, got 5000"},
		"negative failures": {`max_audit_failures = -1`, "max_audit_failures: must be a whole number between 0 and"},
		"bad severity":      {`vulnerability_sla_days = { urgent = 1 }`, `vulnerability_sla_days: "urgent" is not a severity; use critical`},
		"negative sla":      {`max_fixable_vulnerabilities = { high = -2 }`, `max_fixable_vulnerabilities.high: must be a whole number between 0`},
		"wrong type":        {`require_hardened = "yes"`, "require_hardened: must be true or false"},
		"bad os":            {`allowed_os = ["debain"]`, `allowed_os: [0]: `},
		"bad key":           {`trusted_keys = ["nope"]`, `trusted_keys: [0]: "nope" is not an ed25519 public key`},
		"no keys":           {`require_hardened = true`, "require_hardened = true needs at least one key in trusted_keys"},
		"bad expiry":        {`exceptions = [{ image_id = "img-abcd1234", reason = "legacy", expires = "31.01.2027" }]`, `exceptions: [0].expires: date "31.01.2027" is not YYYY-MM-DD`},
		"missing reason":    {`exceptions = [{ image_id = "img-abcd1234", expires = "2027-01-31" }]`, "exceptions: [0].reason is required"},
		"extra field":       {`lifecycle_overrides = [{ family = "debian", version = "12", eol = "2028-01-01" }]`, `lifecycle_overrides: [0]: unknown attribute "eol"; allowed: family, version`},
		"block":             {"exceptions {\n}", "Unexpected \"exceptions\" block"},
		"syntax":            {`mode = `, "p.hcl:1"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseFile("p.hcl", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}
