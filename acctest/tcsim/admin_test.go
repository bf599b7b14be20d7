package tcsim

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

func getJSON(t *testing.T, url string, into any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		t.Fatal(err)
	}
}

func post(t *testing.T, url, body string) int {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestAdminEndpoints(t *testing.T) {
	srv := StartForTest(t)
	vpcID := mustCall(t, srv, "vpc", "CreateVpc", map[string]any{"VpcName": "admin", "CidrBlock": "10.9.0.0/16"})["Vpc"].(map[string]any)["VpcId"].(string)

	var state StateSnapshot
	getJSON(t, srv.URL()+"/_tcsim/state", &state)
	if !strings.Contains(string(state.Regions["ap-guangzhou"]), vpcID) || strings.Contains(string(state.Regions["ap-shanghai"]), vpcID) {
		t.Fatal("state does not show the VPC in (only) its region")
	}
	var stats Stats
	getJSON(t, srv.URL()+"/_tcsim/stats", &stats)
	if stats.Actions["CreateVpc"] != 1 {
		t.Fatalf("stats = %+v", stats)
	}

	if code := post(t, srv.URL()+"/_tcsim/faults", `{"spec":"DescribeVpcs:throttle=1"}`); code != http.StatusOK {
		t.Fatalf("POST faults: %d", code)
	}
	if _, code := call(t, srv, "ap-guangzhou", "vpc", "DescribeVpcs", nil); code != "RequestLimitExceeded" {
		t.Fatalf("after fault config: %q", code)
	}
	if code := post(t, srv.URL()+"/_tcsim/faults", `{"rules":[{"action":"*","kind":"bogus","rate":1}]}`); code != http.StatusBadRequest {
		t.Fatalf("bad fault config accepted: %d", code)
	}
	if code := post(t, srv.URL()+"/_tcsim/faults", `{"rules":[]}`); code != http.StatusOK {
		t.Fatal(code)
	}
	if code := post(t, srv.URL()+"/_tcsim/reset", ``); code != http.StatusNoContent {
		t.Fatalf("reset: %d", code)
	}
	if out := mustCall(t, srv, "vpc", "DescribeVpcs", nil); out["TotalCount"].(float64) != 0 {
		t.Fatal("reset kept the VPC")
	}
}

func TestFaultsAreDeterministicWithSeed(t *testing.T) {
	cfg, err := ParseFaultSpec("seed=99,*:throttle=0.5,DescribeImages:internal=0.2")
	if err != nil {
		t.Fatal(err)
	}
	seq := func() string {
		f := newFaultInjector(cfg)
		var b strings.Builder
		for i := 0; i < 200; i++ {
			_, kind := f.draw("DescribeImages")
			b.WriteString(string(kind) + ",")
		}
		return b.String()
	}
	a, b := seq(), seq()
	if a != b {
		t.Fatal("same seed, different fault sequence")
	}
	if !strings.Contains(a, "throttle") || !strings.Contains(a, "internal") || !strings.Contains(a, ",,") {
		t.Fatalf("sequence does not mix faults and successes: %s", a[:80])
	}
}

func TestParseFaultSpecErrors(t *testing.T) {
	for spec, want := range map[string]string{
		"*:throttle":         "want ACTION:KIND=RATE",
		"*:melt=0.1":         "unknown kind",
		"*:throttle=2":       "outside 0..1",
		"*:delay=0.5":        "positive duration",
		"*:delay=0.5@banana": "delay",
		"seed=x":             "seed",
	} {
		if _, err := ParseFaultSpec(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", spec, err, want)
		}
	}
	cfg, err := ParseFaultSpec("seed=7, *:delay=1@5ms ,RunInstances:reset=0.25")
	if err != nil || cfg.Seed != 7 || len(cfg.Rules) != 2 || cfg.Rules[0].Delay.Milliseconds() != 5 || cfg.Rules[1].Action != "RunInstances" {
		t.Fatalf("cfg = %+v, err %v", cfg, err)
	}
}

func TestStateFileSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	creds := map[string]string{"AKIDstate": "statekey"}
	srv1, err := Start(context.Background(), Options{Credentials: creds, StateFile: path})
	if err != nil {
		t.Fatal(err)
	}
	ts1 := &TestServer{Server: srv1, SecretID: "AKIDstate", SecretKey: "statekey"}
	vpcID := mustCall(t, ts1, "vpc", "CreateVpc", map[string]any{"VpcName": "keep", "CidrBlock": "10.3.0.0/16"})["Vpc"].(map[string]any)["VpcId"].(string)
	insID := mustCall(t, ts1, "cvm", "RunInstances", map[string]any{"Placement": map[string]any{"Zone": "ap-guangzhou-3"}, "ImageId": "img-9qrfy1xt"})["InstanceIdSet"].([]any)[0].(string)
	waitState(t, ts1, insID, "RUNNING")
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}

	srv2, err := Start(context.Background(), Options{Credentials: creds, StateFile: path})
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Close()
	res := srv2.Resources("ap-guangzhou")
	if len(res.Vpcs) != 1 || res.Vpcs[0] != vpcID || res.Instances[insID] != "RUNNING" {
		t.Fatalf("after restart: %+v", res)
	}
	// The catalog comes back too and ids keep working with the SDK.
	cpf := sdkProfile(&TestServer{Server: srv2})
	c, _ := cvm.NewClient(common.NewCredential("AKIDstate", "statekey"), "ap-guangzhou", cpf)
	req := cvm.NewDescribeInstancesRequest()
	req.InstanceIds = common.StringPtrs([]string{insID})
	resp, err := c.DescribeInstances(req)
	if err != nil || *resp.Response.TotalCount != 1 {
		t.Fatalf("describe after restart: %v", err)
	}
}

func TestSeedFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "seed.json")
	writeFile(t, good, `{"ReplaceCatalog": true, "Images": [
		{"OsName": "Debian 13.2 64位", "Platform": "Debian", "BackingRef": "debian:trixie", "Regions": ["ap-guangzhou"]},
		{"ImageId": "img-abcdefgh", "OsName": "CentOS 7.9 64位", "Platform": "CentOS", "Tags": [{"Key": "eol", "Value": "yes"}]}]}`)
	srv := StartForTest(t, WithOptions(func(o *Options) { o.SeedFile = good }))
	gz := mustCall(t, srv, "cvm", "DescribeImages", nil)
	if gz["TotalCount"].(float64) != 2 {
		t.Fatalf("ap-guangzhou has %v images, want the 2 seeded ones", gz["TotalCount"])
	}
	sh, _ := call(t, srv, "ap-shanghai", "cvm", "DescribeImages", nil)
	if sh["TotalCount"].(float64) != 1 {
		t.Fatalf("ap-shanghai has %v images, want 1 (Regions limits the first)", sh["TotalCount"])
	}
	tagged := mustCall(t, srv, "cvm", "DescribeImages", map[string]any{"Filters": []map[string]any{{"Name": "tag:eol", "Values": []string{"yes"}}}})
	if set := tagged["ImageSet"].([]any); len(set) != 1 || set[0].(map[string]any)["ImageId"] != "img-abcdefgh" {
		t.Fatalf("tag filter: %v", tagged)
	}

	for body, want := range map[string]string{
		`{"Images":[{"OsName":"x"}]}`:                                      "needs OsName and Platform",
		`{"Images":[{"ImageId":"ami-1","OsName":"x","Platform":"Linux"}]}`: "must look like img-xxxxxxxx",
		`{"Images":`: "parse seed file",
	} {
		bad := filepath.Join(dir, "bad.json")
		writeFile(t, bad, body)
		if _, err := Start(context.Background(), Options{Credentials: map[string]string{"a": "b"}, SeedFile: bad}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("seed %s: err = %v, want %q", body, err, want)
		}
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestStartValidatesOptions(t *testing.T) {
	for name, o := range map[string]Options{
		"no credentials": {},
		"empty key":      {Credentials: map[string]string{"a": ""}},
		"bad faults":     {Credentials: map[string]string{"a": "b"}, Faults: FaultConfig{Rules: []FaultRule{{Action: "*", Kind: "x", Rate: 1}}}},
		"bad listen":     {Credentials: map[string]string{"a": "b"}, Listen: "256.0.0.1:99999"},
	} {
		if srv, err := Start(context.Background(), o); err == nil {
			srv.Close()
			t.Errorf("%s: Start succeeded", name)
		}
	}
}
