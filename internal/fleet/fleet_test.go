package fleet

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// fakeSource is one region's instances and images (a unit-test double of
// *tencent.Client).
type fakeSource struct {
	region    string
	instances []tencent.Instance
	images    map[string]tencent.Image
	err       error
	described [][]string
}

func (f *fakeSource) Region() string { return f.region }

func (f *fakeSource) ListInstancesProgress(_ context.Context, _ []tencent.Filter, progress func(int, int)) ([]tencent.Instance, error) {
	if f.err != nil {
		return nil, f.err
	}
	if progress != nil {
		progress(len(f.instances), len(f.instances))
	}
	return f.instances, nil
}

func (f *fakeSource) DescribeImagesByID(_ context.Context, ids []string) (map[string]tencent.Image, error) {
	f.described = append(f.described, ids)
	out := map[string]tencent.Image{}
	for _, id := range ids {
		if img, ok := f.images[id]; ok {
			out[id] = img
		}
	}
	return out, nil
}

func evaluator(t *testing.T, p policy.Policy) Judge {
	t.Helper()
	cat, err := lifecycle.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	p.Lifecycle = lifecycle.DefaultPolicy()
	return Evaluator{Catalog: cat, Policy: p, Today: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)}.Judge
}

func pub(id, osName string) tencent.Image {
	return tencent.Image{ID: id, OsName: osName, Type: "PUBLIC_IMAGE", Platform: strings.Fields(osName)[0]}
}

func TestCollectGroupsByStatusImageAndRegion(t *testing.T) {
	gz := &fakeSource{region: "ap-guangzhou",
		instances: []tencent.Instance{
			{ID: "ins-b", ImageID: "img-centos79"}, {ID: "ins-a", ImageID: "img-centos79"},
			{ID: "ins-c", ImageID: "img-debian13"},
			{ID: "ins-d", ImageID: "img-gone0001", OsName: "Ubuntu Server 18.04 LTS 64位"},
		},
		images: map[string]tencent.Image{"img-centos79": pub("img-centos79", "CentOS 7.9 64位"), "img-debian13": pub("img-debian13", "Debian 13.1 64位")},
	}
	sh := &fakeSource{region: "ap-shanghai",
		instances: []tencent.Instance{{ID: "ins-e", ImageID: "img-rocky94"}},
		images:    map[string]tencent.Image{"img-rocky94": pub("img-rocky94", "Rocky Linux 9.4 64位")},
	}
	var progress []string
	rep, err := Collect(context.Background(), []Source{sh, gz}, Options{
		Judge:    evaluator(t, policy.Policy{AllowedOS: []policy.Selector{{Family: "debian"}, {Family: "centos"}, {Family: "ubuntu"}}}),
		Parallel: 1,
		Progress: func(region string, read, total int) { progress = append(progress, region) },
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range rep.Instances {
		got = append(got, in.Region+"/"+in.ID+"="+in.Group)
	}
	want := "ap-guangzhou/ins-a=eol ap-guangzhou/ins-b=eol ap-guangzhou/ins-d=extended ap-shanghai/ins-e=unapproved ap-guangzhou/ins-c=ok"
	if strings.Join(got, " ") != want {
		t.Errorf("instances\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if rep.Counts.Total != 5 || rep.Counts.ByGroup[GroupEOL] != 2 || rep.Counts.ByGroup[GroupExtended] != 1 || rep.Counts.ByGroup[GroupUnknown] != 0 ||
		rep.Counts.ByRegion["ap-guangzhou"] != 4 || rep.Counts.ByRegion["ap-shanghai"] != 1 {
		t.Errorf("counts = %+v", rep.Counts)
	}
	if len(gz.described) != 1 || len(gz.described[0]) != 3 {
		t.Errorf("guangzhou DescribeImagesByID calls = %v, want one call with the 3 distinct ids", gz.described)
	}
	if len(rep.Images) != 4 {
		t.Fatalf("images = %+v, want 4", rep.Images)
	}
	first := rep.Images[0]
	if first.ID != "img-centos79" || strings.Join(first.Instances, ",") != "ins-a,ins-b" || first.Successor != "rocky 9" ||
		first.EOLDate != "2024-06-30" || first.Allowed || first.Provenance != "none" {
		t.Errorf("first image row = %+v", first)
	}
	gone := rep.Images[1]
	if gone.ID != "img-gone0001" || !gone.Missing || gone.OsName != "Ubuntu Server 18.04 LTS 64位" {
		t.Errorf("deleted image row = %+v, want it judged by the instance's OsName", gone)
	}
	if strings.Join(rep.Regions, ",") != "ap-shanghai,ap-guangzhou" || len(progress) != 2 {
		t.Errorf("regions %v, progress %v", rep.Regions, progress)
	}
}

func TestCollectErrors(t *testing.T) {
	boom := errors.New("AuthFailure.SignatureFailure")
	for name, tc := range map[string]struct {
		opt  Options
		src  []Source
		want string
	}{
		"no judge":      {Options{}, nil, "no judge"},
		"region failed": {Options{Judge: evaluator(t, policy.Policy{})}, []Source{&fakeSource{region: "ap-tokyo", err: boom}}, "list instances in ap-tokyo: AuthFailure"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Collect(context.Background(), tc.src, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
