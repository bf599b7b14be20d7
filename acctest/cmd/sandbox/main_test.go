package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandbox"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "usage: sandbox COMMAND"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"exec", "hsb-00000000"}, 2, "usage: sandbox exec"},
		{[]string{"snapshot", "hsb-00000000"}, 1, "usage: sandbox snapshot"},
		{[]string{"destroy"}, 1, "usage: sandbox destroy"},
		{[]string{"ssh-info", "not-a-sandbox"}, 1, `names start with "hsb-"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}

// TestLifecycle drives the CLI as a human would: create (detached, with a
// generated key), list, ssh-info, exec with the command's exit code, destroy.
func TestLifecycle(t *testing.T) {
	if err := sandbox.Capable(); err != nil {
		t.Skip(err.Error())
	}
	code, out, stderr := runCLI(t, "", "create", "--user", "ubuntu", "--release", "trixie")
	if code != 0 {
		t.Fatalf("create: exit %d: %s", code, stderr)
	}
	name := strings.Fields(out)[0]
	t.Cleanup(func() {
		if s, err := sandbox.Open(name); err == nil {
			_ = s.Destroy(context.Background())
		}
	})
	if _, out, _ := runCLI(t, "", "list"); !strings.Contains(out, name) || !strings.Contains(out, "detached") {
		t.Errorf("list does not show %s as detached:\n%s", name, out)
	}
	_, info, _ := runCLI(t, "", "ssh-info", name)
	if !strings.Contains(info, "user: ubuntu") || !strings.Contains(info, "/id_ed25519") {
		t.Errorf("ssh-info:\n%s", info)
	}
	keyLine := ""
	for l := range strings.SplitSeq(info, "\n") {
		if k, ok := strings.CutPrefix(l, "key: "); ok {
			keyLine = k
		}
	}
	if fi, err := os.Stat(keyLine); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("private key %q: %v %v", keyLine, fi, err)
	}
	if code, out, _ := runCLI(t, "in", "exec", name, "--", "sh", "-c", "cat; . /etc/os-release; echo $VERSION_ID; exit 7"); code != 7 || out != "in13\n" {
		t.Errorf("exec: exit %d out %q; want 7 and the command's output", code, out)
	}
	if code, _, stderr := runCLI(t, "", "destroy", name); code != 0 {
		t.Fatalf("destroy: %s", stderr)
	}
	if _, out, _ := runCLI(t, "", "list"); strings.Contains(out, name) {
		t.Errorf("%s still listed after destroy", name)
	}
	if _, err := os.Stat(keyLine); !os.IsNotExist(err) {
		t.Errorf("private key survives destroy: %v", err)
	}
}
