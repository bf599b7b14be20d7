// Package policy decides whether an image may be used: it combines the OS
// lifecycle status (internal/lifecycle), the image's hardening provenance
// (internal/provenance) and the user's image policy into one Decision whose
// messages name the image, its OS, the relevant date and a supported way
// forward.
//
// It imports no Terraform or Packer SDK; the provider maps a Decision's
// Severity onto diagnostics.
package policy

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

// Mode is what a violation does.
type Mode string

const (
	// ModeEnforce turns violations into errors (the plan fails).
	ModeEnforce Mode = "enforce"
	// ModeWarn turns violations into warnings.
	ModeWarn Mode = "warn"
	// ModeAudit records violations without any diagnostic.
	ModeAudit Mode = "audit"
)

// ParseMode reads a mode; "" is enforce, the safe default.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case "":
		return ModeEnforce, nil
	case ModeEnforce, ModeWarn, ModeAudit:
		return Mode(s), nil
	}
	return "", fmt.Errorf("mode %q is not one of enforce, warn, audit", s)
}

// Severity is how loudly a decision should be reported.
type Severity int

const (
	// SeverityNone: nothing to report.
	SeverityNone Severity = iota
	// SeverityInfo: recorded only (audit mode).
	SeverityInfo
	// SeverityWarning: the plan goes ahead with a warning.
	SeverityWarning
	// SeverityError: the plan fails.
	SeverityError
)

func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	case SeverityError:
		return "error"
	}
	return "none"
}

// Reason codes. They are stable: users match on them in conditions.
const (
	CodeEOL               = "eol"                // no support of any kind left
	CodeExtended          = "extended_support"   // only paid/ESM support left and policy does not allow it
	CodeUnknownOS         = "unknown_os"         // OS not in the catalog or without dates
	CodeApproachingEOL    = "approaching_eol"    // advisory: still supported, ends soon
	CodeOSNotAllowed      = "os_not_allowed"     // allowed_os does not list the OS
	CodeNotHardened       = "not_hardened"       // require_hardened, no provenance tags
	CodeProvenanceInvalid = "provenance_invalid" // tags present but unsigned, malformed or tampered
	CodeUntrustedKey      = "untrusted_key"      // signed by a key not in trusted_keys
	CodeTooOld            = "image_too_old"      // older than max_image_age_days
	CodeException         = "exception"          // a valid exception allowed a violation
	CodeExceptionExpired  = "exception_expired"  // the image's exception has expired
	CodeNonLTS            = "non_lts"            // not a long-term-support release and allow_non_lts is off
)

// Reason is one finding. Violation is true when it blocks the image (before
// exceptions and mode are applied).
type Reason struct {
	Code      string
	Message   string
	Violation bool
}

// Selector is one allowed_os entry (canonical family; empty Version allows
// every release of the family).
type Selector struct{ Family, Version string }

// Exception exempts one image until Expires (inclusive, a UTC day).
type Exception struct {
	ImageID string
	Reason  string
	Expires time.Time
}

// Policy is the user's image policy.
type Policy struct {
	Mode      Mode // "" = enforce
	Lifecycle lifecycle.Policy
	// RequireHardened demands provenance verified against Trusted.
	RequireHardened bool
	Trusted         *provenance.KeyRing
	// MaxImageAgeDays rejects custom images older than this; 0 = no limit.
	MaxImageAgeDays int
	// AllowNonLTS accepts releases the catalog does not mark LTS (Ubuntu
	// interim releases, CentOS Stream) while they are supported.
	AllowNonLTS bool
	// MaxAuditFailures is how many rules the image's own post-hardening
	// audit (recorded in its provenance) may fail; 0 by default.
	MaxAuditFailures int
	// MaxIndependentFailures limits the independent scanner's failures
	// when the provenance records a scan; nil: not checked.
	MaxIndependentFailures *int
	// Sources is allowed_image_sources (sources.go).
	Sources    Sources
	AllowedOS  []Selector // empty: every OS
	Exceptions []Exception
	// Vulns holds the patch-age and vulnerability limits (vulns.go).
	Vulns VulnPolicy
}

