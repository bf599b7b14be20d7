package tcsim

import (
	"fmt"
	"strings"
	"testing"
)

// TestConformanceTagErrors: every rule the Tag API enforces answers its own error code.
func TestConformanceTagErrors(t *testing.T) {
	srv := StartForTest(t)
	vpcID := mustCall(t, srv, "vpc", "CreateVpc", map[string]any{"VpcName": "v", "CidrBlock": "10.0.0.0/16"})["Vpc"].(map[string]any)["VpcId"].(string)
	res := "qcs::vpc:ap-guangzhou:uin/:vpc/" + vpcID
	one := func(k, v string) []map[string]any { return []map[string]any{{"TagKey": k, "TagValue": v}} }
	many := func(n int) []map[string]any {
		out := make([]map[string]any, n)
		for i := range out {
			out[i] = map[string]any{"TagKey": fmt.Sprintf("k%02d", i), "TagValue": "v"}
		}
		return out
	}
	names := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = res
		}
		return out
	}
	cases := []struct {
		name, action string
		params       map[string]any
		want         string
	}{
		{"no resources", "TagResources", map[string]any{"Tags": one("a", "b")}, "MissingParameter"},
		{"no tags", "TagResources", map[string]any{"ResourceList": []string{res}}, "MissingParameter"},
		{"11 resources", "TagResources", map[string]any{"ResourceList": names(11), "Tags": one("a", "b")}, "LimitExceeded.ResourceNumPerRequest"},
		{"11 tags", "TagResources", map[string]any{"ResourceList": []string{res}, "Tags": many(11)}, "LimitExceeded.TagNumPerRequest"},
		{"five segments", "TagResources", map[string]any{"ResourceList": []string{"qcs::vpc:ap-guangzhou:vpc/" + vpcID}, "Tags": one("a", "b")}, "InvalidParameterValue.ResourceDescriptionError"},
		{"empty key", "TagResources", map[string]any{"ResourceList": []string{res}, "Tags": one("", "b")}, "InvalidParameterValue.TagKeyEmpty"},
		{"long key", "TagResources", map[string]any{"ResourceList": []string{res}, "Tags": one(strings.Repeat("k", 128), "b")}, "InvalidParameterValue.TagKeyLengthExceeded"},
		{"long value", "TagResources", map[string]any{"ResourceList": []string{res}, "Tags": one("a", strings.Repeat("v", 256))}, "InvalidParameterValue.TagValueLengthExceeded"},
		{"key charset", "TagResources", map[string]any{"ResourceList": []string{res}, "Tags": one("a,b", "c")}, "InvalidParameterValue.TagKeyCharacterIllegal"},
		{"value charset", "TagResources", map[string]any{"ResourceList": []string{res}, "Tags": one("a", "{json}")}, "InvalidParameterValue.TagValueCharacterIllegal"},
		{"reserved key", "TagResources", map[string]any{"ResourceList": []string{res}, "Tags": one("qcs:owner", "c")}, "InvalidParameterValue.ReservedTagKey"},
		{"duplicate key", "TagResources", map[string]any{"ResourceList": []string{res}, "Tags": []map[string]any{{"TagKey": "a", "TagValue": "1"}, {"TagKey": "a", "TagValue": "2"}}}, "InvalidParameterValue.TagKeyDuplicate"},
		{"unknown parameter", "TagResources", map[string]any{"ResourceList": []string{res}, "Tags": one("a", "b"), "Bogus": 1}, "UnknownParameter"},
		{"untag no keys", "UnTagResources", map[string]any{"ResourceList": []string{res}}, "MissingParameter"},
		{"untag 11 keys", "UnTagResources", map[string]any{"ResourceList": []string{res}, "TagKeys": []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"}}, "LimitExceeded.TagNumPerRequest"},
		{"modify no resource", "ModifyResourceTags", map[string]any{"ReplaceTags": one("a", "b")}, "MissingParameter"},
		{"modify nothing", "ModifyResourceTags", map[string]any{"Resource": res}, "MissingParameter"},
		{"replace and delete one key", "ModifyResourceTags", map[string]any{"Resource": res, "ReplaceTags": one("a", "b"), "DeleteTags": []map[string]any{{"TagKey": "a"}}}, "InvalidParameterValue.DeleteTagsParamError"},
		{"unknown resource", "ModifyResourceTags", map[string]any{"Resource": "qcs::vpc:ap-guangzhou:uin/:vpc/vpc-00000000", "ReplaceTags": one("a", "b")}, "InvalidParameterValue.ResourceIdInvalid"},
		{"other account", "ModifyResourceTags", map[string]any{"Resource": "qcs::vpc:ap-guangzhou:uin/200000000002:vpc/" + vpcID, "ReplaceTags": one("a", "b")}, "InvalidParameterValue.UinInvalid"},
		{"unserved region", "ModifyResourceTags", map[string]any{"Resource": "qcs::vpc:mars-1:uin/:vpc/" + vpcID, "ReplaceTags": one("a", "b")}, "InvalidParameterValue.RegionInvalid"},
		{"unknown service", "ModifyResourceTags", map[string]any{"Resource": "qcs::cdb:ap-guangzhou:uin/:instanceId/cdb-1", "ReplaceTags": one("a", "b")}, "InvalidParameterValue.ServiceTypeInvalid"},
		{"unknown prefix", "ModifyResourceTags", map[string]any{"Resource": "qcs::vpc:ap-guangzhou:uin/:eni/eni-1", "ReplaceTags": one("a", "b")}, "InvalidParameterValue.ResourcePrefixInvalid"},
		{"by ids no service", "DescribeResourceTagsByResourceIds", map[string]any{"ResourcePrefix": "vpc", "ResourceRegion": "ap-guangzhou", "ResourceIds": []string{vpcID}}, "MissingParameter"},
		{"by ids no region", "DescribeResourceTagsByResourceIds", map[string]any{"ServiceType": "vpc", "ResourcePrefix": "vpc", "ResourceIds": []string{vpcID}}, "MissingParameter"},
		{"by ids no ids", "DescribeResourceTagsByResourceIds", map[string]any{"ServiceType": "vpc", "ResourcePrefix": "vpc", "ResourceRegion": "ap-guangzhou"}, "MissingParameter"},
		{"by ids 51 ids", "DescribeResourceTagsByResourceIds", map[string]any{"ServiceType": "vpc", "ResourcePrefix": "vpc", "ResourceRegion": "ap-guangzhou", "ResourceIds": strings.Split(strings.Repeat("vpc-1,", 50)+"vpc-1", ",")}, "LimitExceeded.ResourceNumPerRequest"},
		{"by ids category", "DescribeResourceTagsByResourceIds", map[string]any{"ServiceType": "vpc", "ResourcePrefix": "vpc", "ResourceRegion": "ap-guangzhou", "ResourceIds": []string{vpcID}, "Category": "Mine"}, "InvalidParameter"},
		{"by ids bad region", "DescribeResourceTagsByResourceIds", map[string]any{"ServiceType": "vpc", "ResourcePrefix": "vpc", "ResourceRegion": "mars-1", "ResourceIds": []string{vpcID}}, "InvalidParameterValue.RegionInvalid"},
		{"by ids offset not a multiple", "DescribeResourceTagsByResourceIds", map[string]any{"ServiceType": "vpc", "ResourcePrefix": "vpc", "ResourceRegion": "ap-guangzhou", "ResourceIds": []string{vpcID}, "Offset": 5, "Limit": 20}, "InvalidParameterValue.OffsetInvalid"},
		{"by ids limit", "DescribeResourceTagsByResourceIds", map[string]any{"ServiceType": "vpc", "ResourcePrefix": "vpc", "ResourceRegion": "ap-guangzhou", "ResourceIds": []string{vpcID}, "Limit": 1001}, "InvalidParameter"},
		{"resource tags prefix alone", "DescribeResourceTags", map[string]any{"ResourcePrefix": "vpc"}, "MissingParameter"},
		{"resource tags unknown service", "DescribeResourceTags", map[string]any{"ServiceType": "cdb"}, "InvalidParameterValue.ServiceTypeInvalid"},
		{"resource tags limit", "DescribeResourceTags", map[string]any{"Limit": 1001}, "InvalidParameter"},
		{"get resources 7 filters", "GetResources", map[string]any{"TagFilters": []map[string]any{{"TagKey": "1"}, {"TagKey": "2"}, {"TagKey": "3"}, {"TagKey": "4"}, {"TagKey": "5"}, {"TagKey": "6"}, {"TagKey": "7"}}}, "InvalidParameterValue.TagFiltersLengthExceeded"},
		{"get resources filter key", "GetResources", map[string]any{"TagFilters": []map[string]any{{"TagValue": []string{"x"}}}}, "MissingParameter"},
		{"get resources max results", "GetResources", map[string]any{"MaxResults": 201}, "InvalidParameter"},
		{"get resources token", "GetResources", map[string]any{"PaginationToken": "not-ours"}, "InvalidParameter.PaginationTokenInvalid"},
		{"describe tags key alone", "DescribeTags", map[string]any{"TagKey": "a"}, "MissingParameter"},
		{"describe tags offset", "DescribeTags", map[string]any{"Offset": 3, "Limit": 2}, "InvalidParameterValue.OffsetInvalid"},
		{"unknown action", "CreateTag", map[string]any{"TagKey": "a", "TagValue": "b"}, "InvalidAction"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, code := call(t, srv, "ap-guangzhou", "tag", tc.action, tc.params); code != tc.want {
				t.Fatalf("%s: got %q, want %s", tc.action, code, tc.want)
			}
		})
	}
	// The 51st tag on a resource: the write fails and the resource keeps its 50.
	for _, batch := range [][]map[string]any{many(10), many(20)[10:], many(30)[20:], many(40)[30:], many(50)[40:]} {
		mustCall(t, srv, "tag", "TagResources", map[string]any{"ResourceList": []string{res}, "Tags": batch})
	}
	if _, code := call(t, srv, "ap-guangzhou", "tag", "ModifyResourceTags", map[string]any{"Resource": res, "ReplaceTags": one("extra", "1")}); code != "LimitExceeded.ResourceAttachedTags" {
		t.Fatalf("51st tag via ModifyResourceTags: %q", code)
	}
	out := mustCall(t, srv, "tag", "TagResources", map[string]any{"ResourceList": []string{res}, "Tags": one("extra", "1")})
	if f := out["FailedResources"].([]any); len(f) != 1 || f[0].(map[string]any)["Code"] != "LimitExceeded.ResourceAttachedTags" {
		t.Fatalf("51st tag via TagResources: FailedResources %v", f)
	}
	// Replacing a bound key's value does not count as another tag.
	mustCall(t, srv, "tag", "ModifyResourceTags", map[string]any{"Resource": res, "ReplaceTags": one("k00", "new")})
	if n := len(mustCall(t, srv, "vpc", "DescribeVpcs", map[string]any{"VpcIds": []string{vpcID}})["VpcSet"].([]any)[0].(map[string]any)["TagSet"].([]any)); n != 50 {
		t.Fatalf("tags on the VPC = %d, want 50", n)
	}
}

