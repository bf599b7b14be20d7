package primitive

import (
	"errors"
	"io/fs"
	"sort"
)

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

func sortStrings(s []string) { sort.Strings(s) }
