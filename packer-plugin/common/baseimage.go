package common

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
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

// LifecyclePolicy is the gate's configuration.
type LifecyclePolicy struct {
	Catalog *lifecycle.Catalog
	Today   time.Time
	Policy  lifecycle.Policy
}

// Candidate is one official image with its lifecycle status.
type Candidate struct {
	Image  tencent.Image
	OS     lifecycle.OSID
	Status lifecycle.Status
}

// EOLDate is the end of standard support of the candidate's release (zero if unknown).
func (c Candidate) EOLDate() time.Time { return c.Status.Release.EOLStandard }

// Evaluate computes the lifecycle status of one image.
func (p LifecyclePolicy) Evaluate(img tencent.Image) Candidate {
	rel, id, _ := p.Catalog.Parse(img.OsName, img.Platform)
	return Candidate{Image: img, OS: id, Status: p.Catalog.Evaluate(rel, p.Today, p.Policy)}
}

// GateError is the lifecycle gate refusing a base image.
type GateError struct {
	Candidate Candidate
	// AllowExtendedHint is set when allow_extended_support = true would let it pass.
	AllowExtendedHint bool
}

func (e *GateError) Error() string {
	c := e.Candidate
	var b strings.Builder
	fmt.Fprintf(&b, "base image %s (%q) is refused by the lifecycle gate: %s", c.Image.ID, c.Image.OsName, c.Status.Reason())
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
	return b.String()
}

// Gate returns nil when the image may be used as a base.
func (p LifecyclePolicy) Gate(img tencent.Image) (Candidate, error) {
	c := p.Evaluate(img)
	if c.Status.Supported {
		return c, nil
	}
	return c, &GateError{Candidate: c, AllowExtendedHint: c.Status.Phase == lifecycle.PhaseExtended && !p.Policy.AllowExtended}
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
		c := p.Evaluate(img)
		if c.OS.Family != f.OSFamily || (f.OSVersion != "" && c.OS.Version != f.OSVersion) {
			continue
		}
		matches = append(matches, c)
	}
	want := lifecycle.DisplayName(f.OSFamily, f.OSVersion) + " " + f.Architecture
	if len(matches) == 0 {
		return Candidate{}, fmt.Errorf("%w %s: check os_family/os_version/architecture (the region may not offer it)", ErrNoImage, want)
	}
	sort.SliceStable(matches, func(i, j int) bool { return newer(matches[i], matches[j]) })
	for _, c := range matches {
		if c.Status.Supported {
			return c, nil
		}
	}
	// Only refused images match: say what they are and where to go.
	best := matches[0]
	ge := &GateError{Candidate: best, AllowExtendedHint: best.Status.Phase == lifecycle.PhaseExtended && !p.Policy.AllowExtended}
	return Candidate{}, fmt.Errorf("every official %s image is refused; newest: %w", want, ge)
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
