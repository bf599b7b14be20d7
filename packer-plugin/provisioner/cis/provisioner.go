package cis

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2/hcldec"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/uuid"
)

// Provisioner implements packersdk.Provisioner.
type Provisioner struct {
	config Config
}

func (p *Provisioner) ConfigSpec() hcldec.ObjectSpec { return p.config.FlatMapstructure().HCL2Spec() }

func (p *Provisioner) Prepare(raws ...interface{}) error { return p.config.Prepare(raws...) }

// Exit codes of the bundle contract.
const (
	exitOK          = 0
	exitFailures    = 1
	exitUsage       = 2
	exitUnsupported = 3
	exitApplyError  = 4
)

// remote runs commands on the target, as root (directly or through sudo -n).
type remote struct {
	comm packersdk.Communicator
	ui   packersdk.Ui
	sudo string
}

// run executes cmd; with stream the output goes to the ui, otherwise it is
// returned.
func (r *remote) run(ctx context.Context, cmd string, stream bool) (int, string, string, error) {
	var out, errb bytes.Buffer
	rc := &packersdk.RemoteCmd{Command: cmd, Stdout: &out, Stderr: &errb}
	if stream {
		rc.Stdout = nil
		rc.Stderr = nil
		if err := rc.RunWithUi(ctx, r.comm, r.ui); err != nil {
			return -1, "", "", err
		}
		return rc.ExitStatus(), "", "", nil
	}
	if err := r.comm.Start(ctx, rc); err != nil {
		return -1, "", "", err
	}
	code := rc.Wait()
	return code, out.String(), errb.String(), nil
}

// stream runs cmd with stdout into out and stderr line by line to the ui.
func (r *remote) stream(ctx context.Context, cmd string, out io.Writer) (int, error) {
	lw := &lineWriter{emit: func(s string) { r.ui.Say("  " + s) }}
	rc := &packersdk.RemoteCmd{Command: cmd, Stdout: out, Stderr: lw}
	if err := r.comm.Start(ctx, rc); err != nil {
		return -1, err
	}
	code := rc.Wait()
	lw.Flush()
	return code, nil
}

// lineWriter hands complete lines to emit.
type lineWriter struct {
	mu   sync.Mutex
	buf  []byte
	emit func(string)
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.emit(strings.TrimRight(string(w.buf[:i]), "\r"))
		w.buf = w.buf[i+1:]
	}
	return len(p), nil
}

// Flush emits a last unterminated line.
func (w *lineWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.emit(string(w.buf))
		w.buf = nil
	}
}

func (r *remote) must(ctx context.Context, what, cmd string) (string, error) {
	code, out, errs, err := r.run(ctx, cmd, false)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	if code != 0 {
		return "", fmt.Errorf("%s: exit %d: %s", what, code, strings.TrimSpace(errs+out))
	}
	return out, nil
}

