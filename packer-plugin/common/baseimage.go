package common

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	imagepolicy "github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// ImageFilter selects an official base image by operating system.
type ImageFilter struct {
	// OS family, e.g. `debian`, `ubuntu`, `rocky`, `tencentos` (aliases such as
	// "Rocky Linux" are accepted).
	OSFamily string `mapstructure:"os_family" required:"true"`
	// Release, e.g. `13`, `24.04`. Empty: the newest release of the family that
	// passes the lifecycle gate.
	OSVersion string `mapstructure:"os_version"`
	// `x86_64` (default) or `arm64` (Tencent calls it `arm`).
	Architecture string `mapstructure:"architecture"`
}

// Prepare normalises the filter and names the field of any error.
func (f *ImageFilter) Prepare(prefix string) []error {
	var errs []error
	if f.OSFamily == "" {
		errs = append(errs, fmt.Errorf("%sos_family is required, one of: %s", prefix, strings.Join(lifecycle.Families(), ", ")))
	} else if fam, ok := lifecycle.NormalizeFamily(f.OSFamily); !ok {
		errs = append(errs, fmt.Errorf("%sos_family %q is not a known OS family; use one of: %s", prefix, f.OSFamily, strings.Join(lifecycle.Families(), ", ")))
	} else {
		f.OSFamily = fam
		if f.OSVersion != "" {
			v, err := lifecycle.NormalizeVersion(fam, f.OSVersion)
			if err != nil {
				errs = append(errs, fmt.Errorf("%sos_version %q: %v", prefix, f.OSVersion, err))
			} else {
				f.OSVersion = v
			}
		}
	}
	arch, err := NormalizeArch(f.Architecture)
	if err != nil {
		errs = append(errs, fmt.Errorf("%sarchitecture: %w", prefix, err))
	}
	f.Architecture = arch
	return errs
}

// NormalizeArch maps user spellings to Tencent's Architecture values.
func NormalizeArch(a string) (string, error) {
	switch strings.ToLower(a) {
	case "", "x86_64", "amd64", "x86-64":
		return "x86_64", nil
	case "arm", "arm64", "aarch64":
		return "arm", nil
	}
	return "", fmt.Errorf("%q is not supported; use x86_64 or arm64", a)
}

// LifecyclePolicy is the gate's configuration. The gate decides with the
// provider's policy engine (internal/policy), so a base is refused for the
// same reasons, with the same codes and messages, as an image in a plan.
type LifecyclePolicy struct {
	Catalog *lifecycle.Catalog
	Today   time.Time
	Policy  lifecycle.Policy
	// AllowNonLTS accepts supported non-LTS releases (allow_non_lts).
	AllowNonLTS bool
	// RefuseApproaching refuses approaching_eol bases (refuse_approaching_eol).
	RefuseApproaching bool
}

// engine is the image policy the gate applies: enforce mode, the lifecycle
// settings, allow_non_lts; a base image carries no provenance, so the
// hardening checks do not apply to it.
func (p LifecyclePolicy) engine() imagepolicy.Policy {
	return imagepolicy.Policy{Mode: imagepolicy.ModeEnforce, Lifecycle: p.Policy, AllowNonLTS: p.AllowNonLTS}
}

// Candidate is one official image with its lifecycle status and the policy
// decision on it.
type Candidate struct {
	// Image is the image, or the Lighthouse blueprint read as one (BlueprintImage).
	Image tencent.Image
	// Kind is imagepolicy.KindImage or imagepolicy.KindBlueprint: what the
	// messages call it and which builder they name.
	Kind     string
	OS       lifecycle.OSID
	Status   lifecycle.Status
	Decision imagepolicy.Decision
}

// passes reports whether the gate lets c through.
func (p LifecyclePolicy) passes(c Candidate) bool {
	return c.Decision.Allowed && (!p.RefuseApproaching || c.Status.Phase != lifecycle.PhaseApproachingEOL)
}

// EOLDate is the end of standard support of the candidate's release (zero if unknown).
func (c Candidate) EOLDate() time.Time { return c.Status.Release.EOLStandard }

