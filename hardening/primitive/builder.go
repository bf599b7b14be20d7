package primitive

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// Builder identifies the image builder's own login: Packer connects as root
// or as a temporary key-only sudo user.
type Builder struct {
	User string
	// Addr is the builder's client address (first field of SSH_CONNECTION).
	Addr string
}

const (
	builderBegin = "# BEGIN harden builder exception (removed by `harden cleanup`)"
	builderEnd   = "# END harden builder exception"
)

// ProtectBuilder keeps a root image builder able to log in again with its
// key after CIS hardening set "PermitRootLogin no": it appends to
// sshd_config a Match block for root from the builder's address only,
// between markers, which image cleanup removes. Settings after a Match are
// not global, so audits still see "PermitRootLogin no". A sudo builder needs
// nothing here (its access is not restricted by the catalog). Returns
// whether an exception is in place.
func ProtectBuilder(ctx context.Context, t *engine.Target, tx *engine.Tx, b Builder) (bool, error) {
	if b.User != "root" || !t.Exists(sshdConfig) {
		return false, nil
	}
	addr, err := netip.ParseAddr(b.Addr)
	if err != nil {
		return false, fmt.Errorf("builder address %q (from SSH_CONNECTION or --builder-addr): %w", b.Addr, err)
	}
	eff, err := sshdEffective(t)
	if err != nil {
		return false, err
	}
	data, err := t.ReadFile(sshdConfig)
	if err != nil {
		return false, err
	}
	base := stripBuilderBlock(string(data))
	prl := strings.ToLower(eff["permitrootlogin"].value)
	if prl == "" || prl == "yes" || prl == "prohibit-password" || prl == "without-password" {
		// Root can log in with a key anyway: drop a stale exception if any.
		if base != string(data) {
			return false, tx.WriteFile(sshdConfig, []byte(base), 0o644)
		}
		return false, nil
	}
	block := fmt.Sprintf("%s\nMatch User root Address %s\n\tPermitRootLogin prohibit-password\n%s\n", builderBegin, addr, builderEnd)
	out := strings.TrimRight(base, "\n") + "\n\n" + block
	fi, err := t.Stat(sshdConfig)
	if err != nil {
		return false, err
	}
	return true, tx.WriteFile(sshdConfig, []byte(out), fi.Mode().Perm())
}

// ReleaseBuilder removes the builder exception (image cleanup). The running
// sshd is not restarted, so the builder's open session is unaffected.
func ReleaseBuilder(t *engine.Target) (bool, error) {
	data, err := t.ReadFile(sshdConfig)
	if err != nil {
		if isNotExist(err) {
			return false, nil
		}
		return false, err
	}
	out := stripBuilderBlock(string(data))
	if out == string(data) {
		return false, nil
	}
	fi, err := t.Stat(sshdConfig)
	if err != nil {
		return false, err
	}
	tx := engine.NewTx(t)
	return true, tx.WriteFile(sshdConfig, []byte(out), fi.Mode().Perm())
}

func stripBuilderBlock(s string) string {
	i := strings.Index(s, builderBegin)
	if i < 0 {
		return s
	}
	j := strings.Index(s[i:], builderEnd)
	if j < 0 {
		return s
	}
	rest := s[i+j+len(builderEnd):]
	rest = strings.TrimPrefix(rest, "\n")
	return strings.TrimRight(s[:i], "\n") + "\n" + rest
}
