package policy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// CodeSourceNotAllowed: the image comes from a source allowed_image_sources
// does not allow (an unlisted sharing account or marketplace publisher, ...).
const CodeSourceNotAllowed = "source_not_allowed"

// Image source classes, from the API's ImageType.
const (
	SourceOfficial = "official" // PUBLIC_IMAGE: Tencent's own public images
	SourceOwn      = "own"      // PRIVATE_IMAGE: custom images of this account
	SourceShared   = "shared"   // SHARED_IMAGE: shared by another account (Owner)
	SourceMarket   = "market"   // MARKET_IMAGE: marketplace image of a publisher (Owner)
)

// SourceOf classifies an API ImageType; "" for a type this engine does not
// know, which the source check then leaves alone.
func SourceOf(imageType string) string {
	switch imageType {
	case "PUBLIC_IMAGE":
		return SourceOfficial
	case "PRIVATE_IMAGE":
		return SourceOwn
	case "SHARED_IMAGE":
		return SourceShared
	case "MARKET_IMAGE":
		return SourceMarket
	}
	return ""
}

// Sources is allowed_image_sources. Unset (Restricted false), official, own
// and shared images of any account are allowed, and marketplace images are
// refused: a third-party marketplace image is built and maintained by
// someone neither Tencent nor you has vetted. Set (Restricted), only what it
// lists is allowed.
type Sources struct {
	Restricted       bool
	Official         bool
	Own              bool
	OwnVerifiedOnly  bool     // own images only with provenance verified against trusted_keys
	SharedAccounts   []string // account ids whose shared images are allowed
	MarketPublishers []string // publisher account ids whose marketplace images are allowed
}

// sourceFindings judges where the image comes from.
func sourceFindings(in Input, s Sources, add func(code string, violation bool, format string, args ...any)) {
	owner := in.Image.Owner
	if owner == "" {
		owner = "an unknown account"
	}
	switch SourceOf(in.Image.Type) {
	case SourceOfficial:
		if s.Restricted && !s.Official {
			add(CodeSourceNotAllowed, true, "is not allowed: it is an official Tencent Cloud public image and allowed_image_sources does not set official = true.")
		}
	case SourceOwn:
		switch {
		case s.Restricted && !s.Own:
			add(CodeSourceNotAllowed, true, "is not allowed: it is a custom image of this account and allowed_image_sources does not set own = true.")
		case s.OwnVerifiedOnly && !in.Provenance.Verified:
			add(CodeSourceNotAllowed, true, "is not allowed: it is a custom image of this account without verified provenance (%s), and "+
				"allowed_image_sources.own_verified_only is set; build it with the %s Packer builder and a signing key listed in trusted_keys.",
				provenanceProblem(in.Provenance), builder(in))
		}
	case SourceShared:
		if s.Restricted && !slices.Contains(s.SharedAccounts, owner) {
			add(CodeSourceNotAllowed, true, "is not allowed: it is shared by account %s, which is not in allowed_image_sources.shared_accounts (%s); "+
				"add the account after review, or copy the image into this account.", owner, orNone(s.SharedAccounts))
		}
	case SourceMarket:
		if !slices.Contains(s.MarketPublishers, owner) {
			add(CodeSourceNotAllowed, true, "is not allowed: it is a third-party marketplace image (第三方非认证镜像: neither built by Tencent nor by you, "+
				"nor verified by either) from publisher %s, which is not in allowed_image_sources.market_publishers (%s); use an official "+
				"or your own hardened image, or list the publisher after review.", owner, orNone(s.MarketPublishers))
		}
	}
}

func provenanceProblem(pv Provenance) string {
	switch {
	case !pv.Present:
		return "it carries no hardened provenance tags"
	case pv.Err != nil:
		return fmt.Sprint(pv.Err)
	}
	return "not verified"
}

// accountID is a Tencent Cloud account id (UIN).
var accountID = regexp.MustCompile(`^[0-9]{5,20}$`)

// sources reads a policy file's allowed_image_sources object, with the
// provider attribute's names; setting it restricts the sources to what it
// lists.
func (d *decoder) sources(v cty.Value) Sources {
	t := v.Type()
	if v.IsNull() || (!t.IsObjectType() && !t.IsMapType()) {
		d.fail("must be an object, e.g. { official = true, own = true, market_publishers = [\"300000000003\"] }")
		return Sources{}
	}
	s := Sources{Restricted: true}
	where := d.where
	defer func() { d.where = where }()
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		d.where = where + "." + k.AsString()
		switch k.AsString() {
		case "official":
			s.Official = d.bool(e)
		case "own":
			s.Own = d.bool(e)
		case "own_verified_only":
			s.OwnVerifiedOnly = d.bool(e)
		case "shared_accounts":
			s.SharedAccounts = d.accounts(e)
		case "market_publishers":
			s.MarketPublishers = d.accounts(e)
		default:
			d.fail("unknown attribute; allowed: official, own, own_verified_only, shared_accounts, market_publishers")
		}
	}
	return s
}

func (d *decoder) accounts(v cty.Value) []string {
	ids := d.strings(v)
	for i, id := range ids {
		if !accountID.MatchString(id) {
			d.fail("[%d]: %q is not a Tencent Cloud account id (UIN, digits only), e.g. \"200000000002\"", i, strings.TrimSpace(id))
		}
	}
	return ids
}
