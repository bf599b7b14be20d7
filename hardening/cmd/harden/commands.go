package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/report"
)

func cmdAudit(ctx context.Context, cat *engine.Catalog, args []string, e env) (int, error) {
	var c common
	fs := newFlagSet("audit", e)
	c.register(fs)
	if err := parse(fs, args); err != nil {
		return exitUsage, err
	}
	gate, err := c.vulns.load()
	if err != nil {
		return exitUsage, err
	}
	s, err := c.open(cat, e)
	if err != nil {
		return exitUsage, err
	}
	start := time.Now()
	results := engine.Audit(ctx, s.target, s.resolved.Rules, engine.RunOptions{Waivers: s.waivers, Debug: s.debugf})
	ps, err := engine.ReadPackageState(ctx, s.target)
	if err != nil {
		ps.Note = err.Error()
	}
	rep := report.New(s.meta("audit", start, ps), results)
	if gate != nil {
		if rep.Vulns, err = gate.scan(s.target.Root(), e.now()); err != nil {
			return exitApplyError, err
		}
	}
	if err := emit(rep, &c, e); err != nil {
		return exitApplyError, err
	}
	if failed := sayFailing(e.stderr, "audit", rep.Vulns); rep.Failed() || failed {
		return exitFailures, nil
	}
	return exitOK, nil
}

func cmdApply(ctx context.Context, cat *engine.Catalog, args []string, e env) (int, error) {
	var c common
	var update string
	var noUpdate, cleanup bool
	var removeUsers listFlag
	fs := newFlagSet("apply", e)
	c.register(fs)
	fs.StringVar(&update, "update", "all", "install pending updates first: all, security or none")
	fs.BoolVar(&noUpdate, "no-update", false, "skip installing pending updates (offline use); same as --update none")
	fs.BoolVar(&cleanup, "cleanup-image", false, "finish with image cleanup (machine-id, host keys, cloud-init, logs, histories, caches)")
	fs.Var(&removeUsers, "remove-user", "with --cleanup-image: temporary build user to delete (repeatable)")
	if err := parse(fs, args); err != nil {
		return exitUsage, err
	}
	policy, err := engine.ParseUpdatePolicy(update)
	if err != nil {
		return exitUsage, usagef("%v", err)
	}
	if noUpdate {
		policy = engine.UpdateNone
	}
	if len(removeUsers) > 0 && !cleanup {
		return exitUsage, usagef("--remove-user needs --cleanup-image")
	}
	gate, err := c.vulns.load()
	if err != nil {
		return exitUsage, err
	}
	s, err := c.open(cat, e)
	if err != nil {
		return exitUsage, err
	}
	unlock, err := s.target.Lock()
	if err != nil {
		return exitApplyError, err
	}
	defer unlock()
	start := time.Now()
	logf := func(format string, a ...any) { s.log.Info(fmt.Sprintf(format, a...)) }
	s.log.Info("harden apply", "profile", s.profile.ID, "root", s.target.Root(), "mode", s.target.Mode(), "rules", len(s.resolved.Rules))

	ps, err := engine.Update(ctx, s.target, policy, e.now)
	if err != nil {
		rep := report.New(s.meta("apply", start, ps), nil)
		rep.Error = err.Error()
		_ = emit(rep, &c, e)
		return exitApplyError, err
	}
	if ps.UpdatedAt != nil && policy != engine.UpdateNone {
		logf("updates installed: %d packages changed (%s)", ps.Upgraded, policy)
	}
	ar := engine.Apply(ctx, s.target, s.resolved.Rules, engine.RunOptions{
		Waivers: s.waivers, Log: logf, Debug: s.debugf, Exec: engine.ExecOptions{Log: logf, Packages: e.packages},
	})
	if ps2, err := engine.ReadPackageState(ctx, s.target); err == nil {
		ps.Count, ps.Hash = ps2.Count, ps2.Hash
	}
	rep := report.New(s.meta("apply", start, ps), ar.After)
	ch := &report.Changes{Installed: []string{}, Removed: []string{}, Files: []string{}}
	if o := ar.Outcome; o != nil {
		ch.Installed, ch.Removed, ch.Validated, ch.Activated = nonNil(o.Installed), nonNil(o.Removed), o.Validated, o.LiveHooks
		ch.Files = nonNil(o.Changed)
	}
	rep.Changes = ch
	code := exitOK
	if ar.Err != nil {
		rep.Error = ar.Err.Error()
		var ae *engine.ApplyError
		if errors.As(ar.Err, &ae) {
			code = exitApplyError
		}
	}
	// The scan follows patching and hardening, so it sees what the image ships.
	if code == exitOK && gate != nil {
		if rep.Vulns, err = gate.scan(s.target.Root(), e.now()); err != nil {
			rep.Error = err.Error()
			code = exitApplyError
		}
	}
	if code == exitOK && !cleanup {
		note, files, err := protectBuilder(ctx, s)
		ch.Files = mergeSorted(ch.Files, files)
		rep.BuilderException = note
		if err != nil {
			rep.Error = err.Error()
			code = exitApplyError
		}
	}
	if code == exitOK && cleanup {
		actions, err := cleanupImage(ctx, s.target, removeUsers, logf)
		ch.Cleanup = actions
		if err != nil {
			rep.Error = err.Error()
			code = exitApplyError
		}
	}
	if err := emit(rep, &c, e); err != nil {
		return exitApplyError, err
	}
	if code != exitOK {
		return code, errors.New(rep.Error)
	}
	if failed := sayFailing(e.stderr, "apply", rep.Vulns); rep.Failed() || failed {
		return exitFailures, nil
	}
	return exitOK, nil
}

