package common

import (
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
	return errs
}

// Policy loads the catalog and fixes today.
func (g *GateConfig) Policy() (LifecyclePolicy, error) {
	cat, err := lifecycle.Embedded()
	if err != nil {
		return LifecyclePolicy{}, fmt.Errorf("load lifecycle catalog: %w", err)
	}
	clock, err := lifecycle.ClockFromString(g.Today)
	if err != nil {
		return LifecyclePolicy{}, fmt.Errorf("today: %w", err)
	}
	return LifecyclePolicy{Catalog: cat, Today: lifecycle.Day(clock()),
		Policy: lifecycle.Policy{WarnDays: g.WarnBeforeEOLDays, AllowExtended: g.AllowExtendedSupport}}, nil
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
