package tencent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

func TestListImagesPaginatesPastHundred(t *testing.T) {
	srv := tcsim.StartForTest(t)
	c, _ := newTestClient(t, srv, nil)
	imgs, err := c.ListImages(ctxT(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) <= 100 {
		t.Fatalf("got %d images, want > 100 (the seeded catalog)", len(imgs))
	}
	seen := map[string]bool{}
	for _, im := range imgs {
		if seen[im.ID] {
			t.Fatalf("image %s listed twice", im.ID)
		}
		seen[im.ID] = true
		if im.Type == "PUBLIC_IMAGE" && im.CreatedTime != nil {
			t.Errorf("public image %s has CreatedTime %v, want nil", im.ID, im.CreatedTime)
		}
	}
	wantCalls := int64((len(imgs) + 99) / 100)
	if got := srv.Stats().Actions["DescribeImages"]; got != wantCalls {
		t.Fatalf("DescribeImages calls = %d, want %d for %d images", got, wantCalls, len(imgs))
	}

	// Filters are passed through and paginate too.
	ubuntu, err := c.ListImages(ctxT(t), []Filter{{Name: "platform", Values: []string{"Ubuntu"}}, {Name: "image-type", Values: []string{"PUBLIC_IMAGE"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ubuntu) == 0 {
		t.Fatal("no Ubuntu images")
	}
	for _, im := range ubuntu {
		if im.Platform != "Ubuntu" {
			t.Fatalf("filter leaked %s (%s)", im.ID, im.Platform)
		}
	}
}

// fakeIDs returns n well-formed image ids: the catalog's real ones first, then ids that do not exist.
func fakeIDs(real []Image, n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		if i < len(real) {
			out = append(out, real[i].ID)
			continue
		}
		out = append(out, fmt.Sprintf("img-zz%06d", i))
	}
	return out
}

func TestDescribeImagesByIDBatchesAndCaches(t *testing.T) {
	srv := tcsim.StartForTest(t)
	lister, _ := newTestClient(t, srv, nil)
	catalog, err := lister.ListImages(ctxT(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 99, 100, 101, 250, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			c, _ := newTestClient(t, srv, nil) // fresh cache, as in a new plan
			ids := fakeIDs(catalog, n)
			srv.ResetStats()
			got, err := c.DescribeImagesByID(ctxT(t), ids)
			if err != nil {
				t.Fatal(err)
			}
			wantFound := min(n, len(catalog))
			if len(got) != wantFound {
				t.Fatalf("found %d images, want %d", len(got), wantFound)
			}
			maxCalls := int64((n + 99) / 100)
			if calls := srv.Stats().Actions["DescribeImages"]; calls > maxCalls {
				t.Fatalf("%d ids took %d DescribeImages calls, want ≤ %d", n, calls, maxCalls)
			}
			// The same plan asks again (and for a subset, with duplicates): no further calls.
			srv.ResetStats()
			again, err := c.DescribeImagesByID(ctxT(t), append(ids[:n/2], ids...))
			if err != nil || len(again) != wantFound {
				t.Fatalf("second lookup: %d images, err %v", len(again), err)
			}
			if calls := srv.Stats().Actions["DescribeImages"]; calls != 0 {
				t.Fatalf("cached lookup made %d calls, want 0", calls)
			}
		})
	}
}

func TestDescribeImagesByIDConcurrentCallersShareRequests(t *testing.T) {
	srv := tcsim.StartForTest(t)
	c, _ := newTestClient(t, srv, nil)
	catalog, err := c.ListImages(ctxT(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.images = newImageCache()
	ids := fakeIDs(catalog, 100)
	srv.ResetStats()
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			_, err := c.DescribeImagesByID(ctxT(t), ids)
			errs <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if calls := srv.Stats().Actions["DescribeImages"]; calls != 1 {
		t.Fatalf("8 concurrent lookups of the same 100 ids made %d calls, want 1", calls)
	}
}

func TestDescribeImagesByIDRejectsMalformedID(t *testing.T) {
	srv := tcsim.StartForTest(t)
	c, _ := newTestClient(t, srv, nil)
	_, err := c.DescribeImagesByID(ctxT(t), []string{"img-9qrfy1xt", "ubuntu-22.04"})
	if err == nil || !strings.Contains(err.Error(), `"ubuntu-22.04" is malformed`) {
		t.Fatalf("err = %v, want a malformed-id error naming the id", err)
	}
	if srv.Stats().Total != 0 {
		t.Fatal("a malformed id should be refused before any call")
	}
}

func TestRetriesSucceedUnderInjectedFaults(t *testing.T) {
	faults, err := tcsim.ParseFaultSpec("seed=42,*:throttle=0.3,*:502=0.05,*:504=0.05,*:internal=0.05,DescribeImages:reset=0.05")
	if err != nil {
		t.Fatal(err)
	}
	srv := tcsim.StartForTest(t, tcsim.WithFaults(faults))
	c, logs := newTestClient(t, srv, func(cfg *Config) { cfg.MaxRetries = 15 })
	ctx := ctxT(t)
	for i := 0; i < 5; i++ {
		imgs, err := c.ListImages(ctx, nil)
		if err != nil {
			t.Fatalf("ListImages under faults: %v", err)
		}
		if len(imgs) <= 100 {
			t.Fatalf("ListImages returned %d images", len(imgs))
		}
	}
	id, err := c.RunInstance(ctx, RunInstanceInput{Zone: "ap-guangzhou-3", ImageID: "img-9qrfy1xt", Name: "retry"})
	if err != nil {
		t.Fatalf("RunInstance under faults: %v", err)
	}
	if _, err := c.WaitInstanceState(ctx, id, "RUNNING", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := c.TerminateInstances(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitInstanceState(ctx, id, StateTerminated, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	st := srv.Stats()
	var faulted int64
	for _, n := range st.Faults {
		faulted += n
	}
	if faulted == 0 {
		t.Fatal("no faults were injected; the test proves nothing")
	}
	if res := srv.Resources("ap-guangzhou"); len(res.Instances) != 0 {
		t.Fatalf("retries left instances behind: %v (ClientToken idempotency broken?)", res.Instances)
	}
	log := logs.String()
	if !strings.Contains(log, "retrying tencent cloud call") || !strings.Contains(log, "request_id=") ||
		!strings.Contains(log, "code=RequestLimitExceeded") || !strings.Contains(log, "attempt=") {
		t.Fatalf("retries not logged with action, code, request id and attempt:\n%s", firstLines(log, 20))
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

func TestGivesUpWithClearErrorAtFullFaultRate(t *testing.T) {
	cases := []struct {
		spec     string
		wantCode string
	}{
		{"*:throttle=1", "RequestLimitExceeded"},
		{"*:internal=1", "InternalError"},
		{"*:502=1", "ClientError.ParseJsonError"},
		{"*:reset=1", "ClientError.NetworkError"},
	}
	for _, tc := range cases {
		t.Run(tc.spec, func(t *testing.T) {
			f, err := tcsim.ParseFaultSpec(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			srv := tcsim.StartForTest(t, tcsim.WithFaults(f))
			c, _ := newTestClient(t, srv, func(cfg *Config) { cfg.MaxRetries = 3 })
			_, err = c.ListImages(ctxT(t), nil)
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			if ae.Code != tc.wantCode || ae.Attempts != 4 || ae.Action != "DescribeImages" {
				t.Fatalf("got code %s after %d attempts for %s, want %s after 4", ae.Code, ae.Attempts, ae.Action, tc.wantCode)
			}
			if msg := err.Error(); !strings.Contains(msg, "DescribeImages in ap-guangzhou failed after 4 attempts") {
				t.Fatalf("error is not clear: %s", msg)
			}
			if got := srv.Stats().Actions["DescribeImages"]; got != 4 {
				t.Fatalf("server saw %d requests, want 4 (1 + MaxRetries)", got)
			}
		})
	}
}

func TestMutationsAreNotRetriedOnAmbiguousFailures(t *testing.T) {
	srv := tcsim.StartForTest(t, tcsim.WithFaults(tcsim.FaultConfig{Rules: []tcsim.FaultRule{{Action: "CreateVpc", Kind: tcsim.FaultInternal, Rate: 1}}}))
	c, _ := newTestClient(t, srv, nil)
	_, err := c.CreateVpc(ctxT(t), "v", "10.0.0.0/16", nil)
	if ErrorCode(err) != "InternalError" {
		t.Fatalf("err = %v", err)
	}
	if got := srv.Stats().Actions["CreateVpc"]; got != 1 {
		t.Fatalf("CreateVpc sent %d times; a non-idempotent create must not be retried on InternalError", got)
	}
}

func TestContextCancellationStopsRetries(t *testing.T) {
	srv := tcsim.StartForTest(t, tcsim.WithFaults(tcsim.FaultConfig{Rules: []tcsim.FaultRule{{Action: "*", Kind: tcsim.FaultThrottle, Rate: 1}}}))
	c, _ := newTestClient(t, srv, func(cfg *Config) {
		cfg.MaxRetries = 50
		cfg.RetryBaseDelay = 100 * time.Millisecond
		cfg.RetryMaxDelay = 200 * time.Millisecond
	})
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.ListImages(ctx, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if !strings.Contains(err.Error(), "RequestLimitExceeded") {
		t.Fatalf("error should name the last API error: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("returned after %s; cancellation must stop the retry loop promptly", d)
	}
	if n := srv.Stats().Actions["DescribeImages"]; n > 4 {
		t.Fatalf("%d requests within 150ms of backoff; retries continued after cancellation", n)
	}
}

func TestImageLifecycleAndWaiters(t *testing.T) {
	srv := tcsim.StartForTest(t)
	c, _ := newTestClient(t, srv, nil)
	ctx := ctxT(t)
	id, err := c.RunInstance(ctx, RunInstanceInput{Zone: "ap-guangzhou-3", ImageID: "img-9qrfy1xt", Name: "builder", Tags: map[string]string{"purpose": "test"}})
	if err != nil {
		t.Fatal(err)
	}
	in, err := c.WaitInstanceState(ctx, id, "RUNNING", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if in.Tags["purpose"] != "test" || in.OsName != "TencentOS Server 3.2 (Final)" || len(in.PrivateIPs) != 1 {
		t.Fatalf("instance = %+v", in)
	}
	imageID, err := c.CreateImage(ctx, CreateImageInput{InstanceID: id, Name: "hardened-tos-1", Tags: map[string]string{"hardened:profile": "cis-l1"}})
	if err != nil {
		t.Fatal(err)
	}
	im, err := c.WaitImageNormal(ctx, imageID, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if im.Type != "PRIVATE_IMAGE" || im.OsName != in.OsName || im.Tags["hardened:profile"] != "cis-l1" || im.CreatedTime == nil {
		t.Fatalf("image = %+v", im)
	}
	if err := c.StopInstances(ctx, "SOFT", id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitInstanceState(ctx, id, "STOPPED", 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := c.ResetInstance(ctx, ResetInstanceInput{InstanceID: id, ImageID: imageID}); err != nil {
		t.Fatal(err)
	}
	in, err = c.WaitInstanceOperation(ctx, id, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if in.ImageID != imageID || in.LatestOperation != "ResetInstance" {
		t.Fatalf("after reset: %+v", in)
	}
	if err := c.TerminateInstances(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitInstanceState(ctx, id, StateTerminated, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	// Terminating again is a no-op, as is deleting twice.
	if err := c.TerminateInstances(ctx, id); err != nil {
		t.Fatalf("second terminate: %v", err)
	}
	if err := c.DeleteImages(ctx, imageID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteImages(ctx, imageID); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := c.GetImage(ctx, imageID); err == nil {
		t.Fatal("deleted image still found")
	}
	res := srv.Resources("ap-guangzhou")
	if len(res.Instances)+len(res.PrivateImages) != 0 {
		t.Fatalf("orphans: %+v", res)
	}
}

func TestWaiterTimeoutNamesResourceAndLastState(t *testing.T) {
	srv := tcsim.StartForTest(t, tcsim.WithDelays(tcsim.UniformDelays(time.Minute)))
	c, _ := newTestClient(t, srv, nil)
	ctx := ctxT(t)
	id, err := c.RunInstance(ctx, RunInstanceInput{Zone: "ap-guangzhou-3", ImageID: "img-9qrfy1xt"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.WaitInstanceState(ctx, id, "RUNNING", 400*time.Millisecond)
	var wt *WaitTimeoutError
	if !errors.As(err, &wt) {
		t.Fatalf("err = %v, want *WaitTimeoutError", err)
	}
	for _, want := range []string{id, "RUNNING", "PENDING", "RunInstances OPERATING", "400ms"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("timeout error %q does not mention %q", err, want)
		}
	}
	_, err = c.WaitImageNormal(ctx, "img-zz000001", 300*time.Millisecond)
	if !errors.As(err, &wt) || wt.Last != "not found" {
		t.Fatalf("image wait: %v", err)
	}
}