func cmdCleanup(ctx context.Context, args []string, e env) (int, error) {
	var root string
	var removeUsers listFlag
	fs := newFlagSet("cleanup", e)
	fs.StringVar(&root, "root", "/", "root directory of the image to clean")
	fs.Var(&removeUsers, "remove-user", "temporary build user to delete (repeatable)")
	if err := parse(fs, args); err != nil {
		return exitUsage, err
	}
	t, err := engine.NewTarget(root, engine.TargetOptions{Mode: engine.DetectMode(root)})
	if err != nil {
		return exitUsage, usagef("--root: %v", err)
	}
	unlock, err := t.Lock()
	if err != nil {
		return exitApplyError, err
	}
	defer unlock()
	actions, err := cleanupImage(ctx, t, removeUsers, nil)
	for _, a := range actions {
		fmt.Fprintln(e.stdout, a)
	}
	if err != nil {
		return exitApplyError, err
	}
	return exitOK, nil
}

// protectBuilder keeps a root builder able to reconnect until cleanup; the
// change is validated with sshd -t and rolled back if invalid.
func protectBuilder(ctx context.Context, s *session) (note string, files []string, err error) {
	if s.builder.User == "" {
		return "", nil, nil
	}
	tx := engine.NewTx(s.target)
	on, err := primitive.ProtectBuilder(ctx, s.target, tx, s.builder)
	if err == nil && len(tx.Changed()) > 0 {
		err = primitive.ValidateSSHD(ctx, s.target)
	}
	if err != nil {
		if rb := tx.Rollback(); rb != nil {
			err = fmt.Errorf("%w (rollback: %v)", err, rb)
		}
		return "", nil, fmt.Errorf("builder exception: %w", err)
	}
	if on {
		note = fmt.Sprintf("root may still log in with a key from %s until `harden cleanup` (image cleanup) removes the exception from /etc/ssh/sshd_config", s.builder.Addr)
		s.log.Warn(note)
	}
	return note, tx.Changed(), nil
}

// cleanupImage removes the builder exception, then runs image cleanup.
func cleanupImage(ctx context.Context, t *engine.Target, removeUsers []string, logf func(string, ...any)) ([]string, error) {
	var actions []string
	removed, err := primitive.ReleaseBuilder(t)
	if err != nil {
		return nil, fmt.Errorf("cleanup: remove builder exception: %w", err)
	}
	if removed {
		actions = append(actions, "removed the builder's root login exception from /etc/ssh/sshd_config")
	}
	cr, err := engine.Cleanup(ctx, t, engine.CleanupOptions{RemoveUsers: removeUsers, Log: logf})
	if cr != nil {
		actions = append(actions, cr.Actions...)
	}
	return actions, err
}

func mergeSorted(a, b []string) []string {
	set := map[string]bool{}
	for _, x := range append(append([]string{}, a...), b...) {
		set[x] = true
	}
	out := make([]string, 0, len(set))
	for x := range set {
		out = append(out, x)
	}
	sort.Strings(out)
	return out
}

func cmdProfiles(cat *engine.Catalog, args []string, e env) (int, error) {
	fs := newFlagSet("profiles", e)
	if err := parse(fs, args); err != nil {
		return exitUsage, err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tPLATFORM\tRULES\tMANUAL\tNOT-FOR-IMAGE\tLAYERS\tTITLE")
	for _, p := range cat.Profiles() {
		n := len(p.Rules)
		if res, err := cat.Resolve(p.ID, engine.Platform{}); err == nil {
			n = len(res.Rules)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\n", p.ID, orDefault(p.Platform.ID(), "-"), n, len(p.Manual), len(p.NotForImage),
			orDefault(strings.Join(p.Layers, ","), "-"), p.Title)
	}
	return exitOK, tw.Flush()
}

func cmdRules(cat *engine.Catalog, args []string, e env) (int, error) {
	var profile string
	fs := newFlagSet("rules", e)
	fs.StringVar(&profile, "profile", "", "only rules of this profile")
	if err := parse(fs, args); err != nil {
		return exitUsage, err
	}
	rules := cat.Rules()
	bench := ""
	if profile != "" {
		res, err := cat.Resolve(profile, engine.Platform{})
		if err != nil {
			return exitUsage, usagef("--profile: %v", err)
		}
		rules, bench = res.Rules, res.Profile.Benchmark
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tSECTION\tLEVEL\tCIS\tKIND\tTITLE")
	for _, r := range rules {
		var refs []string
		for _, c := range r.CISFor(bench) {
			if bench == "" {
				refs = append(refs, c.Benchmark+":"+c.Control)
			} else {
				refs = append(refs, c.Control)
			}
		}
		kind := "auto"
		switch {
		case r.Manual != "":
			kind = "manual"
		case r.AuditOnly:
			kind = "audit-only"
		}
		fmt.Fprintf(tw, "%s\t%s\tL%d\t%s\t%s\t%s\n", r.ID, r.Section, r.Level, orDefault(strings.Join(refs, ","), "-"), kind, r.Title)
	}
	return exitOK, tw.Flush()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
