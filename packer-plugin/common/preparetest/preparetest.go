// Package preparetest runs table tests of a component's Prepare (or
// Configure): each case edits a valid template and names the error
// substrings or the warning it must produce. Only tests import it.
package preparetest

import (
	"strings"
	"testing"
)

// Case is one template variant. An empty Errs means the template is valid.
type Case[C any] struct {
	Name    string
	Mod     func(raw map[string]interface{})
	Errs    []string // substrings the error must contain
	Warn    string   // substring one warning must contain
	Inspect func(t *testing.T, c *C)
}

// Run prepares, for each case, a fresh C from base() edited by Mod.
func Run[C any](t *testing.T, base func() map[string]interface{}, prepare func(c *C, raw map[string]interface{}) ([]string, error), cases []Case[C]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			raw := base()
			if tc.Mod != nil {
				tc.Mod(raw)
			}
			var c C
			warns, err := prepare(&c, raw)
			if len(tc.Errs) == 0 && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			for _, want := range tc.Errs {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("error %v does not contain %q", err, want)
				}
			}
			if tc.Warn != "" && !strings.Contains(strings.Join(warns, "\n"), tc.Warn) {
				t.Errorf("warnings %q lack %q", warns, tc.Warn)
			}
			if tc.Inspect != nil && err == nil {
				tc.Inspect(t, &c)
			}
		})
	}
}
