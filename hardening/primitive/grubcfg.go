package primitive

// The generated boot loader configuration. GRUB boots from grub.cfg, not
// from /etc/default/grub: a kernel parameter only reaches the kernel once
// update-grub (grub-mkconfig) has rewritten grub.cfg, and the CIS audit
// procedure greps the `linux` lines of grub.cfg.

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// GrubCfg is the configuration grub-mkconfig generates on the Debian
// family (update-grub writes it). RHEL boots BLS entries, which
// GrubCmdline edits directly.
const GrubCfg = "/boot/grub/grub.cfg"

// grubLinuxLine matches a kernel line of a menu entry: linux PATH ARGS…
var grubLinuxLine = regexp.MustCompile(`^\s*linux(?:16|efi)?\s+(\S+)(.*)$`)

// generatedProblems judges every kernel line of grub.cfg, when it exists.
func (c GrubCmdline) generatedProblems(t *engine.Target) ([]string, error) {
	data, ok, err := readText(t, GrubCfg)
	if err != nil || !ok {
		return nil, err
	}
	var bad []string
	for i, l := range strings.Split(data, "\n") {
		m := grubLinuxLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		toks := strings.Fields(m[2])
		for _, a := range c.Add {
			has := false
			for _, tok := range toks {
				has = has || tok == a
			}
			if !has {
				bad = append(bad, fmt.Sprintf("%s line %d (linux %s) lacks %s", GrubCfg, i+1, m[1], a))
			}
		}
		for _, tok := range toks {
			for _, r := range c.Remove {
				if tokenMatches(tok, r) {
					bad = append(bad, fmt.Sprintf("%s line %d (linux %s) has %s", GrubCfg, i+1, m[1], tok))
				}
			}
		}
	}
	if len(bad) > 0 {
		bad = append(bad, "the boot loader does not use /etc/default/grub until update-grub regenerates "+GrubCfg)
	}
	return bad, nil
}

// regenerateGrubCfg rewrites grub.cfg from the edited sources with
// grub-mkconfig inside the target, through tx so the new file is rolled
// back with the rest and a run that changes nothing writes nothing. A root
// without grub.cfg or without grub-mkconfig (containers, minimal trees)
// has nothing to regenerate; the audit then judges grub.cfg as it is.
func regenerateGrubCfg(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
	if !t.Exists(GrubCfg) || !t.HasCommand("grub-mkconfig") {
		return nil
	}
	tmp := GrubCfg + ".harden-new"
	hp, err := t.HostPath(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(hp)
	if _, stderr, err := t.Run(ctx, nil, "grub-mkconfig", "-o", tmp); err != nil {
		return fmt.Errorf("regenerate %s with grub-mkconfig, without which the new kernel command line never reaches the boot loader: %v: %s (run harden on the booted machine, or waive the rule)",
			GrubCfg, err, strings.TrimSpace(string(stderr)))
	}
	data, err := os.ReadFile(hp)
	if err != nil {
		return fmt.Errorf("read the regenerated %s: %w", GrubCfg, err)
	}
	return tx.WriteFile(GrubCfg, data, permOr(t, GrubCfg, 0o600))
}
