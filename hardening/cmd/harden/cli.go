package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/catalog"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/report"
)

// Exit codes of the bundle contract.
const (
	exitOK          = 0
	exitFailures    = 1
	exitUsage       = 2
	exitUnsupported = 3
	exitApplyError  = 4
)

type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	geteuid        func() int
	now            func() time.Time
	// catalog loads the rule catalog; nil means the embedded catalog.
	catalog func() (*engine.Catalog, error)
	// packages is the package backend of apply; nil lets the engine pick
	// apt-get or dnf inside the target. Only tests set it (fixture roots).
	packages engine.PackageBackend
}

// usageError is reported with exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

const usageText = `usage:
  harden apply    [--profile ID] [--waive RULE=reason[@YYYY-MM-DD][,RULE…]] [--waivers FILE] [--root DIR]
                  [--report FILE] [--format text|json|junit|html] [--update all|security|none] [--no-update]
                  [--cleanup-image] [--remove-user NAME] [--builder-user NAME] [--mode auto|image|live]
                  [--vulns-feed PATH [--fail-on-fixable critical|high|medium|none]]
  harden audit    [--profile ID] [--format text|json|junit|html] [--root DIR] [--waive …] [--report FILE]
                  [--vulns-feed PATH [--fail-on-fixable critical|high|medium|none]]
  harden cleanup  [--root DIR] [--remove-user NAME]
  harden profiles
  harden rules    [--profile ID]
  harden vulns    --feed PATH [--root DIR] [--format text|json|junit|html] [--fail-on critical|high|medium|none]
  harden version
exit codes: 0 all pass, 1 audit failures or fixable findings at or above --fail-on(-fixable), 2 usage, 3 unsupported OS, 4 apply error (rolled back)
`

func run(ctx context.Context, args []string, e env) int {
	if e.now == nil {
		e.now = time.Now
	}
	if e.geteuid == nil {
		e.geteuid = os.Geteuid
	}
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usageText)
		return exitUsage
	}
	load := e.catalog
	if load == nil {
		load = catalog.New
	}
	cat, err := load()
	if err != nil {
		fmt.Fprintf(e.stderr, "harden: %v\n", err)
		return exitApplyError
	}
	var code int
	switch args[0] {
	case "apply":
		code, err = cmdApply(ctx, cat, args[1:], e)
	case "audit":
		code, err = cmdAudit(ctx, cat, args[1:], e)
	case "cleanup":
		code, err = cmdCleanup(ctx, args[1:], e)
	case "profiles":
		code, err = cmdProfiles(cat, args[1:], e)
	case "rules":
		code, err = cmdRules(cat, args[1:], e)
	case "vulns":
		code, err = cmdVulns(args[1:], e)
	case "version", "--version", "-version":
		fmt.Fprintf(e.stdout, "harden %s\n", version)
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, usageText)
		return exitOK
	default:
		err = usagef("unknown command %q", args[0])
	}
	if err != nil {
		var ue usageError
		switch {
		case errors.As(err, &ue), errors.Is(err, flag.ErrHelp):
			if !errors.Is(err, flag.ErrHelp) {
				fmt.Fprintf(e.stderr, "harden: %v\n", err)
			}
			fmt.Fprint(e.stderr, usageText)
			return exitUsage
		case errors.Is(err, engine.ErrUnsupportedOS):
			fmt.Fprintf(e.stderr, "harden: %v\n", err)
			return exitUnsupported
		}
		fmt.Fprintf(e.stderr, "harden: %v\n", err)
		if code == exitOK {
			code = exitApplyError
		}
	}
	return code
}

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// common holds flags shared by apply and audit.
type common struct {
	profile, root, format, reportFile, waiverFile, mode string
	builderAddr                                         string
	waivers                                             waiverFlag
	builders                                            listFlag
	vulns                                               vulnFlags
}

func (c *common) register(fs *flag.FlagSet) {
	c.waivers = waiverFlag{}
	fs.StringVar(&c.profile, "profile", "", "profile id (default: detected from /etc/os-release under --root)")
	fs.StringVar(&c.root, "root", "/", "root directory of the system or unbooted image to harden")
	fs.StringVar(&c.format, "format", "text", "output format on stdout: text, json, junit, html")
	fs.StringVar(&c.reportFile, "report", "", "also write the report to FILE (format from extension: .json, .xml=junit, .html, else text)")
	fs.Var(c.waivers, "waive", "waive RULE=reason[@YYYY-MM-DD][,RULE=reason…] (repeatable; the date is the waiver's last day)")
	fs.StringVar(&c.waiverFile, "waivers", "", "file of waivers, one \"RULE reason[@YYYY-MM-DD]\" per line")
	fs.StringVar(&c.mode, "mode", "auto", "auto, image (persistent config only) or live (also activate at runtime)")
	fs.Var(&c.builders, "builder-user", "account whose SSH+sudo access must survive (repeatable; SUDO_USER, or root over SSH, is added)")
	fs.StringVar(&c.builderAddr, "builder-addr", "", "client address of a root builder (default: from SSH_CONNECTION)")
	c.vulns.register(fs)
}

