package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

func TestRatio(t *testing.T) {
	for _, tc := range []struct {
		name           string
		official, ours value
		want           string
	}{
		{"both numbers", num(40), num(10), "0.25x"},
		{"ours slower", num(2), num(3), "1.50x"},
		{"both zero", num(0), num(0), "="},
		{"official zero", num(0), num(3), "-"},
		{"official failed", text("NO"), num(3), "-"},
		{"texts", text("yes"), text("yes"), "-"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ratio(row{"m", tc.official, tc.ours}); got != tc.want {
				t.Errorf("ratio(%v, %v) = %q, want %q", tc.official, tc.ours, got, tc.want)
			}
		})
	}
}

func TestLeftovers(t *testing.T) {
	r := tcsim.RegionResources{
		Instances:     map[string]string{"ins-1": "RUNNING"},
		PrivateImages: map[string]string{"img-1": "NORMAL"},
		KeyPairs:      []string{"skey-1"}, Vpcs: []string{"vpc-1"}, Subnets: []string{"subnet-1"},
		SecurityGroups: []string{"sg-1"}, Snapshots: []string{"snap-1"},
	}
	all := leftovers(r, false)
	want := []string{"image:img-1(NORMAL)", "instance:ins-1(RUNNING)", "key_pair:skey-1", "security_group:sg-1", "snapshot:snap-1", "subnet:subnet-1", "vpc:vpc-1"}
	if strings.Join(all, " ") != strings.Join(want, " ") {
		t.Errorf("leftovers = %v, want %v", all, want)
	}
	// A build's image (and its snapshot) is its artifact, not a leftover.
	if got := leftovers(r, true); len(got) != 5 {
		t.Errorf("leftovers keeping images = %v, want 5 entries", got)
	}
	if got := without(all, []string{"vpc-1", "sg-1"}); len(got) != 5 || strings.Contains(strings.Join(got, " "), "vpc-1") {
		t.Errorf("without the harness's network = %v", got)
	}
}

func TestParseFlags(t *testing.T) {
	t.Setenv("ANCHOR_TC_PROVIDER", "")
	t.Setenv("ANCHOR_TC_PACKER", "")
	for _, tc := range []struct {
		args []string
		err  string // substring; "" = valid
	}{
		{[]string{"-tc-provider", "/x/p", "-tc-packer", "/x/k"}, ""},
		{[]string{"-only", "terraform", "-tc-provider", "/x/p"}, ""},
		{[]string{"-only", "packer"}, "ANCHOR_TC_PACKER"},
		{[]string{"-only", "terraform"}, "ANCHOR_TC_PROVIDER"},
		{[]string{"-only", "vm", "-tc-provider", "/x/p"}, "-only"},
		{[]string{"-instances", "0", "-tc-provider", "/x/p", "-tc-packer", "/x/k"}, "-instances 0"},
		{[]string{"-throttle", "1", "-tc-provider", "/x/p", "-tc-packer", "/x/k"}, "-throttle"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, err := parseFlags(tc.args)
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("error %v, want one naming %q", err, tc.err)
			}
		})
	}
}

func TestTablePrint(t *testing.T) {
	var tb table
	tb.add("plan: API calls per instance", num(4), num(0.02))
	tb.add("destroy finished", yesNo(false), yesNo(true))
	tb.detail("terraform official apply", result{err: "boom", stats: tcsim.Stats{Total: 3, Actions: map[string]int64{"RunInstances": 1, "DescribeZones": 2}}})
	var b bytes.Buffer
	tb.print(&b)
	out := b.String()
	for _, want := range []string{"0.01x", "NO", "FAILED: boom", "DescribeZones=2 RunInstances=1"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
