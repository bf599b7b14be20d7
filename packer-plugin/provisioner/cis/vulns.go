package cis

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/uuid"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/vulns"
)

// prepareVulns validates vulns_feed and fail_on_fixable. The feed itself is
// read at provisioning time (a URL mirror may not be reachable from where
// `packer validate` runs).
func (c *Config) prepareVulns() []error {
	var errs []error
	if c.VulnsFeed == "" {
		if c.FailOnFixable != "" {
			errs = append(errs, fmt.Errorf("fail_on_fixable needs vulns_feed: set vulns_feed to an OSV feed (.json, directory or .zip, or an http(s) URL of a mirror you run)"))
		}
		return errs
	}
	if c.FailOnFixable == "" {
		c.FailOnFixable = vulns.SeverityHigh
	}
	if t, err := vulns.ParseThreshold(c.FailOnFixable); err != nil {
		errs = append(errs, fmt.Errorf("fail_on_fixable: %w", err))
	} else {
		c.FailOnFixable = t
	}
	if isURL(c.VulnsFeed) {
		u, err := url.Parse(c.VulnsFeed)
		if err != nil || u.Host == "" {
			errs = append(errs, fmt.Errorf("vulns_feed %q is not a valid http(s) URL", c.VulnsFeed))
		}
		return errs
	}
	st, err := os.Stat(c.VulnsFeed)
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("vulns_feed: %w (a local OSV .json file, a directory of them or a .zip; or an http(s) URL)", err))
	case !st.IsDir() && !strings.HasSuffix(c.VulnsFeed, ".json") && !strings.HasSuffix(c.VulnsFeed, ".zip"):
		errs = append(errs, fmt.Errorf("vulns_feed %q: a feed file must end in .json or .zip", c.VulnsFeed))
	}
	return errs
}