// Image is what the engine needs to know about one image.
type Image struct {
	ID     string
	OsName string
	// CreatedTime is nil for public images (the API does not say); the age
	// limit does not apply to them.
	CreatedTime *time.Time
	// Type is the API ImageType (PUBLIC_IMAGE, PRIVATE_IMAGE, SHARED_IMAGE,
	// MARKET_IMAGE) and Owner its ImageCreator (the sharing account or the
	// marketplace publisher); they decide the image source (sources.go). An
	// empty Type skips the source check.
	Type  string
	Owner string
	// Kind names what is judged in every message: KindImage ("", a CVM
	// image) or KindBlueprint (a Lighthouse blueprint). The findings and
	// their codes are the same for both.
	Kind string
}

// What an Image is; see Image.Kind.
const (
	KindImage     = ""
	KindBlueprint = "blueprint"
)

// builder is the Packer builder that makes a hardened one of in's kind,
// named in the findings that ask for a rebuild.
func builder(in Input) string {
	if in.Image.Kind == KindBlueprint {
		return "hardened-lighthouse"
	}
	return "hardened-cvm"
}

// Provenance is the outcome of checking an image's provenance tags.
type Provenance struct {
	Present  bool  // any provenance tag at all
	Verified bool  // signature valid under a trusted key
	Err      error // why it is not verified (nil when Verified or !Present)
	Record   provenance.Signed
}

// CheckProvenance decodes and verifies tags against trusted (nil = no keys).
func CheckProvenance(tags map[string]string, trusted *provenance.KeyRing) Provenance {
	if !provenance.HasProvenance(tags) {
		return Provenance{}
	}
	s, err := provenance.VerifyTags(tags, trusted)
	return Provenance{Present: true, Verified: err == nil, Err: err, Record: s}
}

// Input is one image with what is known about it.
type Input struct {
	Image      Image
	OS         lifecycle.OSID   // parsed identity (also for OSes the catalog lacks)
	Status     lifecycle.Status // from Catalog.Evaluate (Recommended filled in)
	Provenance Provenance
}

// Decision is the engine's answer.
type Decision struct {
	// Allowed is false when a violation stands (no valid exception). In warn
	// and audit mode a disallowed image is still usable; Severity says how
	// to report it.
	Allowed  bool
	Severity Severity
	Reasons  []Reason
	// Exception is the exception that allowed the image, if any.
	Exception *Exception
}

// Violations returns the blocking reasons.
func (d Decision) Violations() []Reason {
	var out []Reason
	for _, r := range d.Reasons {
		if r.Violation {
			out = append(out, r)
		}
	}
	return out
}

// Summary joins the messages of all reasons (violations first) for a
// diagnostic detail; "" when there are none.
func (d Decision) Summary() string {
	var v, other []string
	for _, r := range d.Reasons {
		if r.Violation {
			v = append(v, r.Message)
		} else {
			other = append(other, r.Message)
		}
	}
	return strings.Join(append(v, other...), "\n")
}

