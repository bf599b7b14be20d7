package catalog

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

// shellSnippet is shell code the catalog runs or installs on targets.
type shellSnippet struct{ name, code string }

// collectShell walks the checks of every rule (through the catalog's
// wrappers) for shell escape hatches and for shell files the fixes write.
func collectShell(c engine.Check, rule string, out *[]shellSnippet) {
	switch c := c.(type) {
	case primitive.Shell:
		if c.CheckScript != "" {
			*out = append(*out, shellSnippet{rule + " check", c.CheckScript})
		}
		if c.FixScript != "" {
			*out = append(*out, shellSnippet{rule + " fix", c.FixScript})
		}
	case primitive.FileContent:
		if strings.HasSuffix(c.Path, ".sh") {
			*out = append(*out, shellSnippet{rule + " " + c.Path, c.Content})
		}
	case perFamily:
		for _, s := range []engine.Check{c.Deb, c.Ubuntu, c.RHEL} {
			if s != nil {
				collectShell(s, rule, out)
			}
		}
	case perPlatform:
		for _, s := range c {
			collectShell(s, rule, out)
		}
	case when:
		collectShell(c.Then, rule, out)
	case anyOf:
		for _, s := range c {
			collectShell(s, rule, out)
		}
	case tmoutConfigured:
		*out = append(*out, shellSnippet{rule + " " + tmoutProfile, tmoutContent})
	}
}

// TestShellcheck runs shellcheck on every shell snippet of the catalog:
// escape-hatch scripts and the profile.d files fixes install.
func TestShellcheck(t *testing.T) {
	bin, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck not installed (scripts/tools.sh installs it with apt)")
	}
	var snippets []shellSnippet
	for _, r := range mustCatalog(t).Rules() {
		for _, c := range r.Checks {
			collectShell(c, r.ID, &snippets)
		}
	}
	if len(snippets) == 0 {
		t.Fatal("found no shell snippets: the walk over the catalog is broken (the umask and TMOUT profiles are shell)")
	}
	for _, s := range snippets {
		cmd := exec.Command(bin, "--shell=sh", "--severity=style", "-")
		cmd.Stdin = strings.NewReader(s.code)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Errorf("shellcheck %s: %v\n%s", s.name, err, out.String())
		}
	}
	t.Logf("%d shell snippets are shellcheck-clean", len(snippets))
}