func isURL(s string) bool { return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") }

// localFeed makes vulns_feed one local file (a URL is downloaded, a
// directory zipped) and checks that it loads as an OSV feed, so that a bad
// feed fails the build before the target changes. done removes what it made.
func localFeed(ctx context.Context, src, tmpDir string) (path string, done func(), err error) {
	done = func() {}
	path = src
	switch st, serr := os.Stat(src); {
	case isURL(src):
		if path, err = download(ctx, src, tmpDir); err != nil {
			return "", done, fmt.Errorf("vulns_feed: %w", err)
		}
		done = func() { os.Remove(path) }
	case serr == nil && st.IsDir():
		if path, err = zipDir(src, tmpDir); err != nil {
			return "", done, fmt.Errorf("vulns_feed: zip %s: %w", src, err)
		}
		done = func() { os.Remove(path) }
	}
	if _, err := vulns.LoadFeed(path); err != nil {
		done()
		return "", func() {}, fmt.Errorf("vulns_feed %s: %w", src, err)
	}
	return path, done, nil
}

// download fetches a feed from a mirror the user runs (never a default
// public source: builds stay offline unless told otherwise).
func download(ctx context.Context, u, tmpDir string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	cl := &http.Client{Timeout: 10 * time.Minute}
	resp, err := cl.Do(req)
	if err != nil {
		return "", fmt.Errorf("download %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("download %s: HTTP %s", u, resp.Status)
	}
	f, err := os.CreateTemp(tmpDir, "hardened-osv-*")
	if err != nil {
		return "", err
	}
	head := make([]byte, 2)
	n, _ := io.ReadFull(resp.Body, head)
	_, err = io.Copy(f, io.MultiReader(bytes.NewReader(head[:n]), resp.Body))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("download %s: %w", u, err)
	}
	// LoadFeed picks the reader by extension: a zip starts with "PK".
	ext := ".json"
	if string(head[:n]) == "PK" {
		ext = ".zip"
	}
	if err := os.Rename(f.Name(), f.Name()+ext); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name() + ext, nil
}

// zipDir packs the .json files under dir into one zip for the upload.
func zipDir(dir, tmpDir string) (string, error) {
	f, err := os.CreateTemp(tmpDir, "hardened-osv-*.zip")
	if err != nil {
		return "", err
	}
	zw := zip.NewWriter(f)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// uploadFeed puts the feed next to the bundle on the target and returns its
// remote path; remove deletes it again.
func (r *remote) uploadFeed(ctx context.Context, comm packersdk.Communicator, local, remoteDir string) (dst string, remove func(context.Context) error, err error) {
	f, err := os.Open(local)
	if err != nil {
		return "", nil, fmt.Errorf("vulns_feed: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", nil, fmt.Errorf("vulns_feed: %w", err)
	}
	dst = remoteDir + "/osv-feed" + filepath.Ext(local)
	tmp := "/tmp/hardened-osv-" + uuid.TimeOrderedUUID()
	if err := comm.Upload(tmp, f, &st); err != nil {
		return "", nil, fmt.Errorf("upload vulns_feed: %w", err)
	}
	if _, err := r.must(ctx, "install vulns_feed", r.sudo+"sh -c "+shq(fmt.Sprintf(
		"install -m 0600 %s %s; rc=$?; rm -f %s; exit $rc", tmp, dst, tmp))); err != nil {
		return "", nil, err
	}
	return dst, func(ctx context.Context) error {
		_, err := r.must(ctx, "remove vulns_feed", r.sudo+"rm -f "+shq(dst))
		return err
	}, nil
}

// vulnGate is the vulns section of a harden JSON report.
type vulnGate struct {
	Summary struct {
		Findings          int            `json:"findings"`
		Fixable           int            `json:"fixable"`
		BySeverity        map[string]int `json:"by_severity"`
		FixableBySeverity map[string]int `json:"fixable_by_severity"`
		FeedDate          time.Time      `json:"feed_date"`
		Oldest            int            `json:"oldest_unpatched_fix_age_days"`
	} `json:"summary"`
	FailOnFixable string   `json:"fail_on_fixable"`
	Failing       []string `json:"failing"`
}

func readVulnGate(report []byte) (*vulnGate, error) {
	var r struct {
		Vulns *vulnGate `json:"vulns"`
	}
	if err := json.Unmarshal(report, &r); err != nil {
		return nil, fmt.Errorf("read JSON report: %w", err)
	}
	if r.Vulns == nil {
		return nil, fmt.Errorf("read JSON report: no vulnerability scan in it (the bundle predates --vulns-feed?)")
	}
	return r.Vulns, nil
}

func (g *vulnGate) line() string {
	s := g.Summary
	var sev []string
	for _, k := range []string{"critical", "high", "medium", "low", "unknown"} {
		if s.FixableBySeverity[k] > 0 {
			sev = append(sev, fmt.Sprintf("%d %s", s.FixableBySeverity[k], k))
		}
	}
	fix := ""
	if len(sev) > 0 {
		fix = " (" + strings.Join(sev, ", ") + ")"
	}
	return fmt.Sprintf("vulnerabilities: %d fixable%s, %d without a fix yet; feed date %s; oldest missing fix %d days",
		s.Fixable, fix, s.Findings-s.Fixable, s.FeedDate.UTC().Format(time.DateOnly), s.Oldest)
}

func (g *vulnGate) err() error {
	if len(g.Failing) == 0 {
		return nil
	}
	list := g.Failing
	if len(list) > 20 {
		list = append(append([]string(nil), list[:20]...), fmt.Sprintf("… %d more", len(g.Failing)-20))
	}
	return fmt.Errorf("hardened-cis: %d fixable vulnerabilit%s at or above fail_on_fixable = %q after patching: %s; install the fixed versions (update = true, no apt-mark hold), or raise fail_on_fixable",
		len(g.Failing), map[bool]string{true: "y", false: "ies"}[len(g.Failing) == 1], g.FailOnFixable, strings.Join(list, "; "))
}