// TestConformanceTagPagination: TotalCount, Offset/Limit (default 15, Offset a multiple of
// Limit) and GetResources' PaginationToken walk every row exactly once.
func TestConformanceTagPagination(t *testing.T) {
	srv := StartForTest(t)
	var ids []string
	for i := 0; i < 12; i++ {
		v := mustCall(t, srv, "vpc", "CreateVpc", map[string]any{"VpcName": fmt.Sprint("v", i), "CidrBlock": fmt.Sprintf("10.%d.0.0/16", i),
			"Tags": []map[string]any{{"Key": "env", "Value": fmt.Sprint("e", i)}, {"Key": "team", "Value": "ops"}}})
		ids = append(ids, v["Vpc"].(map[string]any)["VpcId"].(string))
	}
	rowsOf := func(action, list string, params map[string]any) (total int, rows []any) {
		out := mustCall(t, srv, "tag", action, params)
		return int(out["TotalCount"].(float64)), out[list].([]any)
	}
	byIDs := map[string]any{"ServiceType": "vpc", "ResourcePrefix": "vpc", "ResourceRegion": "ap-guangzhou", "ResourceIds": ids}
	if total, rows := rowsOf("DescribeResourceTagsByResourceIds", "Tags", byIDs); total != 24 || len(rows) != 15 {
		t.Fatalf("default page: TotalCount %d, %d rows; want 24 and 15", total, len(rows))
	}
	seen := map[string]bool{}
	for off := 0; off < 24; off += 10 {
		byIDs["Offset"], byIDs["Limit"] = off, 10
		_, rows := rowsOf("DescribeResourceTagsByResourceIds", "Tags", byIDs)
		for _, r := range rows {
			m := r.(map[string]any)
			seen[m["ResourceId"].(string)+"/"+m["TagKey"].(string)] = true
		}
	}
	if len(seen) != 24 {
		t.Fatalf("paging by 10 saw %d distinct rows, want 24", len(seen))
	}
	if total, rows := rowsOf("DescribeResourceTags", "Rows", map[string]any{"ServiceType": "vpc", "Offset": 20, "Limit": 10}); total != 24 || len(rows) != 4 {
		t.Fatalf("DescribeResourceTags last page: TotalCount %d, %d rows; want 24 and 4", total, len(rows))
	}
	if total, rows := rowsOf("DescribeTags", "Tags", map[string]any{"Limit": 5, "Offset": 10}); total != 13 || len(rows) != 3 {
		t.Fatalf("DescribeTags (12 env values + team=ops) last page: TotalCount %d, %d rows; want 13 and 3", total, len(rows))
	}
	got, token := 0, ""
	for pages := 0; pages < 10; pages++ {
		params := map[string]any{"MaxResults": 5, "TagFilters": []map[string]any{{"TagKey": "team", "TagValue": []string{"ops"}}}}
		if token != "" {
			params["PaginationToken"] = token
		}
		out := mustCall(t, srv, "tag", "GetResources", params)
		got += len(out["ResourceTagMappingList"].([]any))
		if token = out["PaginationToken"].(string); token == "" {
			break
		}
	}
	if got != 12 || token != "" {
		t.Fatalf("GetResources by 5: %d resources (token %q), want all 12 and an empty token", got, token)
	}
}

