package tcsim

import (
	"errors"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// TestLaunchAndResetShareTheImageCheck: RunInstances and ResetInstance judge the image with
// one check, so a malformed, unknown or busy image gets the same code and text from both
// (InvalidParameterValue.InvalidImageState for a non-NORMAL image, as the real API answers).
func TestLaunchAndResetShareTheImageCheck(t *testing.T) {
	srv := StartForTest(t)
	c, _ := sdkClients(t, srv)
	inst := runOne(t, srv, c, "img-9qrfy1xt", 0, "")
	// A second public image, put into a state no launch accepts.
	busy := ""
	srv.mu.Lock()
	for id, im := range srv.world.Regions["ap-guangzhou"].Images {
		if id != "img-9qrfy1xt" && busy == "" {
			busy, im.ImageState = id, "SYNCING"
		}
	}
	srv.mu.Unlock()
	if busy == "" {
		t.Fatal("the catalog has only one image in ap-guangzhou")
	}
	for _, tc := range []struct {
		name, image, code, message string
	}{
		{"malformed", "ubuntu", "InvalidImageId.Malformed", "The image id `ubuntu` is malformed; image ids look like img-xxxxxxxx."},
		{"unknown", "img-00000000", "InvalidImageId.NotFound", "The image `img-00000000` does not exist in ap-guangzhou."},
		{"not NORMAL", busy, "InvalidParameterValue.InvalidImageState",
			"The image `" + busy + "` is SYNCING; instances can only be launched from or reset to NORMAL images."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := cvm.NewRunInstancesRequest()
			run.Placement = &cvm.Placement{Zone: common.StringPtr("ap-guangzhou-3")}
			run.ImageId = common.StringPtr(tc.image)
			_, runErr := c.RunInstances(run)
			reset := cvm.NewResetInstanceRequest()
			reset.InstanceId, reset.ImageId = common.StringPtr(inst), common.StringPtr(tc.image)
			_, resetErr := c.ResetInstance(reset)
			for action, err := range map[string]error{"RunInstances": runErr, "ResetInstance": resetErr} {
				var e *tcerr.TencentCloudSDKError
				if !errors.As(err, &e) {
					t.Fatalf("%s: %v, want %s", action, err, tc.code)
				}
				if e.Code != tc.code || e.Message != tc.message {
					t.Errorf("%s: %s %q, want %s %q", action, e.Code, e.Message, tc.code, tc.message)
				}
			}
		})
	}
}

// TestLookupNamesFieldAndResource: the shared lookup answers a missing id with
// MissingParameter naming the field and an unknown one with ResourceNotFound naming the kind.
func TestLookupNamesFieldAndResource(t *testing.T) {
	m := map[string]*vpcRec{"vpc-12345678": {Seq: 1}}
	for _, tc := range []struct {
		id, code, message string
	}{
		{"", "MissingParameter", "The request is missing a required parameter `VpcId`."},
		{"vpc-00000000", "ResourceNotFound", "The VPC `vpc-00000000` does not exist."},
		{"vpc-12345678", "", ""},
	} {
		rec, e := lookup(m, "VpcId", "VPC", tc.id)
		switch {
		case tc.code == "" && (e != nil || rec != m[tc.id]):
			t.Errorf("lookup(%q) = %v, %v; want the record", tc.id, rec, e)
		case tc.code != "" && (e == nil || e.Code != tc.code || e.Message != tc.message):
			t.Errorf("lookup(%q) error = %v, want %s: %s", tc.id, e, tc.code, tc.message)
		}
	}
}