// Evaluate computes the lifecycle status of one image.
func (p LifecyclePolicy) Evaluate(img tencent.Image) Candidate {
	return p.EvaluateKind(img, imagepolicy.KindImage)
}

// EvaluateKind is Evaluate for an image of kind (imagepolicy.KindBlueprint
// for a Lighthouse blueprint read with BlueprintImage).
func (p LifecyclePolicy) EvaluateKind(img tencent.Image, kind string) Candidate {
	rel, id, _ := p.Catalog.Parse(img.OsName, img.Platform)
	st := p.Catalog.Evaluate(rel, p.Today, p.Policy)
	in := imagepolicy.Input{Image: imagepolicy.Image{ID: img.ID, OsName: img.OsName, Type: img.Type, Owner: img.Creator, Kind: kind}, OS: id, Status: st}
	return Candidate{Image: img, Kind: kind, OS: id, Status: st, Decision: imagepolicy.Evaluate(in, p.engine(), p.Today)}
}

// noun is what messages call a candidate of kind.
func noun(kind string) string {
	if kind == imagepolicy.KindBlueprint {
		return "blueprint"
	}
	return "image"
}

// GateError is the lifecycle gate refusing a base image.
type GateError struct {
	Candidate Candidate
	// AllowExtendedHint is set when allow_extended_support = true would let it pass.
	AllowExtendedHint bool
	// RefusedApproaching is set when only refuse_approaching_eol refuses it.
	RefusedApproaching bool
}

func (e *GateError) Error() string {
	c := e.Candidate
	var b strings.Builder
	fmt.Fprintf(&b, "base %s %s (%q) is refused by the lifecycle gate: %s", noun(c.Kind), c.Image.ID, c.Image.OsName, c.Status.Reason())
	for _, r := range c.Decision.Violations() {
		if r.Code == imagepolicy.CodeUnknownOS {
			// Its advice names provider exceptions, which Packer has not;
			// the lifecycle_overrides hint below says what to do here.
			fmt.Fprintf(&b, "; %s", r.Code)
			continue
		}
		fmt.Fprintf(&b, "; %s: %s", r.Code, r.Message)
	}
	if e.RefusedApproaching {
		b.WriteString("; refuse_approaching_eol is set, so a base within warn_before_eol_days of its end is refused")
	}
	if d := c.EOLDate(); !d.IsZero() {
		fmt.Fprintf(&b, " [EOL %s, phase %s]", lifecycle.FormatDate(d), c.Status.Phase)
	} else {
		fmt.Fprintf(&b, " [phase %s]", c.Status.Phase)
	}
	if rec := firstNonEmpty(c.Status.Recommended, c.Status.Successor); rec != "" {
		fmt.Fprintf(&b, ". Build from %s instead (os_family = %q, os_version = %q)", lifecycle.DisplayName(famOf(rec), verOf(rec)), famOf(rec), verOf(rec))
	}
	if e.AllowExtendedHint {
		b.WriteString(". To build from it anyway under paid/LTS extended support, set allow_extended_support = true")
	}
	if c.Status.Phase == lifecycle.PhaseUnknown && c.OS.Family != "" {
		fmt.Fprintf(&b, ". If the vendor supports it, give it a date: lifecycle_overrides { family = %q, version = %q, eol_standard = \"YYYY-MM-DD\" }",
			c.OS.Family, c.OS.Version)
	}
	return b.String()
}

func (p LifecyclePolicy) gateError(c Candidate) *GateError {
	return &GateError{Candidate: c, AllowExtendedHint: c.Status.Phase == lifecycle.PhaseExtended && !p.Policy.AllowExtended,
		RefusedApproaching: c.Decision.Allowed && p.RefuseApproaching}
}

// Gate returns nil when the image may be used as a base.
func (p LifecyclePolicy) Gate(img tencent.Image) (Candidate, error) {
	return p.GateKind(img, imagepolicy.KindImage)
}