// TestConformanceCreateTagRules: tags that come with CVM and VPC create calls follow the same
// rules under each service's own codes, and a provenance-sized set (29 tags, base64 values)
// passes.
func TestConformanceCreateTagRules(t *testing.T) {
	srv := StartForTest(t)
	kv := func(n int, key func(int) string, value string) []map[string]any {
		out := make([]map[string]any, n)
		for i := range out {
			out[i] = map[string]any{"Key": key(i), "Value": value}
		}
		return out
	}
	seq := func(i int) string { return fmt.Sprintf("hardened:f-%02d", i) }
	same := func(int) string { return "env" }
	run := func(tags []map[string]any) map[string]any {
		return map[string]any{"Placement": map[string]any{"Zone": "ap-guangzhou-3"}, "ImageId": "img-9qrfy1xt",
			"TagSpecification": []map[string]any{{"ResourceType": "instance", "Tags": tags}}}
	}
	vpcReq := func(tags []map[string]any) map[string]any {
		return map[string]any{"VpcName": "v", "CidrBlock": "10.0.0.0/16", "Tags": tags}
	}
	cases := []struct {
		name, service, action string
		params                map[string]any
		want                  string
	}{
		{"provenance-sized set", "cvm", "RunInstances", run(kv(29, seq, "MCowBQYDK2VwAyEA+/= critical=0 high=1")), ""},
		{"51 tags", "cvm", "RunInstances", run(kv(51, seq, "v")), "InvalidParameterValue.TagQuotaLimitExceeded"},
		{"key charset", "cvm", "RunInstances", run(kv(1, func(int) string { return "a;b" }, "v")), "FailedOperation.IllegalTagKey"},
		{"value charset", "cvm", "RunInstances", run(kv(1, seq, "<v>")), "FailedOperation.IllegalTagValue"},
		{"reserved", "cvm", "RunInstances", run(kv(1, func(int) string { return "qcs:x" }, "v")), "FailedOperation.TagKeyReserved"},
		{"duplicate", "cvm", "RunInstances", run(kv(2, same, "v")), "InvalidParameterValue.DuplicateTags"},
		{"vpc provenance-sized set", "vpc", "CreateVpc", vpcReq(kv(29, seq, "a+b/c=")), ""},
		{"vpc 51 tags", "vpc", "CreateVpc", vpcReq(kv(51, seq, "v")), "LimitExceeded.TagKeyPerResourceExceeded"},
		{"vpc key charset", "vpc", "CreateVpc", vpcReq(kv(1, func(int) string { return "a|b" }, "v")), "InvalidParameterValue.TagInvalidKey"},
		{"vpc long key", "vpc", "CreateVpc", vpcReq(kv(1, func(int) string { return strings.Repeat("k", 128) }, "v")), "InvalidParameterValue.TagInvalidKeyLen"},
		{"vpc duplicate", "vpc", "CreateVpc", vpcReq(kv(2, same, "v")), "InvalidParameterValue.TagDuplicateKey"},
		{"security group value", "vpc", "CreateSecurityGroup", map[string]any{"GroupName": "g", "GroupDescription": "d", "Tags": kv(1, seq, "a\tb")}, "InvalidParameterValue.TagInvalidVal"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, code := call(t, srv, "ap-guangzhou", tc.service, tc.action, tc.params); code != tc.want {
				t.Fatalf("%s: got %q, want %q", tc.action, code, tc.want)
			}
		})
	}
}
