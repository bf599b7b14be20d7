package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// lighthouse creates one Lighthouse instance per OsName of a seeded PURE_OS
// blueprint in the client's region and waits until they run.
func (s *sim) lighthouse(t *testing.T, osNames ...string) []string {
	t.Helper()
	ctx := context.Background()
	bps, err := s.client.ListBlueprints(ctx, []tencent.Filter{{Name: "blueprint-type", Values: []string{"PURE_OS"}}})
	if err != nil {
		t.Fatal(err)
	}
	byOS := map[string]string{}
	for _, b := range bps {
		byOS[b.OsName] = b.ID
	}
	var ids []string
	for _, osName := range osNames {
		id, err := s.client.CreateLighthouseInstance(ctx, tencent.CreateLighthouseInstanceInput{BundleID: "bundle2022_gen_01", BlueprintID: byOS[osName]})
		if err != nil {
			t.Fatalf("create lighthouse instance on %q: %v", osName, err)
		}
		ids = append(ids, id)
	}
	for _, id := range ids {
		if _, err := s.client.WaitLighthouseInstanceState(ctx, id, "RUNNING", time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// TestProductsLighthouse: --products cvm,lighthouse reports Lighthouse
// instances and blueprints beside CVM, judged like images, in every format
// and in --fail-on; the default stays CVM only.
func TestProductsLighthouse(t *testing.T) {
	s := startSim(t, "ap-guangzhou")
	s.launch(t, "ap-guangzhou", "Debian 13.1 64位", 1)
	s.lighthouse(t, "CentOS 7.9 64bit", "CentOS 7.9 64bit", "Debian 13.1 64bit")
	env := s.env()

	r := runCLI(t, env, false, "--products", "cvm,lighthouse", "--format", "json")
	if r.code != exitOK {
		t.Fatalf("json: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "(ap-guangzhou 1/1, ap-guangzhou lighthouse 3/3)") {
		t.Errorf("progress does not count both products: %q", r.stderr)
	}
	var j jsonReport
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatalf("json output does not parse: %v\n%s", err, r.stdout)
	}
	if j.Total != 4 || j.Counts["eol"] != 2 || j.Counts["ok"] != 2 || len(j.Images) != 3 {
		t.Fatalf("json report: total %d counts %v images %d", j.Total, j.Counts, len(j.Images))
	}
	first := j.Instances[0]
	if first.Product != "lighthouse" || !strings.HasPrefix(first.ID, "lhins-") || !strings.HasPrefix(first.ImageID, "lhbp-") ||
		first.Group != "eol" || first.EOLDate != "2024-06-30" || first.Successor != "rocky 9" ||
		len(first.Reasons) == 0 || !strings.HasPrefix(first.Reasons[0], "blueprint "+first.ImageID+" (CentOS 7.9 64bit) is not allowed") {
		t.Errorf("first instance = %+v", first)
	}
	if img := j.Images[0]; img.Product != "lighthouse" || img.Type != "PURE_OS" || len(img.Instances) != 2 {
		t.Errorf("first image = %+v", img)
	}
	products := map[string]int{}
	for _, in := range j.Instances {
		products[in.Product]++
	}
	if products["cvm"] != 1 || products["lighthouse"] != 3 {
		t.Errorf("instances per product: %v", products)
	}

	r = runCLI(t, env, false, "--products", "lighthouse", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || r.code != exitOK || len(recs) != 1+3+2 || recs[0][1] != "product" || recs[1][1] != "lighthouse" {
		t.Errorf("csv (exit %d, %v): %v", r.code, err, recs)
	}

	r = runCLI(t, env, false, "--products", "cvm,lighthouse", "--fail-on", "eol", "--quiet")
	if r.code != exitFindings || !strings.Contains(r.stderr, "2 instance(s) fail --fail-on (2 eol): ap-guangzhou/lhins-") {
		t.Errorf("--fail-on eol: exit %d, stderr %q", r.code, r.stderr)
	}

	r = runCLI(t, env, false, "--fail-on", "eol", "--quiet")
	if r.code != exitOK {
		t.Errorf("default products (cvm): exit %d, stderr %q", r.code, r.stderr)
	}

	r = runCLI(t, env, false, "--products", "cvm,lightsail")
	if r.code != exitUsage || !strings.Contains(r.stderr, `--products: "lightsail" is not a product; use a comma-separated list of cvm, lighthouse`) {
		t.Errorf("bad product: exit %d, stderr %q", r.code, r.stderr)
	}
}
