// Package readmepaths checks that the relative paths a README names in
// backticks exist, so the guides a newcomer reads first do not point at files
// that were moved or never written. The rule mirrors the before-stop hook in
// the shared developer setup, so the suite and the hook agree on what counts.
package readmepaths

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

var (
	// A code span holding something with a slash: `dir/`, `a/b.go`, `./bin`.
	pathSpan = regexp.MustCompile("`([a-zA-Z0-9_.-]+/[a-zA-Z0-9_./-]*)`")
	// Not relative to the checkout (parent dirs, absolute, home, URLs) or a
	// pattern rather than one path: outside what a README can promise.
	notChecked = regexp.MustCompile(`^(\.\./|/|~|https?:)|[*{}]`)
	// CIDR blocks (`10.77.0.0/16`) look like paths but name networks.
	cidr = regexp.MustCompile(`^[0-9.]+/[0-9]+$`)
)

// Missing returns, in order of first mention, the paths named in content (the
// text of the README at readme, relative to root) that exist neither relative
// to the README's directory nor relative to root.
func Missing(root, readme string, content []byte) []string {
	dir := filepath.Join(root, filepath.Dir(readme))
	seen := map[string]bool{}
	var gone []string
	for _, m := range pathSpan.FindAllSubmatch(content, -1) {
		p := string(m[1])
		if seen[p] || notChecked.MatchString(p) || cidr.MatchString(p) {
			continue
		}
		seen[p] = true
		if exists(filepath.Join(dir, p)) || exists(filepath.Join(root, p)) {
			continue
		}
		gone = append(gone, p)
	}
	return gone
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TrackedREADMEs lists the README.md files git tracks under root (relative
// paths). Untracked ones (build outputs, caches) are nobody's documentation.
func TrackedREADMEs(root string) ([]string, error) {
	cmd := exec.Command("git", "-C", root, "ls-files", "-z", "--", "README.md", "*/README.md")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("git ls-files in %s: %w: %s", root, err, ee.Stderr)
		}
		return nil, fmt.Errorf("git ls-files in %s: %w (the README check needs git and a git checkout)", root, err)
	}
	var files []string
	for _, f := range strings.Split(string(out), "\x00") {
		if f != "" {
			files = append(files, f)
		}
	}
	return files, nil
}

// Check returns one line per README under root that names paths which do not
// exist, in the form "dir/README.md: a/b, c/".
func Check(root string) ([]string, error) {
	readmes, err := TrackedREADMEs(root)
	if err != nil {
		return nil, err
	}
	var problems []string
	for _, r := range readmes {
		content, err := os.ReadFile(filepath.Join(root, r))
		if err != nil {
			return nil, err
		}
		if gone := Missing(root, r, content); len(gone) > 0 {
			problems = append(problems, fmt.Sprintf("%s: %s", r, strings.Join(gone, ", ")))
		}
	}
	return problems, nil
}
