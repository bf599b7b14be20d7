package fleet

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// fakeLighthouse adds a region's Lighthouse instances and blueprints to
// fakeSource (a unit-test double of *tencent.Client).
type fakeLighthouse struct {
	fakeSource
	lhInstances []tencent.LighthouseInstance
	blueprints  map[string]tencent.Blueprint
	described   [][]string
}

func (f *fakeLighthouse) ListLighthouseInstancesProgress(_ context.Context, _ []tencent.Filter, progress func(int, int)) ([]tencent.LighthouseInstance, error) {
	if progress != nil {
		progress(len(f.lhInstances), len(f.lhInstances))
	}
	return f.lhInstances, nil
}

func (f *fakeLighthouse) DescribeBlueprints(_ context.Context, ids []string) ([]tencent.Blueprint, error) {
	f.described = append(f.described, ids)
	var out []tencent.Blueprint
	for _, id := range ids {
		if b, ok := f.blueprints[id]; ok {
			out = append(out, b)
		}
	}
	return out, nil
}

func blueprintJudge(t *testing.T) BlueprintJudge {
	t.Helper()
	cat, err := lifecycle.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	p := policy.Policy{Lifecycle: lifecycle.DefaultPolicy()}
	return Evaluator{Catalog: cat, Policy: p, Today: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)}.JudgeBlueprint
}

func TestCollectLighthouse(t *testing.T) {
	src := &fakeLighthouse{
		fakeSource: fakeSource{region: "ap-guangzhou",
			instances: []tencent.Instance{{ID: "ins-cvm00001", ImageID: "img-debian13"}},
			images:    map[string]tencent.Image{"img-debian13": pub("img-debian13", "Debian 13.1 64位")}},
		lhInstances: []tencent.LighthouseInstance{
			{ID: "lhins-b", BlueprintID: "lhbp-centos79"}, {ID: "lhins-a", BlueprintID: "lhbp-centos79"},
			{ID: "lhins-c", BlueprintID: "lhbp-debian13"},
			{ID: "lhins-d", BlueprintID: "lhbp-gone0001", OsName: "Ubuntu Server 18.04.1 LTS 64bit", Platform: "UBUNTU"},
		},
		blueprints: map[string]tencent.Blueprint{
			"lhbp-centos79": {ID: "lhbp-centos79", Name: "CentOS 7.9 64bit", OsName: "CentOS 7.9 64bit", Platform: "CENTOS", Type: BlueprintPureOS},
			"lhbp-debian13": {ID: "lhbp-debian13", Name: "Debian 13.1 64bit", OsName: "Debian 13.1 64bit", Platform: "DEBIAN", Type: BlueprintPureOS},
		},
	}
	tests := []struct {
		name      string
		products  []string
		instances []string // in report order
		images    []string
	}{
		{name: "default is cvm", instances: []string{"ins-cvm00001"}, images: []string{"img-debian13"}},
		{name: "lighthouse only", products: []string{ProductLighthouse},
			instances: []string{"lhins-a", "lhins-b", "lhins-d", "lhins-c"}, images: []string{"lhbp-centos79", "lhbp-gone0001", "lhbp-debian13"}},
		{name: "both", products: []string{ProductLighthouse, ProductCVM},
			instances: []string{"lhins-a", "lhins-b", "lhins-d", "ins-cvm00001", "lhins-c"},
			images:    []string{"lhbp-centos79", "lhbp-gone0001", "img-debian13", "lhbp-debian13"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src.described = nil
			rep, err := Collect(context.Background(), []Source{src}, Options{Judge: evaluator(t, policy.Policy{}),
				JudgeBlueprint: blueprintJudge(t), Products: tt.products})
			if err != nil {
				t.Fatal(err)
			}
			var ins, imgs []string
			for _, in := range rep.Instances {
				ins = append(ins, in.ID)
			}
			for _, im := range rep.Images {
				imgs = append(imgs, im.ID)
			}
			if strings.Join(ins, " ") != strings.Join(tt.instances, " ") || strings.Join(imgs, " ") != strings.Join(tt.images, " ") {
				t.Fatalf("instances %v images %v, want %v %v", ins, imgs, tt.instances, tt.images)
			}
			if rep.Counts.Total != len(tt.instances) || rep.Counts.ByRegion["ap-guangzhou"] != len(tt.instances) {
				t.Fatalf("counts %+v", rep.Counts)
			}
		})
	}
	src.described = nil
	rep, err := Collect(context.Background(), []Source{src}, Options{Judge: evaluator(t, policy.Policy{}),
		JudgeBlueprint: blueprintJudge(t), Products: []string{ProductLighthouse}})
	if err != nil {
		t.Fatal(err)
	}
	if len(src.described) != 1 || len(src.described[0]) != 3 {
		t.Fatalf("DescribeBlueprints calls %v, want one call with the 3 distinct blueprints", src.described)
	}
	byID := map[string]Instance{}
	for _, in := range rep.Instances {
		byID[in.ID] = in
	}
	eol := byID["lhins-a"]
	if eol.Product != ProductLighthouse || eol.Group != GroupEOL || eol.ImageID != "lhbp-centos79" ||
		!strings.Contains(strings.Join(eol.Reasons, "\n"), "blueprint lhbp-centos79 (CentOS 7.9 64bit) is not allowed") {
		t.Fatalf("lhins-a: %+v", eol)
	}
	if gone := byID["lhins-d"]; gone.Group != GroupExtended || gone.OsName != "Ubuntu Server 18.04.1 LTS 64bit" {
		t.Fatalf("instance on a deleted blueprint is judged by its own OsName: %+v", gone)
	}
	for _, im := range rep.Images {
		if im.ID == "lhbp-gone0001" && !im.Missing {
			t.Fatalf("deleted blueprint not marked missing: %+v", im)
		}
		if im.ID == "lhbp-debian13" && (im.Type != BlueprintPureOS || im.Group != GroupOK || len(im.Instances) != 1) {
			t.Fatalf("debian blueprint row: %+v", im)
		}
	}
}

func TestCollectProductErrors(t *testing.T) {
	src := &fakeSource{region: "ap-guangzhou"}
	tests := []struct {
		name string
		opt  Options
		want string
	}{
		{name: "unknown product", opt: Options{Products: []string{"cvm", "lighthous"}}, want: `products[1]: "lighthous" is not a product; use cvm, lighthouse`},
		{name: "no blueprint judge", opt: Options{Products: []string{"lighthouse"}}, want: "no blueprint judge"},
		{name: "source without lighthouse", opt: Options{Products: []string{"lighthouse"}, JudgeBlueprint: blueprintJudge(t)}, want: "cannot read Lighthouse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opt.Judge = evaluator(t, policy.Policy{})
			_, err := Collect(context.Background(), []Source{src}, tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want %q", err, tt.want)
			}
		})
	}
}
