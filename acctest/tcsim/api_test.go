package tcsim

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
)

// call sends one action through the SDK's generic CommonClient and returns the Response
// object or the error code.
func call(t *testing.T, srv *TestServer, region, service, action string, params map[string]any) (map[string]any, string) {
	t.Helper()
	version := srv.versions[service]
	c := common.NewCommonClient(common.NewCredential(srv.SecretID, srv.SecretKey), region, sdkProfile(srv))
	req := tchttp.NewCommonRequest(service, version, action)
	if params == nil {
		params = map[string]any{}
	}
	if err := req.SetActionParameters(params); err != nil {
		t.Fatal(err)
	}
	resp := tchttp.NewCommonResponse()
	if err := c.Send(req, resp); err != nil {
		if code := sdkCode(err); code != "" {
			return nil, code
		}
		t.Fatalf("%s: %v", action, err)
	}
	var out struct {
		Response map[string]any `json:"Response"`
	}
	if err := json.Unmarshal(resp.GetBody(), &out); err != nil {
		t.Fatal(err)
	}
	return out.Response, ""
}

func mustCall(t *testing.T, srv *TestServer, service, action string, params map[string]any) map[string]any {
	t.Helper()
	out, code := call(t, srv, "ap-guangzhou", service, action, params)
	if code != "" {
		t.Fatalf("%s: unexpected error %s", action, code)
	}
	return out
}