// Provision hardens the machine behind comm.
func (p *Provisioner) Provision(ctx context.Context, ui packersdk.Ui, comm packersdk.Communicator, _ map[string]interface{}) error {
	if comm == nil {
		return errNoComm
	}
	c := &p.config
	r := &remote{comm: comm, ui: ui}
	var feed string // local feed file, checked before the target changes
	if c.VulnsFeed != "" {
		ui.Say("hardened-cis: loading vulns_feed " + c.VulnsFeed + "...")
		var done func()
		var err error
		if feed, done, err = localFeed(ctx, c.VulnsFeed, ""); err != nil {
			return err
		}
		defer done()
	}

	ui.Say("hardened-cis: inspecting the target...")
	info, err := r.must(ctx, "inspect target", "uname -m; id -u")
	if err != nil {
		return err
	}
	lines := strings.Fields(info)
	if len(lines) < 2 {
		return fmt.Errorf("inspect target: unexpected answer %q to `uname -m; id -u`", info)
	}
	if lines[1] != "0" {
		r.sudo = "sudo -n "
		if _, err := r.must(ctx, "check sudo", "sudo -n true"); err != nil {
			return fmt.Errorf("hardened-cis needs root: log in as root or as a user with password-less sudo (%w)", err)
		}
	}
	arch, err := Arch(lines[0])
	if err != nil {
		return err
	}
	bin, from, err := bundleFor(arch, c.BundlePath, nil)
	if err != nil {
		return err
	}
	harden := c.RemoteDir + "/harden"
	tmp := "/tmp/hardened-bundle-" + uuid.TimeOrderedUUID()
	ui.Say(fmt.Sprintf("hardened-cis: uploading the harden bundle (%s, %d MB) for linux/%s...", from, len(bin)>>20, arch))
	if err := comm.Upload(tmp, bytes.NewReader(bin), nil); err != nil {
		return fmt.Errorf("upload harden bundle: %w", err)
	}
	if _, err := r.must(ctx, "install harden bundle", r.sudo+"sh -c "+shq(fmt.Sprintf(
		"mkdir -p %s && chmod 0755 %s && install -m 0700 %s %s; rc=$?; rm -f %s; exit $rc", c.RemoteDir, c.RemoteDir, tmp, harden, tmp))); err != nil {
		return err
	}
	// The bundle never stays in the image, whatever happens next.
	defer func() {
		if ctx.Err() != nil {
			return // cancelled: the builder discards the machine, and the session may be gone
		}
		cctx := context.WithoutCancel(ctx)
		if _, err := r.must(cctx, "remove harden bundle", r.sudo+"rm -f "+harden); err != nil {
			ui.Error("hardened-cis: " + err.Error())
		}
	}()
	ver, _ := r.must(ctx, "harden version", r.sudo+harden+" version")
	var vulnArgs []string // the scan after patching, for apply and the JSON audit
	if feed != "" {
		remoteFeed, remove, err := r.uploadFeed(ctx, comm, feed, c.RemoteDir)
		if err != nil {
			return err
		}
		defer func() {
			if ctx.Err() == nil { // cancelled: the machine is discarded
				if err := remove(context.WithoutCancel(ctx)); err != nil {
					ui.Error("hardened-cis: " + err.Error())
				}
			}
		}()
		vulnArgs = []string{"--vulns-feed", remoteFeed}
	}

	sel := p.selectionArgs()
	apply := append([]string{harden, "apply"}, sel...)
	if *c.Update {
		apply = append(apply, "--update", "all")
	} else {
		apply = append(apply, "--no-update")
	}
	if vulnArgs != nil {
		apply = append(apply, append(vulnArgs, "--fail-on-fixable", c.FailOnFixable)...)
	}
	apply = append(apply, "--format", "json")
	ui.Say(fmt.Sprintf("hardened-cis: applying profile %s (%s)%s...", c.Profile, strings.TrimSpace(ver), map[bool]string{true: " after installing updates", false: ""}[*c.Update]))
	// The bundle's log (stderr) streams to the ui; its JSON report (stdout)
	// is kept for report_dir and the summary.
	var applyOut bytes.Buffer
	code, err := r.stream(ctx, r.sudo+shjoin(apply), &applyOut)
	if err != nil {
		return fmt.Errorf("harden apply: %w", err)
	}
	switch code {
	case exitOK, exitFailures:
	case exitUnsupported:
		return fmt.Errorf("harden apply: the target's OS is not supported by any hardening profile (exit 3); see `harden profiles`")
	case exitUsage:
		return fmt.Errorf("harden apply: invalid profile or waiver (exit 2, see the harden message above): check profile and waiver ids against `harden profiles` / `harden rules`, and renew an expired waiver's expires")
	default:
		return fmt.Errorf("harden apply failed with exit %d (4 = apply error, changes rolled back); see the log above", code)
	}
	if s, err := summarize(applyOut.Bytes()); err == nil {
		m := s.Summary
		ui.Say(fmt.Sprintf("hardened-cis: apply: %d fixed, %d already passing, %d fail, %d error, %d waived", m.Fixed, m.Pass, m.Fail, m.Error, m.Waived))
	}
	var gate *vulnGate
	if vulnArgs != nil {
		if gate, err = readVulnGate(applyOut.Bytes()); err != nil {
			return fmt.Errorf("harden apply: %w", err)
		}
		ui.Say("hardened-cis: " + gate.line())
	}

	ui.Say("hardened-cis: auditing...")
	reports := map[string]string{"apply.json": applyOut.String()}
	for _, f := range []struct{ format, file string }{{"json", "audit.json"}, {"html", "audit.html"}, {"junit", "audit.junit.xml"}} {
		args := append([]string{harden, "audit"}, sel...)
		args = append(args, "--format", f.format)
		if f.format == "json" {
			// The provenance input carries the scan; the gate was apply's.
			args = append(args, "--report", c.ProvenancePath)
			if vulnArgs != nil {
				args = append(args, append(vulnArgs, "--fail-on-fixable", "none")...)
			}
		}
		code, out, errs, err := r.run(ctx, r.sudo+shjoin(args), false)
		if err != nil {
			return fmt.Errorf("harden audit: %w", err)
		}
		if code != exitOK && code != exitFailures {
			return fmt.Errorf("harden audit --format %s: exit %d: %s", f.format, code, strings.TrimSpace(errs))
		}
		reports[f.file] = out
	}
	if _, err := r.must(ctx, "publish provenance input", r.sudo+"chmod 0644 "+shq(c.ProvenancePath)); err != nil {
		return err
	}
	sum, err := summarize([]byte(reports["audit.json"]))
	if err != nil {
		return err
	}
	if c.ReportDir != "" {
		if err := writeReports(c.ReportDir, reports); err != nil {
			return err
		}
		ui.Say("hardened-cis: reports written to " + c.ReportDir)
	}
	for _, l := range sum.lines() {
		ui.Say("hardened-cis: " + l)
	}
	if *c.FailOnAudit && (sum.Summary.Fail > 0 || sum.Summary.Error > 0) {
		return fmt.Errorf("hardened-cis: audit after apply has %d failing and %d erroring rules (%s); fix or waive them (waiver { id, reason }), or set fail_on_audit = false",
			sum.Summary.Fail, sum.Summary.Error, strings.Join(sum.problems(10), ", "))
	}
	if gate != nil {
		if err := gate.err(); err != nil {
			return err
		}
	}
	if *c.CleanupImage {
		ui.Say("hardened-cis: image cleanup (machine-id, host keys, cloud-init, logs, histories, builder exception)...")
		args := []string{harden, "cleanup"}
		for _, u := range c.RemoveUsers {
			args = append(args, "--remove-user", u)
		}
		code, _, _, err := r.run(ctx, r.sudo+shjoin(args), true)
		if err != nil {
			return fmt.Errorf("harden cleanup: %w", err)
		}
		if code != 0 {
			return fmt.Errorf("harden cleanup failed with exit %d; see the output above", code)
		}
	}
	return nil
}

