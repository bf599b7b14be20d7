package primitive

import (
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"

	"errors"
	"io/fs"
	"sort"
)

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

func sortStrings(s []string) { sort.Strings(s) }

// readText reads a target file as text, treating "missing" as empty.
func readText(t *engine.Target, p string) (string, bool, error) {
	data, ok, err := readOptional(t, p)
	return string(data), ok, err
}

// activeText returns the trimmed lines of content that are neither empty nor
// '#' comments.
func activeText(content string) []string { return activeLines([]byte(content), "#") }

// permOr returns the permission of an existing file, or def: rewrites keep
// the mode an administrator chose.
func permOr(t *engine.Target, p string, def fs.FileMode) fs.FileMode {
	if fi, err := t.Stat(p); err == nil {
		return fi.Mode().Perm()
	}
	return def
}
