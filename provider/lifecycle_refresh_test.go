package provider

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

func TestResolve(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/api/v1/products/ubuntu/releases/22.04":
			fmt.Fprint(w, `{"result":{"eolFrom":"2027-07-01","eoesFrom":"2032-04-09"}}`)
		case "/api/v1/products/debian/releases/12":
			fmt.Fprint(w, `{"result":{"eolFrom":"2026-07-11","eoesFrom":"2028-06-30"}}`)
		default:
			http.Error(w, "down", http.StatusBadGateway)
		}
	}))
	defer srv.Close()
	embedded, err := lifecycle.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	overrides := []lifecycle.Override{{Family: "debian", Version: "12", EOLExtended: "2029-06-30", Source: "ELTS"}}
	base, err := embedded.WithOverrides(overrides)
	if err != nil {
		t.Fatal(err)
	}
	d := &providerData{base: base, embedded: embedded, overrides: overrides, sourceURL: srv.URL, refresher: newRefresher(srv.Client(), srv.URL)}
	ctx := t.Context()

	c, err := d.resolve(ctx, "ubuntu", "22.04")
	if r, _ := c.Lookup("ubuntu", "22.04"); err != nil || lifecycle.FormatDate(r.EOLStandard) != "2027-07-01" {
		t.Errorf("refreshed ubuntu: %v %s", err, lifecycle.FormatDate(r.EOLStandard))
	}
	// Overrides win over refreshed data.
	c, err = d.resolve(ctx, "debian", "12")
	if r, _ := c.Lookup("debian", "12"); err != nil || lifecycle.FormatDate(r.EOLExtended) != "2029-06-30" || r.Sources[lifecycle.SourceEOLExtended] != "ELTS" {
		t.Errorf("override over refresh: %v %+v", err, r)
	}
	// A failing source falls back to the configured catalog and says why.
	c, err = d.resolve(ctx, "rocky", "9")
	if err == nil || !strings.Contains(err.Error(), "HTTP 502") || c != base {
		t.Errorf("failing source: %v, fallback=%v", err, c == base)
	}
	// Untracked family: no request, no error.
	before := hits.Load()
	if c, err := d.resolve(ctx, "tencentos", "3"); err != nil || c != base || hits.Load() != before {
		t.Errorf("untracked: %v, requests %d -> %d", err, before, hits.Load())
	}
	// Each release is fetched once per provider instance, failures included.
	before = hits.Load()
	for range 3 {
		_, _ = d.resolve(ctx, "ubuntu", "22.04")
		_, _ = d.resolve(ctx, "rocky", "9")
	}
	if hits.Load() != before {
		t.Errorf("cache miss: %d extra requests", hits.Load()-before)
	}
	// Offline (no source): the configured catalog, no error.
	off := &providerData{base: base, embedded: embedded}
	if c, err := off.resolve(ctx, "ubuntu", "22.04"); err != nil || c != base {
		t.Errorf("offline: %v", err)
	}
}

// TestResolveSourceDown: after one transport failure the source is not asked
// again for other releases, so a dead source costs one timeout per plan.
func TestResolveSourceDown(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		// Hijack and drop the connection: a transport error, not an HTTP status.
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()
	embedded, _ := lifecycle.Embedded()
	d := &providerData{base: embedded, embedded: embedded, sourceURL: srv.URL, refresher: newRefresher(srv.Client(), srv.URL)}
	for _, k := range [][2]string{{"ubuntu", "22.04"}, {"debian", "12"}, {"rocky", "9"}} {
		c, err := d.resolve(t.Context(), k[0], k[1])
		if !errors.Is(err, lifecycle.ErrSourceUnreachable) || c != embedded {
			t.Errorf("%v: %v", k, err)
		}
	}
	if hits.Load() != 1 {
		t.Errorf("dead source asked %d times, want 1", hits.Load())
	}
}
