package tcsim

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	vpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// TestConformanceWriteActions: actions whose own tests use raw calls answer in the SDK's model
// with every field set, and refuse a request without its required field (MissingParameter).
func TestConformanceWriteActions(t *testing.T) {
	srv := StartForTest(t)
	c, v := sdkClients(t, srv)
	ins := runOne(t, srv, c, "img-9qrfy1xt", 0, "")
	ci := cvm.NewCreateImageRequest()
	ci.InstanceId, ci.ImageName = common.StringPtr(ins), common.StringPtr("golden")
	img, err := c.CreateImage(ci)
	if err != nil {
		t.Fatal(err)
	}
	waitState(t, srv, ins, "RUNNING")
	mustCall(t, srv, "cvm", "StopInstances", map[string]any{"InstanceIds": []string{ins}})
	waitState(t, srv, ins, "STOPPED")
	key := mustCall(t, srv, "cvm", "CreateKeyPair", map[string]any{"KeyName": "k", "ProjectId": 0})["KeyPair"].(map[string]any)["KeyId"].(string)
	vpcID := mustCall(t, srv, "vpc", "CreateVpc", map[string]any{"VpcName": "v", "CidrBlock": "10.0.0.0/16"})["Vpc"].(map[string]any)["VpcId"].(string)
	subnet := mustCall(t, srv, "vpc", "CreateSubnet", map[string]any{"VpcId": vpcID, "SubnetName": "s", "CidrBlock": "10.0.1.0/24", "Zone": "ap-guangzhou-3"})["Subnet"].(map[string]any)["SubnetId"].(string)
	sg := mustCall(t, srv, "vpc", "CreateSecurityGroup", map[string]any{"GroupName": "g", "GroupDescription": "d"})["SecurityGroup"].(map[string]any)["SecurityGroupId"].(string)
	rule := &vpc.SecurityGroupPolicySet{Ingress: []*vpc.SecurityGroupPolicy{{Protocol: common.StringPtr("TCP"), Port: common.StringPtr("22"),
		CidrBlock: common.StringPtr("198.18.0.0/15"), Action: common.StringPtr("ACCEPT")}}}
	cp := vpc.NewCreateSecurityGroupPoliciesRequest()
	cp.SecurityGroupId, cp.SecurityGroupPolicySet = common.StringPtr(sg), rule
	if _, err := v.CreateSecurityGroupPolicies(cp); err != nil {
		t.Fatal(err)
	}

	// Each case sends the action twice: complete (its Response and listed items must decode
	// with no field left null) and without its required field (MissingParameter).
	cases := []struct {
		name     string
		ok       func() ([]any, error)
		required func() error
	}{
		{"StartInstances", func() ([]any, error) {
			r := cvm.NewStartInstancesRequest()
			r.InstanceIds = common.StringPtrs([]string{ins})
			out, err := c.StartInstances(r)
			return []any{out.Response}, err
		}, func() error { _, err := c.StartInstances(cvm.NewStartInstancesRequest()); return err }},
		{"RebootInstances", func() ([]any, error) {
			waitState(t, srv, ins, "RUNNING")
			r := cvm.NewRebootInstancesRequest()
			r.InstanceIds = common.StringPtrs([]string{ins})
			out, err := c.RebootInstances(r)
			if err != nil {
				return nil, err
			}
			waitState(t, srv, ins, "RUNNING")
			return []any{out.Response}, nil
		}, func() error { _, err := c.RebootInstances(cvm.NewRebootInstancesRequest()); return err }},
		{"ModifyInstancesAttribute and ModifyImageAttribute", func() ([]any, error) {
			ri := cvm.NewModifyInstancesAttributeRequest()
			ri.InstanceIds, ri.InstanceName = common.StringPtrs([]string{ins}), common.StringPtr("renamed")
			outI, err := c.ModifyInstancesAttribute(ri)
			if err != nil {
				return nil, err
			}
			rm := cvm.NewModifyImageAttributeRequest()
			rm.ImageId, rm.ImageName = img.Response.ImageId, common.StringPtr("golden-2")
			outM, err := c.ModifyImageAttribute(rm)
			return []any{outI.Response, outM.Response}, err
		}, func() error {
			// Without InstanceIds, then without ImageId: the first must already be refused.
			ri := cvm.NewModifyInstancesAttributeRequest()
			ri.InstanceName = common.StringPtr("renamed")
			if _, err := c.ModifyInstancesAttribute(ri); sdkCode(err) != "MissingParameter" {
				return err
			}
			rm := cvm.NewModifyImageAttributeRequest()
			rm.ImageName = common.StringPtr("golden-2")
			_, err := c.ModifyImageAttribute(rm)
			return err
		}},
		{"SyncImages", func() ([]any, error) {
			r := cvm.NewSyncImagesRequest()
			r.ImageIds, r.DestinationRegions = []*string{img.Response.ImageId}, common.StringPtrs([]string{"ap-shanghai"})
			r.ImageSetRequired = common.BoolPtr(true)
			out, err := c.SyncImages(r)
			if err != nil || len(out.Response.ImageSet) != 1 {
				return nil, err
			}
			return []any{out.Response, out.Response.ImageSet[0]}, nil
		}, func() error {
			r := cvm.NewSyncImagesRequest()
			r.ImageIds = []*string{img.Response.ImageId}
			_, err := c.SyncImages(r)
			return err
		}},
		{"DescribeSecurityGroups and DescribeKeyPairs", func() ([]any, error) {
			r := vpc.NewDescribeSecurityGroupsRequest()
			r.SecurityGroupIds = common.StringPtrs([]string{sg})
			sgs, err := v.DescribeSecurityGroups(r)
			if err != nil {
				return nil, err
			}
			k := cvm.NewDescribeKeyPairsRequest()
			k.KeyIds = common.StringPtrs([]string{key})
			kps, err := c.DescribeKeyPairs(k)
			if err != nil || len(sgs.Response.SecurityGroupSet) != 1 || len(kps.Response.KeyPairSet) != 1 {
				return nil, err
			}
			return []any{sgs.Response, sgs.Response.SecurityGroupSet[0], kps.Response, kps.Response.KeyPairSet[0]}, nil
		}, nil},
		{"DeleteSecurityGroupPolicies", func() ([]any, error) {
			r := vpc.NewDeleteSecurityGroupPoliciesRequest()
			r.SecurityGroupId = common.StringPtr(sg)
			r.SecurityGroupPolicySet = &vpc.SecurityGroupPolicySet{Ingress: []*vpc.SecurityGroupPolicy{{PolicyIndex: common.Int64Ptr(0)}}}
			out, err := v.DeleteSecurityGroupPolicies(r)
			return []any{out.Response}, err
		}, func() error {
			r := vpc.NewDeleteSecurityGroupPoliciesRequest()
			r.SecurityGroupPolicySet = rule
			_, err := v.DeleteSecurityGroupPolicies(r)
			return err
		}},
	}
	// The Delete* answers hold only a RequestId; they come last, in dependency order.
	deletes := []struct{ service, action, field, id string }{
		{"vpc", "DeleteSecurityGroup", "SecurityGroupId", sg},
		{"vpc", "DeleteSubnet", "SubnetId", subnet},
		{"vpc", "DeleteVpc", "VpcId", vpcID},
		{"cvm", "DeleteKeyPairs", "KeyIds", key},
	}
	defer func() {
		for _, d := range deletes {
			if _, code := call(t, srv, "ap-guangzhou", d.service, d.action, nil); code != "MissingParameter" {
				t.Errorf("%s without %s: %q, want MissingParameter", d.action, d.field, code)
			}
			var id any = d.id
			if d.field == "KeyIds" {
				id = []string{d.id}
			}
			if out, code := call(t, srv, "ap-guangzhou", d.service, d.action, map[string]any{d.field: id}); code != "" || out["RequestId"] == "" {
				t.Errorf("%s: %q %v", d.action, code, out)
			}
		}
	}()
	// Fields the real API leaves null too: only CreateKeyPair ever answers the private key.
	nullOK := map[string]string{"DescribeSecurityGroups and DescribeKeyPairs": "PrivateKey"}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.required != nil {
				if err := tc.required(); sdkCode(err) != "MissingParameter" {
					t.Fatalf("without its required field: %v, want MissingParameter", err)
				}
			}
			got, err := tc.ok()
			if err != nil || len(got) == 0 {
				t.Fatalf("%v (answer %v)", err, got)
			}
			for _, m := range got {
				if n := nilFields(m); len(n) > 0 && (len(n) > 1 || n[0] != nullOK[tc.name]) {
					t.Fatalf("%T fields left null: %v", m, n)
				}
			}
		})
	}
}

