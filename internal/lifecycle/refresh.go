package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// ErrNotTracked means the release's family has no endoflife.date product, so
// there is nothing to refresh; callers keep the embedded data silently.
var ErrNotTracked = errors.New("family not tracked by the lifecycle source")

// ErrSourceUnreachable wraps transport failures (DNS, connect, timeout):
// callers may stop asking the same source for other releases.
var ErrSourceUnreachable = errors.New("lifecycle source unreachable")

// HTTPStatusError is a non-200 answer from the lifecycle source. It concerns
// one release (e.g. 404 for a release the source does not track), unlike
// transport errors, which mean the source itself is unreachable.
type HTTPStatusError struct {
	URL  string
	Code int
}

func (e *HTTPStatusError) Error() string { return fmt.Sprintf("fetch %s: HTTP %d", e.URL, e.Code) }

// maxResponseBytes bounds what a refresh reads; a release object is ~1 KiB.
const maxResponseBytes = 1 << 20

// ReleaseURL is the endoflife.date v1 URL for one release:
// {base}/api/v1/products/{product}/releases/{release}.
func ReleaseURL(baseURL, family, version string) (string, error) {
	urls, err := releaseURLs(baseURL, family, version)
	if err != nil {
		return "", err
	}
	return urls[0], nil
}

// releaseURLs lists the URLs to try, best first. endoflife.date spells the
// R2 cycles "2012-R2" in its data and lower-case in its pages; both are
// tried so either spelling of a compatible API works.
func releaseURLs(baseURL, family, version string) ([]string, error) {
	f, ok := lookupFamily(family)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownFamily, family)
	}
	if f.product == "" {
		return nil, fmt.Errorf("%s: %w", family, ErrNotTracked)
	}
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("lifecycle source URL %q must be an absolute http(s) URL such as https://endoflife.date", baseURL)
	}
	names := []string{version}
	if f.style == styleWindowsYear && strings.HasSuffix(version, "r2") {
		year := strings.TrimSuffix(version, "r2")
		names = []string{year + "-r2", year + "-R2"}
	}
	prefix := u.String() + "/api/v1/products/" + url.PathEscape(f.product) + "/releases/"
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + url.PathEscape(n)
	}
	return out, nil
}

// FetchRelease refreshes the dates of base (which must carry Family and
// Version) from an endoflife.date-compatible API. Dates the API does not
// give keep their catalog value; dates it gives are recorded with the URL
// as their source. The caller bounds the time through ctx.
func FetchRelease(ctx context.Context, client *http.Client, baseURL string, base Release) (Release, error) {
	urls, err := releaseURLs(baseURL, base.Family, base.Version)
	if err != nil {
		return Release{}, err
	}
	if client == nil {
		client = http.DefaultClient
	}
	var se *HTTPStatusError
	for _, u := range urls {
		var body []byte
		body, err = get(ctx, client, u)
		if errors.As(err, &se) && se.Code == http.StatusNotFound {
			continue // try the next spelling
		}
		if err != nil {
			return Release{}, err
		}
		return merge(base, u, body)
	}
	return Release{}, err
}

func get(ctx context.Context, client *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("build request %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w: %w", u, ErrSourceUnreachable, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w: %w", u, ErrSourceUnreachable, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &HTTPStatusError{URL: u, Code: resp.StatusCode}
	}
	return body, nil
}

// merge lays the dates decoded from body over base, recording u as their
// source.
func merge(base Release, u string, body []byte) (Release, error) {
	d, err := decodeRelease(body)
	if err != nil {
		return Release{}, fmt.Errorf("decode %s: %w", u, err)
	}
	r := base.clone()
	if r.Sources == nil {
		r.Sources = map[string]string{}
	}
	set := func(dst *time.Time, t time.Time, k string) {
		if !t.IsZero() {
			*dst = t
			r.Sources[k] = u
		}
	}
	set(&r.GA, d.ga, SourceGA)
	set(&r.EOLStandard, d.eol, SourceEOLStandard)
	set(&r.EOLExtended, d.eoes, SourceEOLExtended)
	if d.codename != "" && r.Codename == "" {
		r.Codename = d.codename
	}
	if d.lts != nil {
		r.LTS = *d.lts
	}
	if !r.EOLExtended.IsZero() && r.EOLExtended.Before(r.EOLStandard) {
		return Release{}, fmt.Errorf("decode %s: extended support end %s before standard end %s", u, FormatDate(r.EOLExtended), FormatDate(r.EOLStandard))
	}
	return r, nil
}

type fetched struct {
	ga, eol, eoes time.Time
	codename      string
	lts           *bool
}

// decodeRelease reads the v1 shape {"result": {...}} and, tolerantly, a bare
// release object or the older v0 cycle shape ({"eol": "2027-04-01" | bool,
// "extendedSupport": ...}). Fields that are null, booleans without a date
// or unparseable are ignored; at least one end-of-life field must be present.
func decodeRelease(body []byte) (fetched, error) {
	var envelope struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil {
		return fetched{}, fmt.Errorf("not a JSON object: %w", err)
	}
	obj := body
	if len(envelope.Result) > 0 && string(envelope.Result) != "null" {
		obj = envelope.Result
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj, &m); err != nil {
		return fetched{}, fmt.Errorf("release is not a JSON object: %w", err)
	}
	var out fetched
	out.ga = firstDate(m, "releaseDate")
	out.eol = firstDate(m, "eolFrom", "eol")
	out.eoes = firstDate(m, "eoesFrom", "extendedSupport")
	_, hasEOL := m["eolFrom"]
	_, hasV0 := m["eol"]
	if !hasEOL && !hasV0 {
		return fetched{}, errors.New("response has neither eolFrom nor eol")
	}
	var s string
	if raw, ok := m["codename"]; ok && json.Unmarshal(raw, &s) == nil {
		out.codename = s
	}
	var b bool
	for _, k := range []string{"isLts", "lts"} {
		if raw, ok := m[k]; ok && json.Unmarshal(raw, &b) == nil {
			out.lts = &b
			break
		}
	}
	return out, nil
}

func firstDate(m map[string]json.RawMessage, keys ...string) time.Time {
	for _, k := range keys {
		raw, ok := m[k]
		if !ok {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			continue // null or boolean: no date to take
		}
		if len(s) > 10 {
			s = s[:10] // tolerate full timestamps
		}
		if t, err := ParseDate(s); err == nil && !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// Refresh fetches every tracked release of c and returns a new catalog with
// the refreshed dates. Failures do not stop the others: the release keeps
// its embedded dates and the error is returned in errs (untracked families
// are skipped silently). At most four requests run at once.
func (c *Catalog) Refresh(ctx context.Context, baseURL string, client *http.Client) (*Catalog, []error) {
	type result struct {
		r   Release
		err error
	}
	all := c.All()
	results := make([]result, len(all))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, r := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			nr, err := FetchRelease(ctx, client, baseURL, r)
			results[i] = result{nr, err}
		}()
	}
	wg.Wait()
	n := c.copy()
	var errs []error
	for _, res := range results {
		switch {
		case res.err == nil:
			n.releases[res.r.relKey()] = res.r
		case errors.Is(res.err, ErrNotTracked):
		default:
			errs = append(errs, res.err)
		}
	}
	return n, errs
}