// Evaluate judges in under p on today.
func Evaluate(in Input, p Policy, today time.Time) Decision {
	today = lifecycle.Day(today)
	label := imageLabel(in)
	var reasons []Reason
	add := func(code string, violation bool, format string, args ...any) {
		reasons = append(reasons, Reason{Code: code, Violation: violation, Message: label + " " + fmt.Sprintf(format, args...)})
	}

	st := in.Status
	switch st.Phase {
	case lifecycle.PhaseEOL:
		add(CodeEOL, true, "is not allowed: %s.%s", st.Reason(), moveTo(st))
	case lifecycle.PhaseExtended:
		if !p.Lifecycle.AllowExtended {
			add(CodeExtended, true, "is not allowed: %s; set allow_extended_support = true to accept it.%s", st.Reason(), moveTo(st))
		} else {
			// Accepted, but the last support it has left also ends: say when,
			// so the plan shows the deadline instead of passing silently.
			add(CodeExtended, false, "is accepted with allow_extended_support, but only extended (paid/ESM/LTS) support is left%s.%s",
				extendedEnd(st), moveTo(st))
		}
	case lifecycle.PhaseApproachingEOL:
		add(CodeApproachingEOL, false, "is approaching end of support: %s.%s", st.Reason(), moveTo(st))
	case lifecycle.PhaseUnknown, "":
		if in.OS.Family == "" {
			// lifecycle_overrides only take the known families, so advising
			// one here would send the user into a validation error.
			add(CodeUnknownOS, true, "is not allowed: its OS is not one of the families the lifecycle catalog knows (%s), so its support status is unknown; "+
				"add an exception for the image (with a reason and an expires date), or use mode = \"warn\".", strings.Join(lifecycle.Families(), ", "))
			break
		}
		add(CodeUnknownOS, true, "is not allowed: the support status of %s is unknown (not in the lifecycle catalog or no end-of-support date); "+
			"add a lifecycle_overrides entry for family %q, version %q with its eol_standard date, or an exception.", in.OS.Name(), in.OS.Family, in.OS.Version)
	}

	// Interim releases are refused even while supported: their support ends
	// within months, so a fleet built on them is always about to be EOL.
	// An EOL release already has its finding.
	if rel := st.Release; rel.Family != "" && !rel.LTS && st.Phase != lifecycle.PhaseEOL && !p.AllowNonLTS {
		add(CodeNonLTS, true, "is not allowed: %s is not a long-term-support (LTS) release, so it is not approved even while supported%s; "+
			"set allow_non_lts = true to accept non-LTS releases (or lts = true in its lifecycle_overrides entry if your vendor supports it long term).%s",
			rel.Name(), standardEnd(st), moveToLTS(st))
	}

	if len(p.AllowedOS) > 0 && !allows(p.AllowedOS, in.OS) {
		add(CodeOSNotAllowed, true, "is not allowed: %s is not in allowed_os (%s).", osLabel(in), selectorList(p.AllowedOS))
	}

	if p.RequireHardened {
		pv := in.Provenance
		var unknown *provenance.UnknownKeyError
		switch {
		case !pv.Present:
			add(CodeNotHardened, true, "is not allowed: require_hardened is set but the image carries no hardened provenance tags; build it with the %s Packer builder and a signing key.", builder(in))
		case pv.Verified:
		case errors.As(pv.Err, &unknown):
			add(CodeUntrustedKey, true, "is not allowed: its provenance is signed by key %s, which is not in trusted_keys (trusted: %s).",
				unknown.KeyID, orNone(unknown.Trusted))
		default:
			add(CodeProvenanceInvalid, true, "is not allowed: its provenance does not verify: %v.", pv.Err)
		}
	}

	auditFindings(in, p, add)
	sourceFindings(in, p.Sources, add)

	if p.MaxImageAgeDays > 0 && in.Image.CreatedTime != nil {
		created := lifecycle.Day(*in.Image.CreatedTime)
		age := int(today.Sub(created).Hours() / 24)
		if age > p.MaxImageAgeDays {
			add(CodeTooOld, true, "is not allowed: it was created on %s, %d days ago, more than max_image_age_days = %d; rebuild it.",
				lifecycle.FormatDate(created), age, p.MaxImageAgeDays)
		}
	}

	vulnReasons(in, p.Vulns, today, add)

	d := Decision{Allowed: true, Reasons: reasons}
	violated := false
	for _, r := range reasons {
		violated = violated || r.Violation
	}
	if violated {
		d.Allowed = false
		if e, expired, ok := exceptionFor(p.Exceptions, in.Image.ID, today); ok && !expired {
			e := e
			d.Allowed, d.Exception = true, &e
			d.Reasons = append(d.Reasons, Reason{Code: CodeException, Message: fmt.Sprintf(
				"%s is allowed by an exception until %s (%s); the findings above still apply and the exception must be renewed or the image replaced by then.",
				label, lifecycle.FormatDate(e.Expires), e.Reason)})
		} else if ok && expired {
			d.Reasons = append(d.Reasons, Reason{Code: CodeExceptionExpired, Violation: true, Message: fmt.Sprintf(
				"%s: its exception (%s) expired on %s (today is %s) and no longer allows it; fix the findings above, "+
					"or renew the exception with a new expires date after review.",
				label, e.Reason, lifecycle.FormatDate(e.Expires), lifecycle.FormatDate(today))})
		}
	}
	d.Severity = severity(d, p.Mode)
	return d
}

