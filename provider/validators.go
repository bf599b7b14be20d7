package provider

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// stringCheck adapts a plain check function to validator.String. Every
// error names the attribute (the framework attaches the path, and the
// summary repeats it) and says how to fix the value.
type stringCheck struct {
	desc  string
	check func(string) error
}

func (v stringCheck) Description(context.Context) string         { return v.desc }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.desc }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+attrName(req.Path.String()),
			fmt.Sprintf("%s: %s", req.Path, err))
	}
}

// endpointValidator checks endpoint overrides at validate time: a bad one
// would otherwise only fail at the first API call, after the whole retry
// budget. The domain check does not know the provider's attribute names,
// so the scheme advice is reworded here to name `protocol`.
var endpointValidator = stringCheck{
	desc: "host[:port] with a port between 1 and 65535, without scheme or path",
	check: func(s string) error {
		if i := strings.Index(s, "://"); i >= 0 {
			return fmt.Errorf("%q must be host[:port] without %q; for plain HTTP set protocol = \"HTTP\" in the provider block", s, s[:i+3])
		}
		return tencent.CheckEndpoint(s)
	},
}

// attrName is the last attribute name in a path such as
// "exceptions[0].expires".
func attrName(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		p = p[i+1:]
	}
	if i := strings.IndexByte(p, '['); i >= 0 {
		p = p[:i]
	}
	return p
}

var (
	dateValidator = func() validator.String {
		return stringCheck{"must be a date YYYY-MM-DD", func(s string) error {
			_, err := lifecycle.ParseDate(s)
			if err != nil || s == "" {
				return fmt.Errorf("%q is not a date; use YYYY-MM-DD, e.g. \"2027-04-01\"", s)
			}
			return nil
		}}
	}
	familyValidator = func() validator.String {
		return stringCheck{"must be a known OS family", checkFamily}
	}
	imageIDValidator = func() validator.String {
		return stringCheck{"must be a Tencent Cloud image id", func(s string) error {
			if !isImageID(s) {
				return fmt.Errorf("%q is not a Tencent Cloud image id; expected \"img-\" followed by 8 lowercase letters or digits, e.g. \"img-9qrfy1xt\"", s)
			}
			return nil
		}}
	}
	httpURLValidator = func() validator.String {
		return stringCheck{"must be an absolute http(s) URL", func(s string) error {
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("%q is not an absolute http(s) URL; e.g. \"https://endoflife.date\"", s)
			}
			return nil
		}}
	}
	trustedKeyValidator = func() validator.String {
		return stringCheck{"must be an ed25519 public key", func(s string) error {
			_, err := parseTrustedKey(s)
			return err
		}}
	}
	allowedOSValidator = func() validator.String {
		return stringCheck{"must be \"<family>\" or \"<family> <version>\"", func(s string) error {
			_, _, err := lifecycle.ParseSelector(s)
			return err
		}}
	}
)

func checkFamily(s string) error {
	if _, ok := lifecycle.NormalizeFamily(s); !ok {
		return fmt.Errorf("%q is not a known OS family; use one of %s", s, strings.Join(lifecycle.Families(), ", "))
	}
	return nil
}

func isImageID(s string) bool {
	if len(s) != 12 || !strings.HasPrefix(s, "img-") {
		return false
	}
	for _, c := range s[4:] {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
