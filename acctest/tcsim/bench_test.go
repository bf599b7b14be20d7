package tcsim

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// BenchmarkDescribeImages measures the requests per second tcsim serves to unmodified SDK
// clients on loopback (signature verification, routing, a 20-image page, JSON envelope).
func BenchmarkDescribeImages(b *testing.B) {
	srv := StartForTest(b)
	cred := common.NewCredential(srv.SecretID, srv.SecretKey)
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c, err := cvm.NewClient(cred, "ap-guangzhou", sdkProfile(srv))
		if err != nil {
			b.Error(err)
			return
		}
		req := cvm.NewDescribeImagesRequest()
		for pb.Next() {
			if _, err := c.DescribeImages(req); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkRunDescribeTerminate measures a mutating mix: RunInstances, DescribeInstances,
// TerminateInstances (three requests per iteration).
func BenchmarkRunDescribeTerminate(b *testing.B) {
	srv := StartForTest(b)
	c, err := cvm.NewClient(common.NewCredential(srv.SecretID, srv.SecretKey), "ap-guangzhou", sdkProfile(srv))
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run := cvm.NewRunInstancesRequest()
		run.Placement = &cvm.Placement{Zone: common.StringPtr("ap-guangzhou-3")}
		run.ImageId = common.StringPtr("img-9qrfy1xt")
		out, err := c.RunInstances(run)
		if err != nil {
			b.Fatal(err)
		}
		d := cvm.NewDescribeInstancesRequest()
		d.InstanceIds = out.Response.InstanceIdSet
		for {
			resp, err := c.DescribeInstances(d)
			if err != nil {
				b.Fatal(err)
			}
			if *resp.Response.InstanceSet[0].InstanceState == "RUNNING" {
				break
			}
		}
		term := cvm.NewTerminateInstancesRequest()
		term.InstanceIds = out.Response.InstanceIdSet
		if _, err := c.TerminateInstances(term); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(srv.Stats().Total)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkServerOnly measures tcsim alone: pre-signed raw DescribeImages requests (a signature
// stays valid for 5 minutes), answers discarded unparsed, so SDK-side JSON decoding is excluded.
func BenchmarkServerOnly(b *testing.B) {
	srv := StartForTest(b)
	proto := signRaw(b, srv, `{"Limit":20}`, "content-type;host", time.Now(), "")
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := proto.Clone(context.Background())
			req.Body = io.NopCloser(strings.NewReader(`{"Limit":20}`))
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
	if st := srv.Stats(); st.Errors["AuthFailure.SignatureFailure"] > 0 {
		b.Fatalf("requests were refused: %v", st.Errors)
	}
}
