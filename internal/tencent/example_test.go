package tencent_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// Example shows the client wired to tcsim the way the provider and the Packer plugin wire it
// to a private endpoint: endpoint per service plus scheme.
func Example() {
	ctx := context.Background()
	srv, err := tcsim.Start(ctx, tcsim.Options{Credentials: map[string]string{"AKIDexample": "example-key"}})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	c, err := tencent.New(ctx, tencent.Config{
		Region:    "ap-guangzhou",
		SecretID:  "AKIDexample",
		SecretKey: "example-key",
		Endpoints: map[string]string{tencent.ServiceCVM: srv.Endpoint(), tencent.ServiceVPC: srv.Endpoint()},
		Scheme:    "http",
	})
	if err != nil {
		panic(err)
	}
	imgs, err := c.DescribeImagesByID(ctx, []string{"img-9qrfy1xt", "img-j5e5hadz"})
	if err != nil {
		panic(err)
	}
	fmt.Println(imgs["img-9qrfy1xt"].OsName)
	fmt.Println(imgs["img-j5e5hadz"].OsName, imgs["img-j5e5hadz"].CreatedTime == nil)

	id, err := c.RunInstance(ctx, tencent.RunInstanceInput{Zone: "ap-guangzhou-3", ImageID: "img-j5e5hadz", Name: "demo"})
	if err != nil {
		panic(err)
	}
	in, err := c.WaitInstanceState(ctx, id, "RUNNING", time.Minute)
	if err != nil {
		panic(err)
	}
	fmt.Println(in.State, in.LatestOperation, in.LatestOperationState)
	// Output:
	// TencentOS Server 3.2 (Final)
	// OpenCloudOS Server 9 true
	// RUNNING RunInstances SUCCESS
}

// BenchmarkImageLookupPerPlan reports how many DescribeImages calls one plan makes for n image
// ids (first lookup, then every repeated lookup of the same ids in the same plan).
func BenchmarkImageLookupPerPlan(b *testing.B) {
	srv := tcsim.StartForTest(b)
	cfg := tencent.Config{
		Region: "ap-guangzhou", SecretID: srv.SecretID, SecretKey: srv.SecretKey, Scheme: "http",
		Endpoints: map[string]string{tencent.ServiceCVM: srv.Endpoint(), tencent.ServiceVPC: srv.Endpoint()},
	}
	for _, n := range []int{10, 100, 250, 1000} {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("img-zz%06d", i)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			srv.ResetStats()
			for i := 0; i < b.N; i++ {
				c, err := tencent.New(context.Background(), cfg) // one plan = one client
				if err != nil {
					b.Fatal(err)
				}
				for repeat := 0; repeat < 5; repeat++ {
					if _, err := c.DescribeImagesByID(context.Background(), ids); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(srv.Stats().Actions["DescribeImages"])/float64(b.N), "calls/plan")
		})
	}
}
