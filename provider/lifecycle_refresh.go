package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

// refresher fetches releases from lifecycle_source_url at most once per
// provider instance (one plan), so many data sources over the same release
// cost one request. Failures are cached too, and the first transport failure
// marks the whole source down: a dead source delays a plan by one timeout,
// not one per release.
type refresher struct {
	client  *http.Client
	baseURL string

	mu    sync.Mutex
	cache map[string]refreshResult
	down  error
}

type refreshResult struct {
	rel lifecycle.Release
	err error
}

func newRefresher(client *http.Client, baseURL string) *refresher {
	return &refresher{client: client, baseURL: baseURL, cache: map[string]refreshResult{}}
}

// release returns r refreshed from the source. ok is false when nothing was
// fetched: the family is not tracked there (err nil) or the fetch failed.
func (f *refresher) release(ctx context.Context, r lifecycle.Release) (lifecycle.Release, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	res, hit := f.cache[r.Key()]
	if !hit && f.down != nil {
		return lifecycle.Release{}, false, f.down
	}
	if !hit {
		ctx, cancel := context.WithTimeout(ctx, refreshTimeout)
		defer cancel()
		rel, err := lifecycle.FetchRelease(ctx, f.client, f.baseURL, r)
		tflog.Debug(ctx, "lifecycle refresh", map[string]any{"release": r.Key(), "source": f.baseURL, "error": fmt.Sprint(err)})
		res = refreshResult{rel, err}
		f.cache[r.Key()] = res
		if errors.Is(err, lifecycle.ErrSourceUnreachable) {
			f.down = err
		}
	}
	if errors.Is(res.err, lifecycle.ErrNotTracked) {
		return lifecycle.Release{}, false, nil
	}
	if res.err != nil {
		return lifecycle.Release{}, false, res.err
	}
	return res.rel, true, nil
}

// resolve returns the catalog to answer from for family/version: the
// configured catalog, with that release refreshed when a source is set and
// the user's overrides applied on top again (overrides always win).
func (d *providerData) resolve(ctx context.Context, family, version string) (*lifecycle.Catalog, error) {
	if d.refresher == nil {
		return d.base, nil
	}
	embedded, ok := d.embedded.Lookup(family, version)
	if !ok {
		return d.base, nil
	}
	fresh, ok, err := d.refresher.release(ctx, embedded)
	if err != nil || !ok {
		return d.base, err
	}
	c, err := d.embedded.WithRelease(fresh).WithOverrides(d.overrides)
	if err != nil {
		// Overrides were validated in Configure against the same keys, so
		// this only happens if the source returned inconsistent dates.
		return d.base, err
	}
	return c, nil
}
