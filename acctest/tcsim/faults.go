package tcsim

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultKind names one injected failure.
type FaultKind string

// The faults tcsim can inject. Throttle and Internal answer API errors (HTTP 200), HTTP502 and
// HTTP504 answer gateway errors, Reset closes the TCP connection without an answer, Delay
// sleeps before handling the request normally.
const (
	FaultThrottle FaultKind = "throttle"
	FaultInternal FaultKind = "internal"
	FaultHTTP502  FaultKind = "502"
	FaultHTTP504  FaultKind = "504"
	FaultReset    FaultKind = "reset"
	FaultDelay    FaultKind = "delay"
)

// FaultRule injects Kind into a Rate fraction (0..1) of the requests for Action ("*" = all).
type FaultRule struct {
	Action string        `json:"action"`
	Kind   FaultKind     `json:"kind"`
	Rate   float64       `json:"rate"`
	Delay  time.Duration `json:"delay,omitempty"` // for FaultDelay
}

// FaultConfig is the complete fault set; Seed makes the random draws deterministic.
type FaultConfig struct {
	Seed  uint64      `json:"seed"`
	Rules []FaultRule `json:"rules"`
}

// UnmarshalJSON accepts either {"seed":..,"rules":[..]} or {"spec":"..."} (ParseFaultSpec syntax).
func (f *FaultConfig) UnmarshalJSON(b []byte) error {
	var raw struct {
		Seed  uint64 `json:"seed"`
		Spec  string `json:"spec"`
		Rules []struct {
			Action string    `json:"action"`
			Kind   FaultKind `json:"kind"`
			Rate   float64   `json:"rate"`
			Delay  any       `json:"delay"`
		} `json:"rules"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if raw.Spec != "" {
		parsed, err := ParseFaultSpec(raw.Spec)
		if err != nil {
			return err
		}
		*f = parsed
		if raw.Seed != 0 {
			f.Seed = raw.Seed
		}
		return nil
	}
	out := FaultConfig{Seed: raw.Seed}
	for i, r := range raw.Rules {
		rule := FaultRule{Action: r.Action, Kind: r.Kind, Rate: r.Rate}
		switch d := r.Delay.(type) {
		case nil:
		case float64:
			rule.Delay = time.Duration(d)
		case string:
			dd, err := time.ParseDuration(d)
			if err != nil {
				return fmt.Errorf("rules[%d].delay: %w", i, err)
			}
			rule.Delay = dd
		default:
			return fmt.Errorf("rules[%d].delay: want a duration string like \"200ms\"", i)
		}
		out.Rules = append(out.Rules, rule)
	}
	if err := out.Validate(); err != nil {
		return err
	}
	*f = out
	return nil
}

// Validate reports the first malformed rule.
func (f FaultConfig) Validate() error {
	for i, r := range f.Rules {
		if r.Action == "" {
			return fmt.Errorf("fault rule %d: action is empty; use an API action name or \"*\"", i)
		}
		switch r.Kind {
		case FaultThrottle, FaultInternal, FaultHTTP502, FaultHTTP504, FaultReset:
		case FaultDelay:
			if r.Delay <= 0 {
				return fmt.Errorf("fault rule %d: delay needs a positive duration, e.g. \"*:delay=1@200ms\"", i)
			}
		default:
			return fmt.Errorf("fault rule %d: unknown kind %q; use throttle, internal, 502, 504, reset or delay", i, r.Kind)
		}
		if r.Rate < 0 || r.Rate > 1 {
			return fmt.Errorf("fault rule %d: rate %v is outside 0..1", i, r.Rate)
		}
	}
	return nil
}

// ParseFaultSpec parses the --faults flag: comma-separated ACTION:KIND=RATE[@DELAY] entries and
// an optional seed=N, e.g. "seed=7,*:throttle=0.3,DescribeImages:502=0.1,*:delay=0.5@200ms".
func ParseFaultSpec(spec string) (FaultConfig, error) {
	var cfg FaultConfig
	for _, entry := range strings.Split(spec, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		if v, ok := strings.CutPrefix(entry, "seed="); ok {
			seed, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				return FaultConfig{}, fmt.Errorf("fault spec %q: seed must be an unsigned integer", entry)
			}
			cfg.Seed = seed
			continue
		}
		target, rateStr, ok := strings.Cut(entry, "=")
		action, kind, ok2 := strings.Cut(target, ":")
		if !ok || !ok2 {
			return FaultConfig{}, fmt.Errorf("fault spec %q: want ACTION:KIND=RATE, e.g. \"*:throttle=0.3\"", entry)
		}
		rule := FaultRule{Action: action, Kind: FaultKind(kind)}
		if r, d, hasDelay := strings.Cut(rateStr, "@"); hasDelay {
			dd, err := time.ParseDuration(d)
			if err != nil {
				return FaultConfig{}, fmt.Errorf("fault spec %q: delay: %w", entry, err)
			}
			rule.Delay, rateStr = dd, r
		}
		rate, err := strconv.ParseFloat(rateStr, 64)
		if err != nil {
			return FaultConfig{}, fmt.Errorf("fault spec %q: rate must be a number between 0 and 1", entry)
		}
		rule.Rate = rate
		cfg.Rules = append(cfg.Rules, rule)
	}
	return cfg, cfg.Validate()
}

// faultInjector draws faults deterministically from its seed.
type faultInjector struct {
	mu  sync.Mutex
	cfg FaultConfig
	rng *rand.Rand
}

func newFaultInjector(cfg FaultConfig) *faultInjector {
	f := &faultInjector{}
	f.set(cfg)
	return f
}

func (f *faultInjector) set(cfg FaultConfig) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg = cfg
	f.rng = rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x7463_7369_6d00))
}

func (f *faultInjector) config() FaultConfig {
	f.mu.Lock()
	defer f.mu.Unlock()
	return FaultConfig{Seed: f.cfg.Seed, Rules: append([]FaultRule(nil), f.cfg.Rules...)}
}

// draw returns the delay to apply and the failure (if any) for one request. Each matching rule
// draws independently, in order; the first failing rule wins.
func (f *faultInjector) draw(action string) (time.Duration, FaultKind) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var delay time.Duration
	for _, r := range f.cfg.Rules {
		if r.Action != "*" && r.Action != action {
			continue
		}
		if r.Rate <= 0 || f.rng.Float64() >= r.Rate {
			continue
		}
		if r.Kind == FaultDelay {
			delay += r.Delay
			continue
		}
		return delay, r.Kind
	}
	return delay, ""
}
