package catalog

import (
	"context"
	"debug/elf"
	"os"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// Machine architectures as the catalog names them.
const (
	archX86   = "x86_64"
	archARM64 = "aarch64"
)

// targetArch reads the ELF machine of the target's /bin/sh, so an arm64
// image tree built on an x86 host is judged as arm64. An unreadable shell
// (fixture roots) counts as x86_64, the common CVM architecture.
func targetArch(t *engine.Target) string {
	for _, p := range []string{"/bin/sh", "/usr/bin/sh", "/bin/bash", "/usr/bin/bash"} {
		hp, err := t.HostPath(p)
		if err != nil {
			continue
		}
		f, err := os.Open(hp)
		if err != nil {
			continue
		}
		ef, err := elf.NewFile(f)
		if err != nil {
			f.Close()
			continue
		}
		m := ef.Machine
		f.Close()
		switch m {
		case elf.EM_AARCH64:
			return archARM64
		case elf.EM_X86_64:
			return archX86
		default:
			return m.String()
		}
	}
	return archX86
}

// onArch applies a check on one architecture only (e.g. audit rules whose
// syscalls exist on x86_64 but not on arm64); elsewhere it is not
// applicable.
type onArch struct {
	Arch string
	Then engine.Check
}

func (a onArch) Describe() string { return a.Then.Describe() + " (on " + a.Arch + ")" }

func (a onArch) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	if got := targetArch(t); got != a.Arch {
		return engine.NotApplicable("%s only; target is %s", a.Arch, got)
	}
	return a.Then.Audit(ctx, t)
}

func (a onArch) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	if targetArch(t) != a.Arch {
		return nil
	}
	return a.Then.Fix(ctx, t, p)
}
