package lifecycle

import (
	"fmt"
	"time"
)

// TodayEnv names the environment variable adapters read to pin "today"
// (YYYY-MM-DD) for reproducible plans and tests. The package itself never
// reads the environment; adapters pass the value to ClockFromString.
const TodayEnv = "HARDENED_TODAY"

// Clock returns the current time. Inject it wherever "today" matters so
// tests and reproducible plans do not depend on the wall clock.
type Clock func() time.Time

// SystemClock is the wall clock.
func SystemClock() time.Time { return time.Now() }

// FixedClock always returns t.
func FixedClock(t time.Time) Clock { return func() time.Time { return t } }

// ClockFromString returns SystemClock for "" and a FixedClock for a
// YYYY-MM-DD date.
func ClockFromString(s string) (Clock, error) {
	if s == "" {
		return SystemClock, nil
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return nil, fmt.Errorf("%s=%q is not a date; use YYYY-MM-DD, e.g. 2026-11-23", TodayEnv, s)
	}
	return FixedClock(t), nil
}
