package tcsim

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	vpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// sdkProfile is the only change an unmodified SDK client needs to talk to tcsim.
func sdkProfile(srv *TestServer) *profile.ClientProfile {
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = srv.Endpoint()
	cpf.HttpProfile.Scheme = "HTTP"
	return cpf
}

func cvmClient(t *testing.T, srv *TestServer, cred common.CredentialIface, region string) *cvm.Client {
	t.Helper()
	c, err := cvm.NewClient(cred, region, sdkProfile(srv))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sdkCode(err error) string {
	var e *tcerr.TencentCloudSDKError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func TestSDKDescribeImagesUnmodifiedClient(t *testing.T) {
	srv := StartForTest(t)
	c := cvmClient(t, srv, common.NewCredential(srv.SecretID, srv.SecretKey), "ap-guangzhou")
	req := cvm.NewDescribeImagesRequest()
	req.Limit = common.Uint64Ptr(100)
	resp, err := c.DescribeImages(req)
	if err != nil {
		t.Fatalf("DescribeImages: %v", err)
	}
	if got := *resp.Response.TotalCount; got <= 100 {
		t.Fatalf("TotalCount = %d, want > 100 so pagination is exercised", got)
	}
	if len(resp.Response.ImageSet) != 100 {
		t.Fatalf("page size = %d, want 100", len(resp.Response.ImageSet))
	}
	if resp.Response.RequestId == nil || *resp.Response.RequestId == "" {
		t.Fatal("no RequestId")
	}
	for _, im := range resp.Response.ImageSet {
		if *im.ImageType == "PUBLIC_IMAGE" && im.CreatedTime != nil {
			t.Fatalf("public image %s has CreatedTime %q, want null", *im.ImageId, *im.CreatedTime)
		}
	}
	resp2, err := c.DescribeImages(req)
	if err != nil {
		t.Fatal(err)
	}
	if *resp2.Response.RequestId == *resp.Response.RequestId {
		t.Fatal("RequestId reused")
	}
}

func TestSDKCredentialFaults(t *testing.T) {
	var skew atomic.Int64
	srv := StartForTest(t, WithOptions(func(o *Options) {
		o.Clock = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	}))
	tmp := srv.creds.issue(time.Now(), time.Hour, "test")
	cases := []struct {
		name string
		cred common.CredentialIface
		skew time.Duration
		want string
	}{
		{"valid", common.NewCredential(srv.SecretID, srv.SecretKey), 0, ""},
		{"wrong key", common.NewCredential(srv.SecretID, srv.SecretKey+"x"), 0, "AuthFailure.SignatureFailure"},
		{"unknown id", common.NewCredential("AKIDunknown", srv.SecretKey), 0, "AuthFailure.SecretIdNotFound"},
		{"stale timestamp", common.NewCredential(srv.SecretID, srv.SecretKey), 6 * time.Minute, "AuthFailure.SignatureExpire"},
		{"future timestamp", common.NewCredential(srv.SecretID, srv.SecretKey), -6 * time.Minute, "AuthFailure.SignatureExpire"},
		{"temporary ok", common.NewTokenCredential(tmp.SecretID, tmp.SecretKey, tmp.Token), 0, ""},
		{"bad token", common.NewTokenCredential(tmp.SecretID, tmp.SecretKey, "forged"), 0, "AuthFailure.TokenFailure"},
		{"missing token", common.NewCredential(tmp.SecretID, tmp.SecretKey), 0, "AuthFailure.TokenFailure"},
		{"token on permanent key", common.NewTokenCredential(srv.SecretID, srv.SecretKey, "x"), 0, "AuthFailure.TokenFailure"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			skew.Store(int64(tc.skew))
			defer skew.Store(0)
			// Both SDK clients, unmodified, with only endpoint and scheme changed.
			_, errC := cvmClient(t, srv, tc.cred, "ap-guangzhou").DescribeInstances(cvm.NewDescribeInstancesRequest())
			vc, err := vpc.NewClient(tc.cred, "ap-guangzhou", sdkProfile(srv))
			if err != nil {
				t.Fatal(err)
			}
			_, errV := vc.DescribeVpcs(vpc.NewDescribeVpcsRequest())
			for svc, err := range map[string]error{"cvm": errC, "vpc": errV} {
				if got := sdkCode(err); got != tc.want || (tc.want == "" && err != nil) {
					t.Errorf("%s: code = %q (err %v), want %q", svc, got, err, tc.want)
				}
			}
		})
	}
}

func TestSDKExpiredTemporaryCredential(t *testing.T) {
	srv := StartForTest(t)
	tmp := srv.creds.issue(time.Now().Add(-2*time.Hour), time.Hour, "test")
	_, err := cvmClient(t, srv, common.NewTokenCredential(tmp.SecretID, tmp.SecretKey, tmp.Token), "ap-guangzhou").
		DescribeImages(cvm.NewDescribeImagesRequest())
	if got := sdkCode(err); got != "AuthFailure.TokenFailure" {
		t.Fatalf("code = %q (%v), want AuthFailure.TokenFailure", got, err)
	}
}

// signRaw signs a request by hand so tests can vary what the SDK never varies: extra signed
// headers, a tampered body, a mismatched scope date.
func signRaw(t testing.TB, srv *TestServer, body, signedHeaders string, ts time.Time, tamper string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/", strings.NewReader(body+tamper))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("X-TC-Action", "DescribeImages")
	req.Header.Set("X-TC-Version", "2017-03-12")
	req.Header.Set("X-TC-Region", "ap-guangzhou")
	req.Header.Set("X-TC-Timestamp", fmt.Sprint(ts.Unix()))
	var canon strings.Builder
	for _, h := range strings.Split(signedHeaders, ";") {
		v := req.Header.Get(h)
		if h == "host" {
			v = srv.Endpoint()
		}
		canon.WriteString(h + ":" + strings.ToLower(v) + "\n")
	}
	date := ts.UTC().Format("2006-01-02")
	creq := "POST\n/\n\n" + canon.String() + "\n" + signedHeaders + "\n" + sha256Hex([]byte(body))
	sts := "TC3-HMAC-SHA256\n" + fmt.Sprint(ts.Unix()) + "\n" + date + "/cvm/tc3_request\n" + sha256Hex([]byte(creq))
	sig := hex.EncodeToString(tc3Sign(srv.SecretKey, date, "cvm", sts))
	req.Header.Set("Authorization", "TC3-HMAC-SHA256 Credential="+srv.SecretID+"/"+date+"/cvm/tc3_request, SignedHeaders="+signedHeaders+", Signature="+sig)
	return req
}

func TestSignatureVerificationDetails(t *testing.T) {
	srv := StartForTest(t)
	body := `{"Limit":1}`
	cases := []struct {
		name, signed, tamper, want string
	}{
		{"minimal", "content-type;host", "", ""},
		{"extra signed headers", "content-type;host;x-tc-action;x-tc-region", "", ""},
		{"tampered body", "content-type;host", " ", "AuthFailure.SignatureFailure"},
		{"host not signed", "content-type;x-tc-action", "", "AuthFailure.SignatureFailure"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.DefaultClient.Do(signRaw(t, srv, body, tc.signed, time.Now(), tc.tamper))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("HTTP %d; API errors must be HTTP 200", resp.StatusCode)
			}
			var env errorEnvelope
			if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
				t.Fatal(err)
			}
			if env.Response.Error.Code != tc.want || env.Response.RequestId == "" {
				t.Fatalf("code %q (request id %q), want %q", env.Response.Error.Code, env.Response.RequestId, tc.want)
			}
		})
	}
}

