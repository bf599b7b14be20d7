package policy

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"math/big"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

// File is a policy file: the provider block's policy attributes, with the
// same names and meanings, for callers without a provider block (the
// hardened-report CLI). HCL (`mode = "warn"`) or, for a name ending in
// .json, the same attributes as a JSON object.
type File struct {
	Policy    Policy
	Overrides []lifecycle.Override // lifecycle_overrides, for Catalog.WithOverrides
}

// fileAttrs are the attributes a policy file may set, in documentation order.
var fileAttrs = []string{"warn_before_eol_days", "allow_extended_support", "allow_non_lts", "require_hardened", "trusted_keys",
	"max_image_age_days", "max_audit_failures", "max_independent_failures", "allowed_os", "mode", "exceptions", "lifecycle_overrides",
	"max_patch_age_days", "max_fixable_vulnerabilities", "vulnerability_sla_days", "allowed_image_sources"}

// FileAttributes lists the attributes a policy file may set.
func FileAttributes() []string { return slices.Clone(fileAttrs) }

// LoadFile reads and validates a policy file. Errors name the file, line and
// attribute.
func LoadFile(path string) (File, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return File{}, fmt.Errorf("read policy file: %w", err)
	}
	return ParseFile(path, src)
}

// ParseFile is LoadFile on src; name decides the syntax (.json or HCL) and
// prefixes error messages.
func ParseFile(name string, src []byte) (File, error) {
	p := hclparse.NewParser()
	var f *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(name, ".json") {
		f, diags = p.ParseJSON(src, name)
	} else {
		f, diags = p.ParseHCL(src, name)
	}
	if diags.HasErrors() {
		return File{}, fmt.Errorf("policy file: %s", diags.Error())
	}
	attrs, diags := f.Body.JustAttributes()
	if diags.HasErrors() {
		return File{}, fmt.Errorf("policy file: %s", diags.Error())
	}
	out := File{Policy: Policy{Mode: ModeEnforce, Lifecycle: lifecycle.DefaultPolicy()}}
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a := attrs[n]
		v, diags := a.Expr.Value(nil)
		if diags.HasErrors() {
			return File{}, fmt.Errorf("policy file: %s", diags.Error())
		}
		d := decoder{where: fmt.Sprintf("%s:%d: %s", name, a.Range.Start.Line, n)}
		d.apply(&out, n, v)
		if d.err != nil {
			return File{}, d.err
		}
	}
	if out.Policy.RequireHardened && out.Policy.Trusted == nil {
		return File{}, fmt.Errorf("%s: require_hardened = true needs at least one key in trusted_keys to verify provenance against", name)
	}
	if out.Policy.Sources.OwnVerifiedOnly && out.Policy.Trusted == nil {
		return File{}, fmt.Errorf("%s: allowed_image_sources.own_verified_only = true needs at least one key in trusted_keys to verify custom images' provenance against", name)
	}
	return out, nil
}

// decoder converts one attribute; the first error sticks, prefixed with
// where it is.
type decoder struct {
	where string
	err   error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%s: %s", d.where, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) apply(out *File, name string, v cty.Value) {
	p := &out.Policy
	switch name {
	case "warn_before_eol_days":
		p.Lifecycle.WarnDays = d.int(v, 0, 3650)
	case "allow_extended_support":
		p.Lifecycle.AllowExtended = d.bool(v)
	case "allow_non_lts":
		p.AllowNonLTS = d.bool(v)
	case "max_audit_failures":
		p.MaxAuditFailures = d.int(v, 0, 1<<31-1)
	case "max_independent_failures":
		n := d.int(v, 0, 1<<31-1)
		p.MaxIndependentFailures = &n
	case "max_patch_age_days":
		p.Vulns.MaxPatchAgeDays = d.int(v, 1, 1<<31-1)
	case "max_fixable_vulnerabilities":
		p.Vulns.MaxFixable = d.severities(v)
	case "vulnerability_sla_days":
		p.Vulns.SLADays = d.severities(v)
	case "allowed_image_sources":
		p.Sources = d.sources(v)
	case "require_hardened":
		p.RequireHardened = d.bool(v)
	case "max_image_age_days":
		p.MaxImageAgeDays = d.int(v, 1, 1<<31-1)
	case "mode":
		m, err := ParseMode(d.str(v))
		if err != nil {
			d.fail("%v", err)
		}
		p.Mode = m
	case "trusted_keys":
		var keys []ed25519.PublicKey
		for i, s := range d.strings(v) {
			k, err := ParseTrustedKey(s)
			if err != nil {
				d.fail("[%d]: %v", i, err)
			}
			keys = append(keys, k)
		}
		if len(keys) > 0 && d.err == nil {
			ring, err := provenance.NewKeyRing(keys...)
			if err != nil {
				d.fail("%v", err)
			}
			p.Trusted = ring
		}
	case "allowed_os":
		for i, s := range d.strings(v) {
			fam, ver, err := lifecycle.ParseSelector(s)
			if err != nil {
				d.fail("[%d]: %v", i, err)
			}
			p.AllowedOS = append(p.AllowedOS, Selector{Family: fam, Version: ver})
		}
	case "exceptions":
		for i, o := range d.objects(v, []string{"image_id", "reason", "expires"}, []string{"image_id", "reason", "expires"}) {
			exp, err := lifecycle.ParseDate(o["expires"])
			if err != nil {
				d.fail("[%d].expires: %v", i, err)
			}
			if len(o["reason"]) < 3 {
				d.fail("[%d].reason: say why the image is exempt (ticket, owner), at least 3 characters", i)
			}
			p.Exceptions = append(p.Exceptions, Exception{ImageID: o["image_id"], Reason: o["reason"], Expires: exp})
		}
	case "lifecycle_overrides":
		fields := []string{"family", "version", "codename", "lts", "ga", "eol_standard", "eol_extended", "successor", "source"}
		for _, o := range d.objects(v, fields, []string{"family", "version"}) {
			ov := lifecycle.Override{Family: o["family"], Version: o["version"], Codename: o["codename"], GA: o["ga"],
				EOLStandard: o["eol_standard"], EOLExtended: o["eol_extended"], Successor: o["successor"], Source: o["source"]}
			if s, ok := o["lts"]; ok {
				lts := s == "true"
				ov.LTS = &lts
			}
			out.Overrides = append(out.Overrides, ov)
		}
	default:
		d.fail("unknown attribute; a policy file sets the provider's policy attributes: %s", strings.Join(fileAttrs, ", "))
	}
}