type session struct {
	builder  primitive.Builder
	target   *engine.Target
	profile  *engine.Profile
	platform engine.Platform
	osr      engine.OSRelease
	resolved *engine.Resolved
	waivers  map[string]engine.Waiver
	log      hclog.Logger
}

func (c *common) open(cat *engine.Catalog, e env) (*session, error) {
	if !contains(report.Formats, c.format) {
		return nil, usagef("--format %q: want one of %s", c.format, strings.Join(report.Formats, ", "))
	}
	mode := engine.Mode(c.mode)
	switch c.mode {
	case "auto":
		mode = engine.DetectMode(c.root)
	case string(engine.ModeImage), string(engine.ModeLive):
	default:
		return nil, usagef("--mode %q: want auto, image or live", c.mode)
	}
	builders := append([]string(nil), c.builders...)
	if u := e.getenv("SUDO_USER"); u != "" && u != "root" {
		builders = append(builders, u)
	}
	// A root builder (Packer's communicator as root) is recognised by its SSH
	// session; a sudo builder by SUDO_USER. Only root needs an exception.
	var b primitive.Builder
	sshConn := strings.Fields(e.getenv("SSH_CONNECTION"))
	switch {
	case contains(builders, "root"):
		b.User, b.Addr = "root", c.builderAddr
	case e.getenv("SUDO_USER") == "" && len(sshConn) >= 1 && e.geteuid() == 0:
		b.User = "root"
		builders = append(builders, "root")
	}
	if b.User == "root" && b.Addr == "" && len(sshConn) >= 1 {
		b.Addr = sshConn[0]
	}
	if b.User == "root" && b.Addr == "" {
		return nil, usagef("--builder-user root needs --builder-addr (the builder's client IP) when not run over SSH")
	}
	t, err := engine.NewTarget(c.root, engine.TargetOptions{Mode: mode, BuilderUsers: builders})
	if err != nil {
		return nil, usagef("--root: %v", err)
	}
	s := &session{target: t, builder: b, log: hclog.New(&hclog.LoggerOptions{
		Name: "harden", Output: e.stderr, Level: hclog.LevelFromString(orDefault(e.getenv("HARDEN_LOG"), "info")),
	})}
	s.osr, _ = t.OSRelease()
	if c.profile != "" {
		p, ok := cat.Profile(c.profile)
		if !ok {
			return nil, usagef("--profile %q: unknown profile (see `harden profiles`)", c.profile)
		}
		s.profile = p
		s.platform = p.Platform
		if det, derr := s.detect(); derr == nil && p.Platform.Family != "" && det != p.Platform {
			s.log.Warn("profile does not match the detected OS", "profile", p.ID, "detected", det.ID())
		}
		if s.platform.Family == "" {
			if s.platform, err = s.detect(); err != nil {
				return nil, err
			}
		}
	} else {
		if s.platform, err = s.detect(); err != nil {
			return nil, err
		}
		p, ok := cat.ProfileForPlatform(s.platform)
		if !ok {
			return nil, fmt.Errorf("%w: no profile for %s", engine.ErrUnsupportedOS, s.platform.ID())
		}
		s.profile = p
	}
	if s.resolved, err = cat.Resolve(s.profile.ID, s.platform); err != nil {
		return nil, err
	}
	if s.waivers, err = c.resolveWaivers(cat, s.resolved, e.now()); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *session) debugf(format string, a ...any) { s.log.Debug(fmt.Sprintf(format, a...)) }

func (s *session) detect() (engine.Platform, error) {
	osr, err := s.target.OSRelease()
	if err != nil {
		return engine.Platform{}, err
	}
	return engine.DetectPlatform(osr)
}

func (s *session) meta(cmd string, start time.Time, ps engine.PackageState) report.Meta {
	return report.Meta{
		Tool: "harden", Version: version, Command: cmd, Profile: s.profile, Platform: s.platform,
		OS: s.osr, Root: s.target.Root(), Mode: s.target.Mode(), StartedAt: start,
		Duration: time.Since(start), Packages: ps,
	}
}

func emit(rep *report.Report, c *common, e env) error {
	if err := report.Write(e.stdout, c.format, rep); err != nil {
		return err
	}
	if c.reportFile != "" {
		f, err := os.Create(c.reportFile)
		if err != nil {
			return fmt.Errorf("--report: %w", err)
		}
		if err := report.Write(f, report.FormatForFile(c.reportFile), rep); err != nil {
			f.Close()
			return fmt.Errorf("--report: %w", err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("--report: %w", err)
		}
	}
	return nil
}

func newFlagSet(name string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("harden "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