func (p *Provisioner) selectionArgs() []string {
	var args []string
	if p.config.Profile != "auto" {
		args = append(args, "--profile", p.config.Profile)
	}
	ws := append([]Waiver(nil), p.config.Waivers...)
	sort.Slice(ws, func(i, j int) bool { return ws[i].ID < ws[j].ID })
	for _, w := range ws {
		arg := w.ID + "=" + strings.TrimSpace(w.Reason)
		if w.Expires != "" {
			arg += "@" + w.Expires
		}
		args = append(args, "--waive", arg)
	}
	return args
}

func writeReports(dir string, reports map[string]string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report_dir: %w", err)
	}
	for name, body := range reports {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			return fmt.Errorf("report_dir: %w", err)
		}
	}
	return nil
}

// auditSummary is the part of the JSON audit the provisioner reports.
type auditSummary struct {
	Profile string `json:"profile"`
	Summary struct {
		Pass, Fail, Waived, Manual, Fixed, Error, Total int
		NotApplicable                                   int `json:"not_applicable"`
	} `json:"summary"`
	Rules []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"rules"`
}

func summarize(data []byte) (auditSummary, error) {
	var s auditSummary
	if err := json.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("read JSON audit: %w", err)
	}
	if s.Profile == "" {
		return s, fmt.Errorf("read JSON audit: no profile in the report")
	}
	return s, nil
}

func (s auditSummary) problems(max int) []string {
	var out []string
	for _, r := range s.Rules {
		if r.Status == "fail" || r.Status == "error" {
			if len(out) == max {
				out = append(out, "…")
				break
			}
			out = append(out, r.ID)
		}
	}
	return out
}

func (s auditSummary) lines() []string {
	m := s.Summary
	out := []string{fmt.Sprintf("profile %s: %d pass, %d fail, %d error, %d waived, %d manual, %d not applicable",
		s.Profile, m.Pass, m.Fail, m.Error, m.Waived, m.Manual, m.NotApplicable)}
	if p := s.problems(20); len(p) > 0 {
		out = append(out, "failing: "+strings.Join(p, ", "))
	}
	return out
}

// shq quotes s for a POSIX shell.
func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func shjoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = shq(a)
	}
	return strings.Join(q, " ")
}
