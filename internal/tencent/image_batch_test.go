package tencent

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

// TestConcurrentDistinctLookupsShareOneCall: lookups of different ids that
// arrive together (Terraform planning resources in parallel) are answered by
// one DescribeImages per 100 distinct ids, also when the API throttles and
// fails some calls; every caller gets its own image, and absent ids are
// reported absent.
func TestConcurrentDistinctLookupsShareOneCall(t *testing.T) {
	for _, tc := range []struct {
		name      string
		faults    string
		callers   int
		wantCalls int64 // exact without faults; with faults, the successful calls
	}{
		{name: "20 ids", callers: 20, wantCalls: 1},
		{name: "100 ids", callers: 100, wantCalls: 1},
		{name: "150 ids", callers: 150, wantCalls: 2},
		{name: "20 ids under faults", faults: "seed=3,DescribeImages:throttle=0.5,DescribeImages:502=0.3", callers: 20, wantCalls: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts []tcsim.Option
			if tc.faults != "" {
				f, err := tcsim.ParseFaultSpec(tc.faults)
				if err != nil {
					t.Fatal(err)
				}
				opts = append(opts, tcsim.WithFaults(f))
			}
			srv := tcsim.StartForTest(t, opts...)
			lister, _ := newTestClient(t, srv, func(c *Config) { c.MaxRetries = 10 })
			catalog, err := lister.ListImages(ctxT(t), nil)
			if err != nil {
				t.Fatal(err)
			}
			real := min(len(catalog), tc.callers-5) // ids past real do not exist
			ids := fakeIDs(catalog[:real], tc.callers)
			// A wide window: on a loaded test machine 150 goroutines may take longer than the
			// default 20ms to start; the window's job (joining concurrent lookups) is the same.
			c, _ := newTestClient(t, srv, func(c *Config) { c.MaxRetries = 10; c.ImageBatchWindow = 300 * time.Millisecond })
			srv.ResetStats()
			start := make(chan struct{})
			var wg sync.WaitGroup
			errs := make([]error, len(ids))
			for i, id := range ids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					im, err := c.GetImage(ctxT(t), id)
					switch {
					case i < real && (err != nil || im.ID != id):
						errs[i] = fmt.Errorf("GetImage(%s) = %s, %v", id, im.ID, err)
					case i >= real && err == nil:
						errs[i] = fmt.Errorf("GetImage(%s) of an absent id found %s", id, im.ID)
					}
				}()
			}
			close(start)
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			st := srv.Stats()
			var faults int64
			for _, n := range st.Faults {
				faults += n
			}
			if ok := st.Actions["DescribeImages"] - faults; ok != tc.wantCalls {
				t.Fatalf("%d concurrent lookups: %d DescribeImages answered (%d calls, %d faults), want %d",
					len(ids), ok, st.Actions["DescribeImages"], faults, tc.wantCalls)
			}
			if tc.faults != "" && faults == 0 {
				t.Fatal("no faults were injected; the case proves nothing")
			}
		})
	}
}
