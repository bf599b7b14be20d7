package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// waiverFlag collects --waive RULE=reason[@YYYY-MM-DD][,RULE=reason…] (repeatable).
type waiverFlag map[string]engine.Waiver

func (w waiverFlag) String() string { return "" }
func (w waiverFlag) Set(v string) error {
	// A comma starts a new waiver only when a rule id follows; otherwise it
	// belongs to the reason ("--waive a=legacy app, see TICKET-1,b=…").
	var items []string
	for _, part := range strings.Split(v, ",") {
		if len(items) > 0 && !waiverStart.MatchString(strings.TrimSpace(part)) {
			items[len(items)-1] += "," + part
			continue
		}
		items = append(items, part)
	}
	for _, item := range items {
		id, reason, _ := strings.Cut(strings.TrimSpace(item), "=")
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		wv, err := parseWaiver(id, reason)
		if err != nil {
			return err
		}
		w[id] = wv
	}
	return nil
}

// waiverStart matches the beginning of one waiver: a rule id, then "=" or the end.
var waiverStart = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*(=|$)`)

// expiryRe finds a trailing "@date" attempt: '@' then a digit and no
// spaces, so "ask ops@corp" stays part of the reason while "@31.12.2026"
// is reported as a bad date instead of silently never expiring.
var expiryRe = regexp.MustCompile(`@([0-9][^@\s]*)\s*$`)

// parseWaiver splits "reason[@YYYY-MM-DD]" of rule id. A waiver without
// a reason is refused: every waived rule must say why in the reports.
func parseWaiver(id, text string) (engine.Waiver, error) {
	w := engine.Waiver{RuleID: id}
	reason := strings.TrimSpace(text)
	if m := expiryRe.FindStringSubmatchIndex(reason); m != nil {
		date := reason[m[2]:m[3]]
		if _, err := time.Parse(engine.WaiverDateLayout, date); err != nil {
			return w, fmt.Errorf("waiver %s: expiry %q is not a date: write RULE=reason@YYYY-MM-DD (the last day the waiver holds)", id, date)
		}
		w.Expires, reason = date, strings.TrimSpace(reason[:m[0]])
	}
	if reason == "" {
		return w, fmt.Errorf("waiver %s has no reason: write %s=reason[@YYYY-MM-DD] saying why the rule does not apply", id, id)
	}
	w.Reason = reason
	return w, nil
}

// readWaiverFile reads "RULE reason…[@YYYY-MM-DD]" lines; '#' starts a comment.
func readWaiverFile(path string, into map[string]engine.Waiver) error {
	f, err := os.Open(path)
	if err != nil {
		return usagef("--waivers: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		id, reason, _ := strings.Cut(l, " ")
		w, err := parseWaiver(id, reason)
		if err != nil {
			return usagef("--waivers %s line %d: %v", path, n, err)
		}
		into[id] = w
	}
	return sc.Err()
}

// resolveWaivers merges the profile's default waivers with the user's
// (--waive, then --waivers; user waivers win), refusing ids outside the
// catalog or the profile and any waiver past its last day at now.
func (c *common) resolveWaivers(cat *engine.Catalog, res *engine.Resolved, now time.Time) (map[string]engine.Waiver, error) {
	user := map[string]engine.Waiver{}
	for k, v := range c.waivers {
		user[k] = v
	}
	if c.waiverFile != "" {
		if err := readWaiverFile(c.waiverFile, user); err != nil {
			return nil, err
		}
	}
	inProfile := map[string]bool{}
	for _, r := range res.Rules {
		inProfile[r.ID] = true
	}
	var unknown []string
	for id := range user {
		if _, ok := cat.Rule(id); !ok {
			unknown = append(unknown, fmt.Sprintf("%q is not a rule (see `harden rules`)", id))
		} else if !inProfile[id] {
			unknown = append(unknown, fmt.Sprintf("%q is not in profile %s", id, res.Profile.ID))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, usagef("--waive: %s", strings.Join(unknown, "; "))
	}
	out := map[string]engine.Waiver{}
	for k, v := range res.Waivers {
		out[k] = v
	}
	for k, v := range user {
		out[k] = v
	}
	var expired []string
	for id, w := range out {
		if w.Expired(now) {
			expired = append(expired, fmt.Sprintf("waiver for rule %s (reason: %s) expired on %s", id, w.Reason, w.Expires))
		}
	}
	if len(expired) > 0 {
		// An expired exception must be reviewed, not silently kept or
		// silently dropped: fail before anything is audited or changed.
		sort.Strings(expired)
		return nil, usagef("--waive: %s; fix the rule, or renew the waiver with a later date (RULE=reason@YYYY-MM-DD)", strings.Join(expired, "; "))
	}
	return out, nil
}