// GateKind is Gate for an image of kind (see EvaluateKind).
func (p LifecyclePolicy) GateKind(img tencent.Image, kind string) (Candidate, error) {
	c := p.EvaluateKind(img, kind)
	if p.passes(c) {
		return c, nil
	}
	return c, p.gateError(c)
}

// ErrNoImage is wrapped when no official image matches at all.
var ErrNoImage = errors.New("no official image matches")

// SelectBaseImage returns the newest official image for f that passes the
// gate. "Newest" is decided by the parsed release, then the point release,
// then the image id (public images have no creation time), so the answer
// is deterministic for one catalog.
func SelectBaseImage(ctx context.Context, cl *tencent.Client, f ImageFilter, p LifecyclePolicy) (Candidate, error) {
	imgs, err := cl.ListImages(ctx, []tencent.Filter{{Name: "image-type", Values: []string{"PUBLIC_IMAGE"}}})
	if err != nil {
		return Candidate{}, fmt.Errorf("list public images in %s: %w", cl.Region(), err)
	}
	return Select(imgs, f, p)
}

// Select is SelectBaseImage over an already listed set of images.
func Select(imgs []tencent.Image, f ImageFilter, p LifecyclePolicy) (Candidate, error) {
	return SelectKind(imgs, f, p, imagepolicy.KindImage)
}

// SelectKind is Select over images of kind: for imagepolicy.KindBlueprint,
// the system blueprints read with BlueprintImage.
func SelectKind(imgs []tencent.Image, f ImageFilter, p LifecyclePolicy, kind string) (Candidate, error) {
	var matches []Candidate
	for _, img := range imgs {
		if img.Type != "" && img.Type != "PUBLIC_IMAGE" {
			continue
		}
		if img.State != "" && img.State != "NORMAL" {
			continue
		}
		if arch, _ := NormalizeArch(img.Architecture); arch != f.Architecture {
			continue
		}
		c := p.EvaluateKind(img, kind)
		if c.OS.Family != f.OSFamily || (f.OSVersion != "" && c.OS.Version != f.OSVersion) {
			continue
		}
		matches = append(matches, c)
	}
	want := lifecycle.DisplayName(f.OSFamily, f.OSVersion) + " " + f.Architecture
	if kind == imagepolicy.KindBlueprint {
		want += " system blueprint"
	}
	if len(matches) == 0 {
		return Candidate{}, fmt.Errorf("%w %s: check os_family/os_version/architecture (the region may not offer it)", ErrNoImage, want)
	}
	sort.SliceStable(matches, func(i, j int) bool { return newer(matches[i], matches[j]) })
	for _, c := range matches {
		if p.passes(c) {
			return c, nil
		}
	}
	// Only refused images match: say what they are and where to go.
	if kind == imagepolicy.KindBlueprint {
		return Candidate{}, fmt.Errorf("every official %s is refused; newest: %w", want, p.gateError(matches[0]))
	}
	return Candidate{}, fmt.Errorf("every official %s image is refused; newest: %w", want, p.gateError(matches[0]))
}

func newer(a, b Candidate) bool {
	if a.OS.Version != b.OS.Version {
		return lifecycle.VersionLess(b.OS.Version, a.OS.Version)
	}
	if a.OS.PointRelease != b.OS.PointRelease {
		return pointLess(b.OS.PointRelease, a.OS.PointRelease)
	}
	// Plain images before UEFI/other variants: shorter OsName first, then id.
	if len(a.Image.OsName) != len(b.Image.OsName) {
		return len(a.Image.OsName) < len(b.Image.OsName)
	}
	return a.Image.ID > b.Image.ID
}

// pointLess compares dotted numeric versions ("13.1" < "13.10").
func pointLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		if len(as[i]) != len(bs[i]) {
			return len(as[i]) < len(bs[i])
		}
		return as[i] < bs[i]
	}
	return len(as) < len(bs)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func famOf(rel string) string { f, _, _ := strings.Cut(rel, " "); return f }
func verOf(rel string) string { _, v, _ := strings.Cut(rel, " "); return v }