func (d *decoder) typed(v cty.Value, t cty.Type, what string) bool {
	if v.IsNull() || !v.Type().Equals(t) {
		d.fail("must be %s", what)
		return false
	}
	return true
}

func (d *decoder) bool(v cty.Value) bool {
	return d.typed(v, cty.Bool, "true or false") && v.True()
}

func (d *decoder) str(v cty.Value) string {
	if !d.typed(v, cty.String, "a string") {
		return ""
	}
	return v.AsString()
}

func (d *decoder) int(v cty.Value, lo, hi int64) int {
	if !d.typed(v, cty.Number, "a whole number") {
		return 0
	}
	n, acc := v.AsBigFloat().Int64()
	if acc != big.Exact || n < lo || n > hi {
		d.fail("must be a whole number between %d and %d, got %s", lo, hi, v.AsBigFloat().String())
		return 0
	}
	return int(n)
}

func (d *decoder) strings(v cty.Value) []string {
	if !isList(v, true) {
		d.fail("must be a list of strings")
		return nil
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() || !e.Type().Equals(cty.String) {
			d.fail("must be a list of strings")
			return nil
		}
		out = append(out, e.AsString())
	}
	return out
}

// severities reads a map from severity (Severities) to a count ≥ 0, e.g.
// { critical = 0, high = 3 }.
func (d *decoder) severities(v cty.Value) map[string]int {
	t := v.Type()
	if v.IsNull() || (!t.IsObjectType() && !t.IsMapType()) {
		d.fail("must be a map of severity to number, e.g. { critical = 0, high = 0 }")
		return nil
	}
	out := map[string]int{}
	for it := v.ElementIterator(); it.Next(); {
		k, n := it.Element()
		sev := k.AsString()
		if !slices.Contains(Severities, sev) {
			d.fail("%q is not a severity; use %s", sev, strings.Join(Severities, ", "))
			return nil
		}
		where := d.where
		d.where += "." + sev
		out[sev] = d.int(n, 0, 1<<31-1)
		d.where = where
	}
	return out
}

// objects reads a list of objects with string (or bool) attributes among
// allowed, each with every attribute of required.
func (d *decoder) objects(v cty.Value, allowed, required []string) []map[string]string {
	if !isList(v, false) {
		d.fail("must be a list of objects ({ %s = … })", strings.Join(required, " = …, "))
		return nil
	}
	var out []map[string]string
	for i, it := 0, v.ElementIterator(); it.Next(); i++ {
		_, e := it.Element()
		if e.IsNull() || (!e.Type().IsObjectType() && !e.Type().IsMapType()) {
			d.fail("[%d]: must be an object", i)
			return nil
		}
		o := map[string]string{}
		for ai := e.ElementIterator(); ai.Next(); {
			k, val := ai.Element()
			key := k.AsString()
			if !slices.Contains(allowed, key) {
				d.fail("[%d]: unknown attribute %q; allowed: %s", i, key, strings.Join(allowed, ", "))
				return nil
			}
			switch {
			case val.Type().Equals(cty.String) && !val.IsNull():
				o[key] = val.AsString()
			case val.Type().Equals(cty.Bool) && !val.IsNull():
				o[key] = fmt.Sprint(val.True())
			default:
				d.fail("[%d].%s: must be a string", i, key)
				return nil
			}
		}
		for _, r := range required {
			if o[r] == "" {
				d.fail("[%d].%s is required", i, r)
				return nil
			}
		}
		out = append(out, o)
	}
	return out
}

// isList reports whether v is a non-null list or tuple (HCL's [ … ]), or a
// set when sets are allowed.
func isList(v cty.Value, sets bool) bool {
	t := v.Type()
	return !v.IsNull() && (t.IsListType() || t.IsTupleType() || (sets && t.IsSetType()))
}

// ParseTrustedKey accepts what internal/provenance reads (PEM "PUBLIC KEY",
// an OpenSSH "ssh-ed25519 AAAA…" line) plus, because it fits on one HCL
// line, base64 of the raw 32-byte key, optionally prefixed "ed25519:".
func ParseTrustedKey(s string) (ed25519.PublicKey, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "ssh-") || strings.HasPrefix(s, "-----BEGIN") {
		return provenance.ParsePublicKey([]byte(s))
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "ed25519:"))
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%q is not an ed25519 public key; use PEM (BEGIN PUBLIC KEY), an OpenSSH \"ssh-ed25519 AAAA…\" line, or base64 of the 32-byte key (optionally prefixed \"ed25519:\")", s)
	}
	return ed25519.PublicKey(raw), nil
}
