package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// addLookupError reports a failed image lookup titled by its real cause: a
// wrong secret_key or region is not "Image not found", and the detail names
// the provider attribute (and environment variable) that fixes it. what
// is the looked-up thing ("image_id img-…", "images matching …"); attr is
// where a not-found error belongs (path.Empty() for searches).
func addLookupError(diags *diag.Diagnostics, attr path.Path, what, region string, err error) {
	addLookupErrorOf(diags, "image", attr, what, region, err)
}

// addLookupErrorOf is addLookupError for a lookup of noun ("image",
// "blueprint").
func addLookupErrorOf(diags *diag.Diagnostics, noun string, attr path.Path, what, region string, err error) {
	title, fix := causeText(tencent.CauseOf(err), region)
	if title == "" {
		detail := fmt.Sprintf("%s does not exist in %s: %v. Check the id, or set region to the region that holds the %s.", what, region, err, noun)
		title = strings.ToUpper(noun[:1]) + noun[1:] + " not found"
		if attr.Equal(path.Empty()) {
			diags.AddError(title, detail)
		} else {
			diags.AddAttributeError(attr, title, detail)
		}
		return
	}
	// Not the resource's fault: a plain error, because the fix is in the
	// provider block or the environment.
	diags.AddError(title, fmt.Sprintf("Looking up %s in %s failed: %v.%s", what, region, err, fix))
}

// causeText is the title and fix for cause; "" title means not found.
func causeText(cause tencent.Cause, region string) (string, string) {
	switch cause {
	case tencent.CauseNotFound:
		return "", ""
	case tencent.CauseSecretID:
		return "Tencent Cloud credentials rejected: unknown SecretId",
			" Set secret_id (or " + tencent.EnvSecretID + ") to an existing API key's SecretId."
	case tencent.CauseSecretKey:
		return "Tencent Cloud credentials rejected: signature does not verify",
			" The SecretKey does not belong to the SecretId: set secret_key (or " + tencent.EnvSecretKey + ") to the key of secret_id."
	case tencent.CauseToken:
		return "Tencent Cloud credentials rejected: invalid security token",
			" Temporary credentials need a current token: refresh security_token (or " + tencent.EnvSecurityToken + ") with its secret_id and secret_key."
	case tencent.CauseClock:
		return "Tencent Cloud rejected the request time",
			" The request timestamp is too far from the server's clock: synchronise this machine's clock (NTP)."
	case tencent.CauseAuth:
		return "Tencent Cloud authorisation failed",
			" Check secret_id/secret_key (or " + tencent.EnvSecretID + "/" + tencent.EnvSecretKey + ") and that the key's CAM policy allows cvm:DescribeImages."
	case tencent.CauseRegion:
		return fmt.Sprintf("Unsupported region %q", region),
			" Set region (or " + tencent.EnvRegion + ") to a Tencent Cloud region that offers CVM, e.g. " + tencent.DefaultRegion + "."
	}
	return "Image lookup failed", ""
}