func TestParameterValidationLikeTheRealAPI(t *testing.T) {
	srv := StartForTest(t)
	vpcOut := mustCall(t, srv, "vpc", "CreateVpc", map[string]any{"VpcName": "v", "CidrBlock": "10.1.0.0/16"})
	vpcID := vpcOut["Vpc"].(map[string]any)["VpcId"].(string)
	cases := []struct {
		name    string
		service string
		action  string
		params  map[string]any
		want    string
	}{
		{"ids with filters", "cvm", "DescribeImages", map[string]any{"ImageIds": []string{"img-9qrfy1xt"}, "Filters": []map[string]any{{"Name": "platform", "Values": []string{"Ubuntu"}}}}, "InvalidParameter.InvalidParameterCoexistImageIdsFilters"},
		{"limit over 100", "cvm", "DescribeImages", map[string]any{"Limit": 101}, "InvalidParameterValue.LimitExceeded"},
		{"unknown filter", "cvm", "DescribeImages", map[string]any{"Filters": []map[string]any{{"Name": "os-name", "Values": []string{"x"}}}}, "InvalidFilter"},
		{"malformed image id", "cvm", "DescribeImages", map[string]any{"ImageIds": []string{"ubuntu"}}, "InvalidImageId.Malformed"},
		{"bad image-type", "cvm", "DescribeImages", map[string]any{"Filters": []map[string]any{{"Name": "image-type", "Values": []string{"OWN"}}}}, "InvalidParameterValue"},
		{"unknown parameter", "cvm", "DescribeImages", map[string]any{"Foo": 1}, "UnknownParameter"},
		{"wrong type", "cvm", "DescribeImages", map[string]any{"Limit": "ten"}, "InvalidParameter"},
		{"unknown action", "cvm", "DescribeMagic", nil, "InvalidAction"},
		{"run without zone", "cvm", "RunInstances", map[string]any{"ImageId": "img-9qrfy1xt"}, "MissingParameter"},
		{"run without image", "cvm", "RunInstances", map[string]any{"Placement": map[string]any{"Zone": "ap-guangzhou-3"}}, "MissingParameter"},
		{"run zone of other region", "cvm", "RunInstances", map[string]any{"Placement": map[string]any{"Zone": "ap-shanghai-2"}, "ImageId": "img-9qrfy1xt"}, "InvalidZone.MismatchRegion"},
		{"run unknown image", "cvm", "RunInstances", map[string]any{"Placement": map[string]any{"Zone": "ap-guangzhou-3"}, "ImageId": "img-00000000"}, "InvalidImageId.NotFound"},
		{"run weak password", "cvm", "RunInstances", map[string]any{"Placement": map[string]any{"Zone": "ap-guangzhou-3"}, "ImageId": "img-9qrfy1xt", "LoginSettings": map[string]any{"Password": "abc"}}, "InvalidPassword"},
		{"run dry run", "cvm", "RunInstances", map[string]any{"Placement": map[string]any{"Zone": "ap-guangzhou-3"}, "ImageId": "img-9qrfy1xt", "DryRun": true}, "DryRunOperation"},
		{"run unknown key", "cvm", "RunInstances", map[string]any{"Placement": map[string]any{"Zone": "ap-guangzhou-3"}, "ImageId": "img-9qrfy1xt", "LoginSettings": map[string]any{"KeyIds": []string{"skey-00000000"}}}, "InvalidKeyPairId.NotFound"},
		{"terminate unknown", "cvm", "TerminateInstances", map[string]any{"InstanceIds": []string{"ins-00000000"}}, "InvalidInstanceId.NotFound"},
		{"delete public image", "cvm", "DeleteImages", map[string]any{"ImageIds": []string{"img-9qrfy1xt"}}, "UnauthorizedOperation.ImageNotBelongToAccount"},
		{"key name illegal", "cvm", "CreateKeyPair", map[string]any{"KeyName": "my key", "ProjectId": 0}, "InvalidKeyPairNameIncludeIllegalChar"},
		{"import bad key", "cvm", "ImportKeyPair", map[string]any{"KeyName": "k", "ProjectId": 0, "PublicKey": "ssh-rsa nope"}, "InvalidPublicKey.Malformed"},
		{"vpc public cidr", "vpc", "CreateVpc", map[string]any{"VpcName": "v", "CidrBlock": "8.8.0.0/16"}, "InvalidParameterValue.Range"},
		{"subnet outside vpc", "vpc", "CreateSubnet", map[string]any{"VpcId": vpcID, "SubnetName": "s", "CidrBlock": "10.2.0.0/24", "Zone": "ap-guangzhou-3"}, "InvalidParameterValue.SubnetRange"},
		{"sg without description", "vpc", "CreateSecurityGroup", map[string]any{"GroupName": "g"}, "MissingParameter"},
		{"sts bad arn", "sts", "AssumeRole", map[string]any{"RoleArn": "x", "RoleSessionName": "s1"}, "InvalidParameter.RoleArnNotValid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, code := call(t, srv, "ap-guangzhou", tc.service, tc.action, tc.params)
			if code != tc.want {
				t.Fatalf("code = %q, want %q", code, tc.want)
			}
		})
	}
	if _, code := call(t, srv, "xx-nowhere", "cvm", "DescribeImages", nil); code != "UnsupportedRegion" {
		t.Fatalf("unknown region: %q", code)
	}
}