// TestSDKWithGETRequests covers HttpProfile.ReqMethod = "GET": parameters travel flattened in
// the signed query string (Filters.0.Values.1=...).
func TestSDKWithGETRequests(t *testing.T) {
	srv := StartForTest(t)
	cpf := sdkProfile(srv)
	cpf.HttpProfile.ReqMethod = "GET"
	c, err := cvm.NewClient(common.NewCredential(srv.SecretID, srv.SecretKey), "ap-guangzhou", cpf)
	if err != nil {
		t.Fatal(err)
	}
	req := cvm.NewDescribeImagesRequest()
	req.Filters = []*cvm.Filter{{Name: common.StringPtr("platform"), Values: common.StringPtrs([]string{"Ubuntu", "Debian"})}}
	req.Limit = common.Uint64Ptr(100)
	resp, err := c.DescribeImages(req)
	if err != nil {
		t.Fatal(err)
	}
	for _, im := range resp.Response.ImageSet {
		if p := *im.Platform; p != "Ubuntu" && p != "Debian" {
			t.Fatalf("filter ignored: %s", p)
		}
	}
	if len(resp.Response.ImageSet) < 20 {
		t.Fatalf("only %d Ubuntu/Debian images", len(resp.Response.ImageSet))
	}
	run := cvm.NewRunInstancesRequest()
	run.Placement = &cvm.Placement{Zone: common.StringPtr("ap-guangzhou-3")}
	run.ImageId = common.StringPtr("img-9qrfy1xt")
	run.TagSpecification = []*cvm.TagSpecification{{ResourceType: common.StringPtr("instance"), Tags: []*cvm.Tag{{Key: common.StringPtr("k"), Value: common.StringPtr("v")}}}}
	out, err := c.RunInstances(run)
	if err != nil {
		t.Fatal(err)
	}
	d := cvm.NewDescribeInstancesRequest()
	d.Filters = []*cvm.Filter{{Name: common.StringPtr("tag:k"), Values: common.StringPtrs([]string{"v"})}}
	got, err := c.DescribeInstances(d)
	if err != nil || *got.Response.TotalCount != 1 || *got.Response.InstanceSet[0].InstanceId != *out.Response.InstanceIdSet[0] {
		t.Fatalf("GET round trip: %v", err)
	}
	bad := cvm.NewDescribeImagesRequest()
	bad.Limit = common.Uint64Ptr(500)
	if _, err := c.DescribeImages(bad); sdkCode(err) != "InvalidParameterValue.LimitExceeded" {
		t.Fatalf("GET validation: %v", err)
	}
}
