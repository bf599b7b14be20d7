package catalog

// Reading helpers the catalog's own check types (checks_*.go) share. Like
// the primitives, those checks read files under the target root only and
// record their fixes as plan steps that write through the transaction.

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// readOpt reads a target file, treating "missing" as empty.
func readOpt(t *engine.Target, p string) (string, bool, error) {
	data, err := t.ReadFile(p)
	if err != nil {
		if isNotExist(err) {
			return "", false, nil
		}
		return "", false, fmt.Errorf("read %s: %w", p, err)
	}
	return string(data), true, nil
}

func isNotExist(err error) bool { return err != nil && errors.Is(err, fs.ErrNotExist) }

// permOf returns the permission of an existing file, or def.
func permOf(t *engine.Target, p string, def fs.FileMode) fs.FileMode {
	if fi, err := t.Stat(p); err == nil {
		return fi.Mode().Perm()
	}
	return def
}

func activeLinesOf(content string) []string {
	var out []string
	for _, l := range strings.Split(content, "\n") {
		tl := strings.TrimSpace(l)
		if tl == "" || strings.HasPrefix(tl, "#") {
			continue
		}
		out = append(out, tl)
	}
	return out
}