func waitState(t *testing.T, srv *TestServer, id, want string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		out := mustCall(t, srv, "cvm", "DescribeInstances", map[string]any{"InstanceIds": []string{id}})
		set := out["InstanceSet"].([]any)
		if len(set) == 0 {
			if want == "" {
				return nil
			}
		} else if in := set[0].(map[string]any); in["InstanceState"] == want && in["LatestOperationState"] != "OPERATING" {
			return in
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("instance %s never reached %q", id, want)
	return nil
}

func TestResourceInUseAndIdempotency(t *testing.T) {
	srv := StartForTest(t)
	v := mustCall(t, srv, "vpc", "CreateVpc", map[string]any{"VpcName": "v", "CidrBlock": "10.0.0.0/16"})["Vpc"].(map[string]any)["VpcId"].(string)
	sn := mustCall(t, srv, "vpc", "CreateSubnet", map[string]any{"VpcId": v, "SubnetName": "s", "CidrBlock": "10.0.1.0/24", "Zone": "ap-guangzhou-3"})["Subnet"].(map[string]any)["SubnetId"].(string)
	if _, code := call(t, srv, "ap-guangzhou", "vpc", "CreateSubnet", map[string]any{"VpcId": v, "SubnetName": "s2", "CidrBlock": "10.0.1.128/25", "Zone": "ap-guangzhou-3"}); code != "InvalidParameterValue.SubnetConflict" {
		t.Fatalf("overlapping subnet: %q", code)
	}
	sg := mustCall(t, srv, "vpc", "CreateSecurityGroup", map[string]any{"GroupName": "g", "GroupDescription": "d"})["SecurityGroup"].(map[string]any)["SecurityGroupId"].(string)
	mustCall(t, srv, "vpc", "CreateSecurityGroupPolicies", map[string]any{"SecurityGroupId": sg, "SecurityGroupPolicySet": map[string]any{
		"Ingress": []map[string]any{{"Protocol": "TCP", "Port": "22", "CidrBlock": "198.18.0.0/15", "Action": "ACCEPT"}}}})
	pol := mustCall(t, srv, "vpc", "DescribeSecurityGroupPolicies", map[string]any{"SecurityGroupId": sg})
	if ing := pol["SecurityGroupPolicySet"].(map[string]any)["Ingress"].([]any); len(ing) != 1 {
		t.Fatalf("ingress = %v", ing)
	}
	key := mustCall(t, srv, "cvm", "CreateKeyPair", map[string]any{"KeyName": "builder", "ProjectId": 0})["KeyPair"].(map[string]any)
	if !strings.Contains(key["PrivateKey"].(string), "OPENSSH PRIVATE KEY") {
		t.Fatal("CreateKeyPair returned no private key")
	}
	keyID := key["KeyId"].(string)

	run := map[string]any{
		"Placement": map[string]any{"Zone": "ap-guangzhou-3"}, "ImageId": "img-9qrfy1xt",
		"VirtualPrivateCloud": map[string]any{"VpcId": v, "SubnetId": sn}, "SecurityGroupIds": []string{sg},
		"LoginSettings": map[string]any{"KeyIds": []string{keyID}}, "ClientToken": "token-1",
		"TagSpecification": []map[string]any{{"ResourceType": "instance", "Tags": []map[string]any{{"Key": "k", "Value": "v"}}}},
	}
	first := mustCall(t, srv, "cvm", "RunInstances", run)["InstanceIdSet"].([]any)
	second := mustCall(t, srv, "cvm", "RunInstances", run)["InstanceIdSet"].([]any)
	if len(first) != 1 || first[0] != second[0] {
		t.Fatalf("ClientToken replay created a new instance: %v vs %v", first, second)
	}
	id := first[0].(string)
	in := waitState(t, srv, id, "RUNNING")
	if ips := in["PrivateIpAddresses"].([]any); len(ips) != 1 || !strings.HasPrefix(ips[0].(string), "10.0.1.") {
		t.Fatalf("private ip %v not from the subnet", ips)
	}
	if n := len(srv.Resources("ap-guangzhou").Instances); n != 1 {
		t.Fatalf("%d instances, want 1", n)
	}

	inUse := []struct {
		service, action string
		params          map[string]any
	}{
		{"vpc", "DeleteVpc", map[string]any{"VpcId": v}},
		{"vpc", "DeleteSubnet", map[string]any{"SubnetId": sn}},
		{"vpc", "DeleteSecurityGroup", map[string]any{"SecurityGroupId": sg}},
		{"cvm", "DeleteKeyPairs", map[string]any{"KeyIds": []string{keyID}}},
	}
	for _, c := range inUse {
		if _, code := call(t, srv, "ap-guangzhou", c.service, c.action, c.params); code != "ResourceInUse" {
			t.Errorf("%s while in use: %q, want ResourceInUse", c.action, code)
		}
	}
	// An instance with an operation in progress refuses another one.
	mustCall(t, srv, "cvm", "StopInstances", map[string]any{"InstanceIds": []string{id}})
	waitState(t, srv, id, "STOPPED")
	if _, code := call(t, srv, "ap-guangzhou", "cvm", "StopInstances", map[string]any{"InstanceIds": []string{id}}); code != "UnsupportedOperation.InstanceStateStopped" {
		t.Fatalf("stop stopped: %q", code)
	}
	mustCall(t, srv, "cvm", "TerminateInstances", map[string]any{"InstanceIds": []string{id}})
	waitState(t, srv, id, "")
	for _, c := range []struct {
		service, action string
		params          map[string]any
	}{inUse[3], inUse[2], inUse[1], inUse[0]} {
		mustCall(t, srv, c.service, c.action, c.params)
	}
	res := srv.Resources("ap-guangzhou")
	if len(res.Instances)+len(res.KeyPairs)+len(res.Vpcs)+len(res.Subnets)+len(res.SecurityGroups) != 0 {
		t.Fatalf("left behind: %+v", res)
	}
}

func TestRegionsAreSeparate(t *testing.T) {
	srv := StartForTest(t)
	mustCall(t, srv, "vpc", "CreateVpc", map[string]any{"VpcName": "gz", "CidrBlock": "10.0.0.0/16"})
	out, code := call(t, srv, "ap-shanghai", "vpc", "DescribeVpcs", nil)
	if code != "" || out["TotalCount"].(float64) != 0 {
		t.Fatalf("ap-shanghai sees %v (%s)", out["TotalCount"], code)
	}
	imgs, _ := call(t, srv, "ap-shanghai", "cvm", "DescribeImages", map[string]any{"ImageIds": []string{"img-9qrfy1xt"}})
	if imgs["TotalCount"].(float64) != 1 {
		t.Fatal("public catalog missing in ap-shanghai")
	}
}

func TestCatalogIsRealistic(t *testing.T) {
	cat := builtinCatalog()
	ids := map[string]string{}
	names := map[string]bool{}
	for _, s := range cat {
		im := imageFromSeed(s)
		if prev, dup := ids[im.ImageID]; dup {
			t.Fatalf("id %s used by %q and %q", im.ImageID, prev, s.OsName)
		}
		ids[im.ImageID] = s.OsName
		names[s.OsName] = true
		if im.CreatedTime != nil {
			t.Errorf("public image %s has a CreatedTime", s.OsName)
		}
	}
	if len(cat) <= 100 {
		t.Fatalf("catalog has %d images, want > 100", len(cat))
	}
	for _, want := range []string{"CentOS 7.9 64位", "CentOS 8.2 64位", "Ubuntu Server 18.04.1 LTS 64位", "Debian 10.2 64位",
		"Ubuntu Server 22.04 LTS 64bit UEFI", "Ubuntu Server 24.04 LTS 64位", "Debian 12.4 64位", "Debian 13.1 64位",
		"Rocky Linux 9.3 64位", "TencentOS Server 3.2 (Final)", "TencentOS Server 4 for x86_64", "OpenCloudOS Server 9",
		"Windows Server 2019 数据中心版 64位中文版", "Windows Server 2022 数据中心版 64位英文版", "Ubuntu Server 22.04 LTS 64位 ARM"} {
		if !names[want] {
			t.Errorf("catalog lacks %q", want)
		}
	}
	for id, name := range map[string]string{"img-9qrfy1xt": "TencentOS Server 3.2 (Final)", "img-7rotv4ux": "Ubuntu Server 22.04 LTS 64bit UEFI", "img-j5e5hadz": "OpenCloudOS Server 9", "img-6n21msk1": "TencentOS Server 4 for x86_64"} {
		if ids[id] != name {
			t.Errorf("%s = %q, want %q", id, ids[id], name)
		}
	}
}
