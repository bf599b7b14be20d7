package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeEOL serves endoflife.date-shaped answers from a map of path -> body.
func fakeEOL(t *testing.T, bodies map[string]string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		body, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if body == "SLOW" {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

const v1Ubuntu2204 = `{"schema_version":"1.2.0","generated_at":"2026-11-01T00:00:00Z","result":{
 "name":"22.04","codename":"Jammy Jellyfish","label":"22.04 'Jammy Jellyfish' (LTS)","releaseDate":"2022-04-21",
 "isLts":true,"ltsFrom":null,"isEoas":true,"eoasFrom":"2024-09-30","isEol":false,"eolFrom":"2027-06-01",
 "isEoes":false,"eoesFrom":"2034-04-09","isMaintained":true,"latest":{"name":"22.04.5","date":"2024-09-12"}}}`

func TestFetchReleaseV1(t *testing.T) {
	srv, _ := fakeEOL(t, map[string]string{"/api/v1/products/ubuntu/releases/22.04": v1Ubuntu2204})
	c, _ := Embedded()
	base, _ := c.Lookup("ubuntu", "22.04")
	r, err := FetchRelease(context.Background(), srv.Client(), srv.URL+"/", base)
	if err != nil {
		t.Fatal(err)
	}
	if FormatDate(r.EOLStandard) != "2027-06-01" || FormatDate(r.EOLExtended) != "2034-04-09" {
		t.Errorf("dates not refreshed: %s %s", FormatDate(r.EOLStandard), FormatDate(r.EOLExtended))
	}
	want := srv.URL + "/api/v1/products/ubuntu/releases/22.04"
	if r.Sources[SourceEOLStandard] != want || r.Sources[SourceEOLExtended] != want {
		t.Errorf("sources = %v, want %s", r.Sources, want)
	}
	if r.Codename != "jammy" || r.Successor != "ubuntu 24.04" {
		t.Errorf("catalog-only fields lost: %+v", r)
	}
	// The catalog the base came from is unchanged.
	if again, _ := c.Lookup("ubuntu", "22.04"); FormatDate(again.EOLStandard) != "2027-04-01" {
		t.Errorf("embedded catalog mutated")
	}
}

func TestFetchReleaseTolerant(t *testing.T) {
	srv, _ := fakeEOL(t, map[string]string{
		// v0-style cycle object with a boolean extended support.
		"/api/v1/products/debian/releases/12": `{"cycle":"12","eol":"2026-06-10","extendedSupport":true,"lts":false}`,
		// eolFrom null: keep the catalog's date.
		"/api/v1/products/rhel/releases/9": `{"result":{"name":"9","eolFrom":null,"eoesFrom":"2035-05-31T00:00:00Z"}}`,
		// Windows R2 naming: this server only knows the upper-case spelling.
		"/api/v1/products/windows-server/releases/2012-R2": `{"result":{"eolFrom":"2023-10-11","eoesFrom":"2026-10-13"}}`,
	})
	c, _ := Embedded()
	ctx := context.Background()
	d12, _ := c.Lookup("debian", "12")
	r, err := FetchRelease(ctx, srv.Client(), srv.URL, d12)
	if err != nil || FormatDate(r.EOLStandard) != "2026-06-10" || FormatDate(r.EOLExtended) != "2028-06-30" || r.LTS {
		t.Errorf("v0 shape: %v %s %s lts=%v", err, FormatDate(r.EOLStandard), FormatDate(r.EOLExtended), r.LTS)
	}
	rhel, _ := c.Lookup("rhel", "9")
	r, err = FetchRelease(ctx, srv.Client(), srv.URL, rhel)
	if err != nil || FormatDate(r.EOLStandard) != "2032-05-31" || FormatDate(r.EOLExtended) != "2035-05-31" {
		t.Errorf("null eolFrom: %v %s %s", err, FormatDate(r.EOLStandard), FormatDate(r.EOLExtended))
	}
	if !strings.Contains(r.Sources[SourceEOLStandard], "endoflife.date/rhel") {
		t.Errorf("kept date should keep its source, got %q", r.Sources[SourceEOLStandard])
	}
	w, _ := c.Lookup("windows-server", "2012r2")
	if r, err := FetchRelease(ctx, srv.Client(), srv.URL, w); err != nil || FormatDate(r.EOLStandard) != "2023-10-11" || !strings.HasSuffix(r.Sources[SourceEOLStandard], "/2012-R2") {
		t.Errorf("windows 2012 R2 fallback spelling: %v %s %v", err, FormatDate(r.EOLStandard), r.Sources)
	}
}

func TestFetchReleaseFailures(t *testing.T) {
	srv, _ := fakeEOL(t, map[string]string{
		"/api/v1/products/debian/releases/13":     `not json`,
		"/api/v1/products/ubuntu/releases/24.04":  `{"result":{"name":"24.04"}}`,
		"/api/v1/products/almalinux/releases/9":   "SLOW",
		"/api/v1/products/rocky-linux/releases/9": `{"result":{"eolFrom":"2032-05-31","eoesFrom":"2020-01-01"}}`,
	})
	c, _ := Embedded()
	get := func(f, v string) Release { r, _ := c.Lookup(f, v); return r }
	ctx := context.Background()
	cases := []struct {
		name string
		rel  Release
		base string
		want string
	}{
		{"bad json", get("debian", "13"), srv.URL, "JSON"},
		{"no eol field", get("ubuntu", "24.04"), srv.URL, "neither eolFrom nor eol"},
		{"404", get("centos", "7"), srv.URL, "HTTP 404"},
		{"inconsistent", get("rocky", "9"), srv.URL, "before standard"},
		{"bad base", get("centos", "7"), "ftp://x", "absolute http(s) URL"},
	}
	var se *HTTPStatusError
	if _, err := FetchRelease(ctx, srv.Client(), srv.URL, get("centos", "7")); !errors.As(err, &se) || se.Code != 404 || errors.Is(err, ErrSourceUnreachable) {
		t.Errorf("404: %v, want HTTPStatusError 404 (not unreachable)", err)
	}
	for _, tt := range cases {
		_, err := FetchRelease(ctx, srv.Client(), tt.base, tt.rel)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	// Timeouts come from ctx and are short.
	tctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := FetchRelease(tctx, srv.Client(), srv.URL, get("almalinux", "9")); !errors.Is(err, ErrSourceUnreachable) {
		t.Errorf("slow server: %v, want ErrSourceUnreachable", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("timeout not honoured: %s", time.Since(start))
	}
	// Families without an endoflife.date product are not fetched.
	if _, err := FetchRelease(ctx, srv.Client(), srv.URL, get("tencentos", "3")); !errors.Is(err, ErrNotTracked) {
		t.Errorf("tencentos: %v, want ErrNotTracked", err)
	}
}

func TestCatalogRefresh(t *testing.T) {
	srv, hits := fakeEOL(t, map[string]string{"/api/v1/products/ubuntu/releases/22.04": v1Ubuntu2204})
	c, _ := Embedded()
	n, errs := c.Refresh(context.Background(), srv.URL, srv.Client())
	if r, _ := n.Lookup("ubuntu", "22.04"); FormatDate(r.EOLStandard) != "2027-06-01" {
		t.Errorf("refreshed catalog: %s", FormatDate(r.EOLStandard))
	}
	// Everything else 404s: kept, reported; untracked families are neither.
	if r, _ := n.Lookup("debian", "12"); FormatDate(r.EOLStandard) != "2026-07-11" {
		t.Errorf("failed refresh changed debian 12")
	}
	tracked, requests := 0, 0
	for _, r := range c.All() {
		if urls, err := releaseURLs(srv.URL, r.Family, r.Version); err == nil {
			tracked++
			requests += len(urls) // each 404 moves on to the next spelling
		}
	}
	if len(errs) != tracked-1 || int(hits.Load()) != requests {
		t.Errorf("errs=%d hits=%d, want %d and %d", len(errs), hits.Load(), tracked-1, requests)
	}
}

// FuzzDecodeRelease: the refresh decoder reads untrusted network input; it
// must never panic, and any dates it returns must be real calendar days.
func FuzzDecodeRelease(f *testing.F) {
	f.Add([]byte(v1Ubuntu2204))
	f.Add([]byte(`{"cycle":"12","eol":"2026-06-10","extendedSupport":true}`))
	f.Add([]byte(`{"result":null,"eol":false}`))
	f.Add([]byte(`{"result":{"eolFrom":"2027-06-01T00:00:00Z","eoesFrom":12}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := decodeRelease(body)
		if err != nil {
			return
		}
		for _, tm := range []time.Time{d.ga, d.eol, d.eoes} {
			if !tm.IsZero() && !Day(tm).Equal(tm) {
				t.Fatalf("decoded a non-midnight date %v from %q", tm, body)
			}
		}
	})
}
