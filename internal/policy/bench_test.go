package policy

import (
	"fmt"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

// BenchmarkEvaluatePage measures one DescribeImages-sized page of 1000
// images: parse OsName, lifecycle status and policy decision for each.
func BenchmarkEvaluatePage(b *testing.B) {
	cat, err := lifecycle.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	names := []string{"CentOS 7.9 64位", "Ubuntu Server 22.04 LTS 64位", "Debian 13.1 64位", "Debian 12.4 64位",
		"TencentOS Server 3.2 (Final)", "Windows Server 2019 数据中心版 64位中文版", "Rocky Linux 9.4 64位", "FreeBSD 14.0 64位"}
	page := make([]Image, 1000)
	for i := range page {
		page[i] = Image{ID: fmt.Sprintf("img-%08d", i), OsName: names[i%len(names)]}
	}
	p := Policy{Lifecycle: lifecycle.DefaultPolicy(), AllowedOS: []Selector{{Family: "debian"}, {Family: "ubuntu"}, {Family: "tencentos"}}}
	b.ReportAllocs()
	for b.Loop() {
		blocked := 0
		for _, img := range page {
			rel, os, _ := cat.Parse(img.OsName, "")
			d := Evaluate(Input{Image: img, OS: os, Status: cat.Evaluate(rel, today, p.Lifecycle)}, p, today)
			if !d.Allowed {
				blocked++
			}
		}
		if blocked == 0 {
			b.Fatal("no image blocked: the benchmark is not exercising violations")
		}
	}
}