func severity(d Decision, m Mode) Severity {
	advisory := len(d.Reasons) > 0
	switch {
	case m == ModeAudit:
		if advisory {
			return SeverityInfo
		}
		return SeverityNone
	case !d.Allowed && (m == ModeEnforce || m == ""):
		return SeverityError
	case advisory:
		return SeverityWarning
	}
	return SeverityNone
}

// exceptionFor finds the exception for id. When several exist the one
// expiring last wins, so a renewed exception next to an old one applies.
func exceptionFor(list []Exception, id string, today time.Time) (Exception, bool, bool) {
	var best Exception
	found := false
	for _, e := range list {
		if e.ImageID == id && (!found || e.Expires.After(best.Expires)) {
			best, found = e, true
		}
	}
	return best, found && lifecycle.Day(best.Expires).Before(today), found
}

func allows(sel []Selector, os lifecycle.OSID) bool {
	for _, s := range sel {
		if s.Family == os.Family && (s.Version == "" || s.Version == os.Version) {
			return true
		}
	}
	return false
}

func imageLabel(in Input) string {
	kind := in.Image.Kind
	if kind == KindImage {
		kind = "image"
	}
	if in.Image.OsName == "" {
		return kind + " " + in.Image.ID
	}
	return fmt.Sprintf("%s %s (%s)", kind, in.Image.ID, in.Image.OsName)
}

func osLabel(in Input) string {
	if in.OS.Family == "" {
		return "an unrecognised OS"
	}
	return in.OS.Name()
}

// moveTo names a supported successor, or says there is none to follow.
func moveTo(st lifecycle.Status) string {
	if st.Recommended != "" {
		fam, ver, err := lifecycle.ParseSelector(st.Recommended)
		if err == nil {
			return fmt.Sprintf(" Move to %s, which is supported.", lifecycle.DisplayName(fam, ver))
		}
		return fmt.Sprintf(" Move to %s, which is supported.", st.Recommended)
	}
	if st.Release.Successor != "" {
		return " No release along its successor chain is supported today; choose a currently supported OS."
	}
	return ""
}

// moveToLTS names the first supported LTS release along the successor
// chain of a non-LTS release, or says there is none.
func moveToLTS(st lifecycle.Status) string {
	if fam, ver, err := lifecycle.ParseSelector(st.RecommendedLTS); st.RecommendedLTS != "" && err == nil {
		return fmt.Sprintf(" Move to %s, an LTS release that is supported.", lifecycle.DisplayName(fam, ver))
	}
	return " No supported LTS release follows it in the lifecycle catalog; choose a supported LTS release of another family."
}

// standardEnd is " (standard support ends on <date>)" or "" when unknown.
func standardEnd(st lifecycle.Status) string {
	if st.Release.EOLStandard.IsZero() {
		return ""
	}
	return fmt.Sprintf(" (standard support ends on %s)", lifecycle.FormatDate(st.Release.EOLStandard))
}

// extendedEnd is " until <date> (<n> days)" for the end of extended
// support, or "" when the catalog has no date for it.
func extendedEnd(st lifecycle.Status) string {
	if st.Release.EOLExtended.IsZero() {
		return ""
	}
	if st.DaysToExtendedEOL != nil {
		return fmt.Sprintf(", which ends on %s (in %d days)", lifecycle.FormatDate(st.Release.EOLExtended), *st.DaysToExtendedEOL)
	}
	return fmt.Sprintf(", which ends on %s", lifecycle.FormatDate(st.Release.EOLExtended))
}

func selectorList(sel []Selector) string {
	out := make([]string, len(sel))
	for i, s := range sel {
		if s.Version == "" {
			out[i] = s.Family
		} else {
			out[i] = s.Family + " " + s.Version
		}
	}
	return strings.Join(out, ", ")
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
