package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/fleet"
)

// progress is the line on stderr while the report pages through instances:
// on a terminal one line rewritten in place (carriage return), otherwise
// plain lines at most every interval plus one per finished region, so CI
// logs show progress without thousands of lines.
type progress struct {
	w        io.Writer
	off, tty bool
	every    time.Duration
	now      func() time.Time

	mu      sync.Mutex
	order   []string
	read    map[string][2]int // region → read, total
	last    time.Time
	printed bool
}

func newProgress(w io.Writer, quiet, tty bool, every time.Duration, regions []string) *progress {
	if every <= 0 {
		every = 2 * time.Second
	}
	return &progress{w: w, off: quiet, tty: tty, every: every, now: time.Now, order: regions, read: map[string][2]int{}}
}

// update is fleet.Options.Progress.
func (p *progress) update(region string, read, total int) {
	if p.off {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.read[region] = [2]int{read, total}
	now := p.now()
	regionDone := read >= total
	if !p.tty && !regionDone && p.printed && now.Sub(p.last) < p.every {
		return
	}
	p.last, p.printed = now, true
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", p.line())
		return
	}
	fmt.Fprintln(p.w, p.line())
}

func (p *progress) line() string {
	var parts []string
	sum, all := 0, 0
	for _, r := range p.order {
		if c, ok := p.read[r]; ok {
			parts = append(parts, fmt.Sprintf("%s %d/%d", r, c[0], c[1]))
			sum, all = sum+c[0], all+c[1]
		}
	}
	return fmt.Sprintf("hardened-report: read %d/%d instances (%s)", sum, all, strings.Join(parts, ", "))
}

// done ends the progress output with a summary line (rep nil: failed).
func (p *progress) done(rep *fleet.Report) {
	if p.off {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.printed {
		fmt.Fprint(p.w, "\r\033[K")
	}
	if rep == nil {
		return
	}
	imgs := len(rep.Images)
	fmt.Fprintf(p.w, "hardened-report: %d instances on %d images in %d region(s)\n", rep.Counts.Total, imgs, len(rep.Regions))
}
