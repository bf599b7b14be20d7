package provider

import (
	"crypto/ed25519"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

// policyFrom converts configuration that has already passed the schema
// validators into the policy engine's Policy (the one model of an image
// policy; resources apply their overrides on a copy). Unknown values count
// as unset (defaults) so a plan with not-yet-known configuration still
// works.
func policyFrom(cfg providerModel, exceptions []exceptionModel, lp lifecycle.Policy) policy.Policy {
	p := policy.Policy{Lifecycle: lp, Mode: defaultMode}
	if v := cfg.Mode; !v.IsNull() && !v.IsUnknown() {
		p.Mode = policy.Mode(v.ValueString())
	}
	p.RequireHardened = cfg.RequireHardened.ValueBool()
	p.AllowNonLTS = cfg.AllowNonLTS.ValueBool()
	p.Vulns = vulnPolicyFrom(cfg.vulnPolicyModel)
	if v := cfg.MaxImageAgeDays; !v.IsNull() && !v.IsUnknown() {
		p.MaxImageAgeDays = int(v.ValueInt64())
	}
	if v := cfg.MaxAuditFailures; !v.IsNull() && !v.IsUnknown() {
		p.MaxAuditFailures = int(v.ValueInt64())
	}
	if v := cfg.MaxIndependentFails; !v.IsNull() && !v.IsUnknown() {
		n := int(v.ValueInt64())
		p.MaxIndependentFailures = &n
	}
	var keys []ed25519.PublicKey
	for _, s := range knownStrings(cfg.TrustedKeys) {
		if k, err := parseTrustedKey(s); err == nil {
			keys = append(keys, k)
		}
	}
	// Keys passed parseTrustedKey, so building the ring cannot fail on them.
	if ring, err := provenance.NewKeyRing(keys...); err == nil {
		p.Trusted = ring
	}
	for _, s := range knownStrings(cfg.AllowedOS) {
		if fam, ver, err := lifecycle.ParseSelector(s); err == nil {
			p.AllowedOS = append(p.AllowedOS, policy.Selector{Family: fam, Version: ver})
		}
	}
	for _, e := range exceptions {
		exp, err := lifecycle.ParseDate(e.Expires.ValueString())
		if err != nil || exp.IsZero() || e.ImageID.IsUnknown() {
			continue
		}
		p.Exceptions = append(p.Exceptions, policy.Exception{ImageID: e.ImageID.ValueString(), Reason: e.Reason.ValueString(), Expires: exp})
	}
	return p
}

// parseTrustedKey reads one trusted_keys entry the way policy files do.
func parseTrustedKey(s string) (ed25519.PublicKey, error) { return policy.ParseTrustedKey(s) }

func knownStrings(l types.List) []string {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	var out []string
	for _, v := range l.Elements() {
		if s, ok := v.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			out = append(out, s.ValueString())
		}
	}
	return out
}
