package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

// result is one measured run of one tool.
type result struct {
	ok        bool
	err       string // why it failed (last lines of the tool's output)
	wall      time.Duration
	stats     tcsim.Stats
	leftovers []string // resources of the run still in tcsim afterwards
}

// value is one cell: a number (with a unit) or, when the run produced none, a text saying why.
type value struct {
	n    float64
	has  bool
	text string
}

func num(n float64) value { return value{n: n, has: true} }
func text(s string) value { return value{text: s} }

func (v value) String() string {
	if !v.has {
		return v.text
	}
	if v.n == float64(int64(v.n)) {
		return fmt.Sprintf("%d", int64(v.n))
	}
	return fmt.Sprintf("%.2f", v.n)
}

// of is v for a finished run; a failed run's number would make a ratio that means nothing, so
// it shows as text (with the number for the record).
func of(r result, v float64) value {
	if r.ok {
		return num(v)
	}
	return text(fmt.Sprintf("failed(%s)", num(v)))
}

func wallOf(r result) value { return of(r, r.wall.Seconds()) }

func callsOf(r result) value { return of(r, float64(r.stats.Total)) }

// yesNo reports a finished run as "yes", a failed one as "NO".
func yesNo(ok bool) value {
	if ok {
		return text("yes")
	}
	return text("NO")
}

type row struct {
	measure        string
	official, ours value
}

// table collects the side-by-side rows, the per-action call counts and notes of every run.
type table struct {
	rows    []row
	details []string
	notes   []string
}

func (t *table) add(measure string, official, ours value) {
	t.rows = append(t.rows, row{measure, official, ours})
}

func (t *table) note(format string, args ...any) {
	t.notes = append(t.notes, fmt.Sprintf(format, args...))
}

// detail records one run's outcome and its API calls by action.
func (t *table) detail(name string, r result) {
	var b strings.Builder
	status := "ok"
	if !r.ok {
		status = "FAILED: " + r.err
	}
	fmt.Fprintf(&b, "%s: %s in %.1fs, %d API calls", name, status, r.wall.Seconds(), r.stats.Total)
	if n := sum(r.stats.Faults); n > 0 {
		fmt.Fprintf(&b, " (%d answered with injected faults)", n)
	}
	fmt.Fprintf(&b, "\n    calls: %s", byAction(r.stats.Actions))
	if len(r.stats.Errors) > 0 {
		fmt.Fprintf(&b, "\n    API errors: %s", byAction(r.stats.Errors))
	}
	if len(r.leftovers) > 0 {
		fmt.Fprintf(&b, "\n    left behind: %s", strings.Join(r.leftovers, " "))
	}
	t.details = append(t.details, b.String())
	// Progress as it happens: a full run takes many minutes.
	fmt.Fprintln(os.Stderr, "anchors:", b.String())
}

func byAction(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	return strings.Join(parts, " ")
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// ratio is ours / official when both are numbers and the official one is not zero.
func ratio(r row) string {
	if !r.official.has || !r.ours.has {
		return "-"
	}
	if r.official.n == 0 {
		if r.ours.n == 0 {
			return "="
		}
		return "-"
	}
	return fmt.Sprintf("%.2fx", r.ours.n/r.official.n)
}

func (t *table) print(w io.Writer) {
	fmt.Fprintln(w, "== runs")
	for _, d := range t.details {
		fmt.Fprintln(w, d)
	}
	fmt.Fprintln(w, "== side by side (ratio = ours / official)")
	width := len("measure")
	for _, r := range t.rows {
		width = max(width, len(r.measure))
	}
	fmt.Fprintf(w, "%-*s  %14s  %14s  %8s\n", width, "measure", "official", "ours", "ratio")
	for _, r := range t.rows {
		fmt.Fprintf(w, "%-*s  %14s  %14s  %8s\n", width, r.measure, r.official, r.ours, ratio(r))
	}
	for _, n := range t.notes {
		fmt.Fprintln(w, "note:", n)
	}
}

// leftovers lists what of a run is still in tcsim: every instance, key pair, VPC, subnet and
// security group, and the custom images and snapshots unless keepImages (a build's artifact).
func leftovers(r tcsim.RegionResources, keepImages bool) []string {
	var out []string
	for id, st := range r.Instances {
		out = append(out, "instance:"+id+"("+st+")")
	}
	for _, kind := range []struct {
		name string
		ids  []string
	}{{"key_pair", r.KeyPairs}, {"vpc", r.Vpcs}, {"subnet", r.Subnets}, {"security_group", r.SecurityGroups}} {
		for _, id := range kind.ids {
			out = append(out, kind.name+":"+id)
		}
	}
	if !keepImages {
		for id, st := range r.PrivateImages {
			out = append(out, "image:"+id+"("+st+")")
		}
		for _, id := range r.Snapshots {
			out = append(out, "snapshot:"+id)
		}
	}
	sort.Strings(out)
	return out
}

// tail returns the last n lines of a tool's output, for failure reasons.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n    ")
}
