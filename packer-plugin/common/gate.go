package common

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

// GateConfig is the lifecycle gate's user configuration, shared by the
// builder and the data source.
type GateConfig struct {
	// Let bases in the `extended` phase (standard support over, paid/LTS support
	// left, e.g. Debian 12 today) pass the gate. Off by default: say so deliberately.
	AllowExtendedSupport bool `mapstructure:"allow_extended_support"`
	// Days before the end of standard support in which the base is reported as
	// `approaching_eol` (still allowed, with a warning). Default 180.
	WarnBeforeEOLDays int `mapstructure:"warn_before_eol_days"`
	// Pin "today" (YYYY-MM-DD) for reproducible lifecycle decisions; defaults to
	// the `HARDENED_TODAY` environment variable, then the real date.
	Today string `mapstructure:"today"`
	// Let releases that are not long-term-support releases (Ubuntu 23.10, 24.10,
	// 25.04, 25.10, CentOS Stream) pass while they are supported. Off by default,
	// like the provider's `allow_non_lts`: their support ends within months.
	AllowNonLTS bool `mapstructure:"allow_non_lts"`
	// Refuse bases whose standard support ends within `warn_before_eol_days`
	// (phase `approaching_eol`) instead of only warning, so a new golden image
	// never starts its life close to the end of its OS.
	RefuseApproachingEOL bool `mapstructure:"refuse_approaching_eol"`
	// Your own lifecycle dates, merged over the embedded catalog exactly like the
	// provider's `lifecycle_overrides`: give a date to a release without a
	// published end of support (TencentOS Server 4, OpenCloudOS 9 are `unknown`
	// and refused without one), settle a disputed date, or add a release.
	LifecycleOverrides []LifecycleOverride `mapstructure:"lifecycle_overrides"`
}

// LifecycleOverride is one `lifecycle_overrides` block; empty fields keep
// the catalog's value.
type LifecycleOverride struct {
	// OS family, e.g. `tencentos`, `opencloudos` (aliases accepted).
	Family string `mapstructure:"family" required:"true"`
	// Release, e.g. `4`, `9`, `22.04`.
	Version string `mapstructure:"version" required:"true"`
	// Release codename.
	Codename string `mapstructure:"codename"`
	// Whether the release is long-term-support; unset keeps the catalog's flag
	// (`false` for added releases).
	LTS *bool `mapstructure:"lts"`
	// General availability, YYYY-MM-DD.
	GA string `mapstructure:"ga"`
	// First day without standard support, YYYY-MM-DD.
	EOLStandard string `mapstructure:"eol_standard"`
	// First day without any extended (paid/ESM/LTS) support, YYYY-MM-DD.
	EOLExtended string `mapstructure:"eol_extended"`
	// Release to move to: `<version>`, `<family> <version>` or `-` for none.
	Successor string `mapstructure:"successor"`
	// Where these dates come from (URL or reason). Default `user override`.
	Source string `mapstructure:"source"`
}

// Prepare validates the gate settings.
func (g *GateConfig) Prepare() []error {
	var errs []error
	if g.WarnBeforeEOLDays < 0 {
		errs = append(errs, fmt.Errorf("warn_before_eol_days %d must not be negative", g.WarnBeforeEOLDays))
	}
	if g.WarnBeforeEOLDays == 0 {
		g.WarnBeforeEOLDays = lifecycle.DefaultPolicy().WarnDays
	}
	if g.Today == "" {
		g.Today = os.Getenv(lifecycle.TodayEnv)
	}
	if _, err := lifecycle.ClockFromString(g.Today); err != nil {
		errs = append(errs, fmt.Errorf("today %q must be YYYY-MM-DD: %v", g.Today, err))
	}
	if _, err := g.catalog(); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// catalog is the embedded catalog with lifecycle_overrides merged in; an
// invalid override is an error naming its block and field.
func (g *GateConfig) catalog() (*lifecycle.Catalog, error) {
	cat, err := lifecycle.Embedded()
	if err != nil {
		return nil, fmt.Errorf("load lifecycle catalog: %w", err)
	}
	ovs := make([]lifecycle.Override, len(g.LifecycleOverrides))
	for i, o := range g.LifecycleOverrides {
		ovs[i] = lifecycle.Override{Family: o.Family, Version: o.Version, Codename: o.Codename, LTS: o.LTS, GA: o.GA,
			EOLStandard: o.EOLStandard, EOLExtended: o.EOLExtended, Successor: o.Successor, Source: o.Source}
	}
	merged, err := cat.WithOverrides(ovs)
	if err != nil {
		var fe *lifecycle.FieldError
		if errors.As(err, &fe) && fe.Index >= 0 {
			return nil, fmt.Errorf("lifecycle_overrides[%d].%s: %s", fe.Index, fe.Field, fe.Msg)
		}
		return nil, fmt.Errorf("lifecycle_overrides: %w", err)
	}
	return merged, nil
}

// Policy loads the catalog and fixes today.
func (g *GateConfig) Policy() (LifecyclePolicy, error) {
	cat, err := g.catalog()
	if err != nil {
		return LifecyclePolicy{}, err
	}
	clock, err := lifecycle.ClockFromString(g.Today)
	if err != nil {
		return LifecyclePolicy{}, fmt.Errorf("today: %w", err)
	}
	return LifecyclePolicy{Catalog: cat, Today: lifecycle.Day(clock()),
		Policy:      lifecycle.Policy{WarnDays: g.WarnBeforeEOLDays, AllowExtended: g.AllowExtendedSupport},
		AllowNonLTS: g.AllowNonLTS, RefuseApproaching: g.RefuseApproachingEOL}, nil
}

// DaysLeft is the whole days until d from today (negative once passed), or
// nil for an unknown date.
func DaysLeft(today, d time.Time) *int {
	if d.IsZero() {
		return nil
	}
	n := int(lifecycle.Day(d).Sub(lifecycle.Day(today)).Hours() / 24)
	return &n
}
