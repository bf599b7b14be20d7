package provider

import (
	"crypto/ed25519"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

// imagePolicy is the validated policy part of the provider configuration,
// handed to the resources and data sources that judge images.
type imagePolicy struct {
	Lifecycle       lifecycle.Policy
	Mode            string // enforce | warn | audit
	RequireHardened bool
	TrustedKeys     []ed25519.PublicKey
	Ring            *provenance.KeyRing // TrustedKeys, ready for provenance.VerifyTags
	MaxImageAgeDays int                 // 0: no limit
	AllowNonLTS     bool                // interim releases approved while supported
	MaxAuditFails   int                 // own audit failures allowed (default 0)
	MaxIndependent  *int                // independent scan failures allowed; nil: not judged
	AllowedOS       []osSelector        // empty: every OS
	Exceptions      []imageException
	Vulns           policy.VulnPolicy // patch age and vulnerability limits
}

// osSelector is one allowed_os entry; an empty Version allows every release
// of the family.
type osSelector struct{ Family, Version string }

type imageException struct {
	ImageID string
	Reason  string
	Expires time.Time // last day the exception applies
}

// allowsOS reports whether family/version (canonical) passes allowed_os.
func (p imagePolicy) allowsOS(family, version string) bool {
	if len(p.AllowedOS) == 0 {
		return true
	}
	for _, s := range p.AllowedOS {
		if s.Family == family && (s.Version == "" || s.Version == version) {
			return true
		}
	}
	return false
}

// exceptionFor returns the exception covering imageID on today, if any.
// Expires is inclusive: the exception still applies on that day.
func (p imagePolicy) exceptionFor(imageID string, today time.Time) (imageException, bool) {
	today = lifecycle.Day(today)
	for _, e := range p.Exceptions {
		if e.ImageID == imageID && !e.Expires.Before(today) {
			return e, true
		}
	}
	return imageException{}, false
}

// policyFrom converts configuration that has already passed the schema
// validators. Unknown values count as unset (defaults) so a plan with
// not-yet-known configuration still works.
func policyFrom(cfg providerModel, exceptions []exceptionModel, lp lifecycle.Policy) imagePolicy {
	p := imagePolicy{Lifecycle: lp, Mode: defaultMode}
	if v := cfg.Mode; !v.IsNull() && !v.IsUnknown() {
		p.Mode = v.ValueString()
	}
	p.RequireHardened = cfg.RequireHardened.ValueBool()
	p.AllowNonLTS = cfg.AllowNonLTS.ValueBool()
	p.Vulns = vulnPolicyFrom(cfg.vulnPolicyModel)
	if v := cfg.MaxImageAgeDays; !v.IsNull() && !v.IsUnknown() {
		p.MaxImageAgeDays = int(v.ValueInt64())
	}
	if v := cfg.MaxAuditFailures; !v.IsNull() && !v.IsUnknown() {
		p.MaxAuditFails = int(v.ValueInt64())
	}
	if v := cfg.MaxIndependentFails; !v.IsNull() && !v.IsUnknown() {
		n := int(v.ValueInt64())
		p.MaxIndependent = &n
	}
	for _, s := range knownStrings(cfg.TrustedKeys) {
		if k, err := parseTrustedKey(s); err == nil {
			p.TrustedKeys = append(p.TrustedKeys, k)
		}
	}
	// Keys passed parseTrustedKey, so building the ring cannot fail on them.
	if ring, err := provenance.NewKeyRing(p.TrustedKeys...); err == nil {
		p.Ring = ring
	}
	for _, s := range knownStrings(cfg.AllowedOS) {
		if fam, ver, err := lifecycle.ParseSelector(s); err == nil {
			p.AllowedOS = append(p.AllowedOS, osSelector{fam, ver})
		}
	}
	for _, e := range exceptions {
		exp, err := lifecycle.ParseDate(e.Expires.ValueString())
		if err != nil || exp.IsZero() || e.ImageID.IsUnknown() {
			continue
		}
		p.Exceptions = append(p.Exceptions, imageException{ImageID: e.ImageID.ValueString(), Reason: e.Reason.ValueString(), Expires: exp})
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
