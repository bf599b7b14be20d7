package tcsim

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	vpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// TestSDKThroughHTTPProxy is how the official Terraform provider reaches tcsim: it has no
// endpoint override for every service, so it keeps the real hosts (cvm.tencentcloudapi.com, …)
// with protocol = "HTTP" and HTTP_PROXY pointing at tcsim, which then gets absolute-URI requests
// and must answer them as the host they name (the signature covers that Host).
func TestSDKThroughHTTPProxy(t *testing.T) {
	srv := StartForTest(t)
	proxy, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	cred := common.NewCredential(srv.SecretID, srv.SecretKey)
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Scheme = "HTTP" // endpoint left at the SDK's default <service>.tencentcloudapi.com
	via := &http.Transport{Proxy: http.ProxyURL(proxy)}

	cc, err := cvm.NewClient(cred, "ap-guangzhou", cpf)
	if err != nil {
		t.Fatal(err)
	}
	cc.WithHttpTransport(via)
	zones, err := cc.DescribeZones(cvm.NewDescribeZonesRequest())
	if err != nil {
		t.Fatalf("DescribeZones via proxy: %v", err)
	}
	if *zones.Response.TotalCount == 0 {
		t.Fatal("DescribeZones via proxy: no zones")
	}

	vc, err := vpc.NewClient(cred, "ap-guangzhou", cpf)
	if err != nil {
		t.Fatal(err)
	}
	vc.WithHttpTransport(via)
	req := vpc.NewCreateVpcRequest()
	req.VpcName, req.CidrBlock = common.StringPtr("proxied"), common.StringPtr("10.0.0.0/16")
	if _, err := vc.CreateVpc(req); err != nil {
		t.Fatalf("CreateVpc via proxy: %v", err)
	}
	if got := srv.Stats().Actions; got["DescribeZones"] != 1 || got["CreateVpc"] != 1 {
		t.Errorf("stats = %v, want one DescribeZones and one CreateVpc", got)
	}
}