// TestConformancePagination: the paged Describe* actions not covered next to their own
// tests (DescribeImages, DescribeInstancesStatus, DescribeRouteTables, DescribeUsedIpAddress,
// DescribeDisks, DescribeSnapshots are) answer TotalCount, honour Offset/Limit and cap Limit at 100.
func TestConformancePagination(t *testing.T) {
	srv := StartForTest(t)
	c, _ := sdkClients(t, srv)
	vpcID := ""
	for i := 0; i < 3; i++ {
		ck := cvm.NewCreateKeyPairRequest()
		ck.KeyName, ck.ProjectId = common.StringPtr(fmt.Sprint("k", i)), common.Int64Ptr(0)
		kp, err := c.CreateKeyPair(ck)
		if err != nil {
			t.Fatal(err)
		}
		if n := nilFields(kp.Response.KeyPair); len(n) > 0 {
			t.Fatalf("CreateKeyPair KeyPair fields left null: %v", n)
		}
		id := mustCall(t, srv, "vpc", "CreateVpc", map[string]any{"VpcName": fmt.Sprint("v", i), "CidrBlock": fmt.Sprintf("10.%d.0.0/16", i)})["Vpc"].(map[string]any)["VpcId"].(string)
		if vpcID == "" {
			vpcID = id
		}
		mustCall(t, srv, "vpc", "CreateSubnet", map[string]any{"VpcId": vpcID, "SubnetName": fmt.Sprint("s", i), "CidrBlock": fmt.Sprintf("10.0.%d.0/24", i), "Zone": "ap-guangzhou-3"})
		mustCall(t, srv, "vpc", "CreateSecurityGroup", map[string]any{"GroupName": fmt.Sprint("g", i), "GroupDescription": "d"})
		runOne(t, srv, c, "img-9qrfy1xt", 0, "")
	}
	// Raw calls: the typed decode of these answers is checked next to each action; here only
	// the paging numbers matter. The VPC actions take Offset/Limit as strings.
	actions := []struct {
		name, service, list string
		stringNums          bool
	}{
		{"DescribeInstances", "cvm", "InstanceSet", false},
		{"DescribeKeyPairs", "cvm", "KeyPairSet", false},
		{"DescribeVpcs", "vpc", "VpcSet", true},
		{"DescribeSubnets", "vpc", "SubnetSet", true},
		{"DescribeSecurityGroups", "vpc", "SecurityGroupSet", true},
	}
	for _, a := range actions {
		t.Run(a.name, func(t *testing.T) {
			list := func(off, lim int) (int, int, string) {
				params := map[string]any{"Offset": off, "Limit": lim}
				if a.stringNums {
					params = map[string]any{"Offset": strconv.Itoa(off), "Limit": strconv.Itoa(lim)}
				}
				out, code := call(t, srv, "ap-guangzhou", a.service, a.name, params)
				if code != "" {
					return 0, 0, code
				}
				return int(out["TotalCount"].(float64)), len(out[a.list].([]any)), ""
			}
			all, n, code := list(0, 100)
			if code != "" || all < 3 || n != all {
				t.Fatalf("first page of 100: TotalCount %d, %d items, %q; want all of at least 3", all, n, code)
			}
			cases := []struct {
				off, lim, total, n int
				code               string
			}{
				{0, 2, all, 2, ""},
				{all - 1, 2, all, 1, ""},
				{all, 20, all, 0, ""},
				{0, 101, 0, 0, "InvalidParameterValue.LimitExceeded"},
			}
			for _, tc := range cases {
				total, n, code := list(tc.off, tc.lim)
				if total != tc.total || n != tc.n || code != tc.code {
					t.Fatalf("Offset %d Limit %d: TotalCount %d, %d items, %q; want %d, %d, %q", tc.off, tc.lim, total, n, code, tc.total, tc.n, tc.code)
				}
			}
		})
	}
}
