package cvm

import (
	"context"
	"strings"
	"testing"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	registryimage "github.com/hashicorp/packer-plugin-sdk/packer/registry/image"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

// TestBuilderFailureLeavesNothing runs the whole builder against tcsim with
// throttling everywhere and RunInstances failing: the build fails with the
// API's reason and every temporary resource made before is gone.
func TestBuilderFailureLeavesNothing(t *testing.T) {
	faults, err := tcsim.ParseFaultSpec("seed=3,*:throttle=0.2,RunInstances:internal=1")
	if err != nil {
		t.Fatal(err)
	}
	srv := tcsim.StartForTest(t, tcsim.WithFaults(faults))
	var b Builder
	_, _, err = b.Prepare(map[string]interface{}{
		"secret_id": srv.SecretID, "secret_key": srv.SecretKey, "region": testRegion, "zone": testRegion + "-3",
		"cvm_endpoint": srv.Endpoint(), "vpc_endpoint": srv.Endpoint(), "scheme": "http",
		"max_retries": 2, "poll_interval": "50ms", "today": "2026-11-23",
		"source_image_filter": map[string]interface{}{"os_family": "debian", "os_version": "13"},
		"image_name":          "debian13-cis", "ssh_cidr": "198.18.0.0/15",
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Run(context.Background(), packersdk.TestUi(t), &packersdk.MockHook{})
	if err == nil || !strings.Contains(err.Error(), "run instance") {
		t.Fatalf("want a RunInstances failure, got %v", err)
	}
	r := srv.Resources(testRegion)
	if len(r.Instances)+len(r.KeyPairs)+len(r.SecurityGroups)+len(r.Vpcs)+len(r.Subnets)+len(r.PrivateImages) != 0 {
		t.Fatalf("orphans after a failed build: %+v", r)
	}
	st := srv.Stats()
	for _, a := range []string{"ImportKeyPair", "CreateVpc", "CreateSubnet", "CreateSecurityGroup", "DeleteKeyPairs", "DeleteVpc", "DeleteSubnet", "DeleteSecurityGroup"} {
		if st.Actions[a] == 0 {
			t.Errorf("%s never called: the failure came too early to test cleanup (%v)", a, st.Actions)
		}
	}
}

func TestArtifactHCPMetadata(t *testing.T) {
	s, err := provenance.Sign(provenance.Record{ProfileID: "debian-13", BaseImageID: "img-base", BuildTime: fixedTime, BuilderVersion: "x"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := &Artifact{ImageID: "img-new", Region: "ap-guangzhou", SourceImageID: "img-base", SourceOsName: "Debian 13.1 64位",
		Copies: map[string][]string{"ap-shanghai": {"img-sh"}}, Provenance: &s}
	if a.Id() != "ap-guangzhou:img-new,ap-shanghai:img-sh" {
		t.Fatalf("id %s", a.Id())
	}
	imgs, ok := a.State(registryimage.ArtifactStateURI).([]*registryimage.Image)
	if !ok || len(imgs) != 2 {
		t.Fatalf("metadata %#v", a.State(registryimage.ArtifactStateURI))
	}
	im := imgs[0]
	if im.ImageID != "img-new" || im.ProviderName != "tencentcloud" || im.ProviderRegion != "ap-guangzhou" || im.SourceImageID != "img-base" ||
		im.Labels["profile"] != "debian-13" || im.Labels["base-image"] != "img-base" {
		t.Fatalf("image %+v", im)
	}
	if imgs[1].ProviderRegion != "ap-shanghai" || imgs[1].ImageID != "img-sh" {
		t.Fatalf("copy %+v", imgs[1])
	}
	if !strings.Contains(a.String(), "unsigned") {
		t.Errorf("String() does not say the provenance is unsigned: %s", a.String())
	}
}
