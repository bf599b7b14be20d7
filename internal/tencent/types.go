package tencent

import (
	"time"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	vpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// Filter is a Describe* filter: Name with any of Values.
type Filter struct {
	Name   string
	Values []string
}

// Image is a CVM image.
type Image struct {
	ID           string
	Name         string
	OsName       string
	Type         string // PUBLIC_IMAGE, PRIVATE_IMAGE, SHARED_IMAGE, MARKET_IMAGE
	State        string // NORMAL, CREATING, CREATEFAILED, SYNCING, ...
	Platform     string
	Architecture string
	Source       string // OFFICIAL, CREATE_IMAGE, EXTERNAL_IMPORT
	Family       string
	Description  string
	Creator      string
	LicenseType  string
	SizeGB       int64
	// CreatedTime is nil when the API does not say (always for public images).
	CreatedTime      *time.Time
	Deprecated       bool
	SupportCloudInit bool
	Tags             map[string]string
}

// Instance is a CVM instance.
type Instance struct {
	ID                     string
	Name                   string
	State                  string
	ImageID                string
	OsName                 string
	InstanceType           string
	Zone                   string
	VpcID                  string
	SubnetID               string
	PrivateIPs             []string
	PublicIPs              []string
	SecurityGroupIDs       []string
	KeyIDs                 []string
	LatestOperation        string
	LatestOperationState   string // SUCCESS, OPERATING, FAILED
	LatestOperationRequest string
	LatestOperationError   string
	DefaultLoginUser       string
	DefaultLoginPort       int64
	ChargeType             string
	TerminationProtected   bool
	CreatedTime            *time.Time
	Tags                   map[string]string
}

// KeyPair is an SSH key pair; PrivateKey is only set by CreateKeyPair.
type KeyPair struct {
	ID          string
	Name        string
	PublicKey   string
	PrivateKey  string
	InstanceIDs []string
	Tags        map[string]string
}

// Vpc is a VPC.
type Vpc struct {
	ID   string
	Name string
	CIDR string
	Tags map[string]string
}

// Subnet is a VPC subnet.
type Subnet struct {
	ID    string
	VpcID string
	Name  string
	CIDR  string
	Zone  string
	Tags  map[string]string
}

// SecurityGroup is a security group.
type SecurityGroup struct {
	ID          string
	Name        string
	Description string
	Tags        map[string]string
}

// SecurityGroupRule is one ingress or egress policy.
type SecurityGroupRule struct {
	Protocol    string // TCP, UDP, ICMP, ALL
	Port        string // "22", "80,443", "8000-9000", "ALL"
	CIDR        string
	Action      string // ACCEPT or DROP
	Description string
}

func s(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func ss(in []*string) []string {
	out := make([]string, 0, len(in))
	for _, p := range in {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out
}

func ptrs(in []string) []*string {
	out := make([]*string, 0, len(in))
	for i := range in {
		out = append(out, &in[i])
	}
	return out
}

func sp(v string) *string { return &v }

// parseTime accepts the API's two timestamp layouts; nil when absent or unparsable.
func parseTime(p *string) *time.Time {
	if p == nil || *p == "" {
		return nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, *p); err == nil {
			return &t
		}
	}
	return nil
}

func imageFromSDK(im *cvm.Image) Image {
	out := Image{
		ID: s(im.ImageId), Name: s(im.ImageName), OsName: s(im.OsName), Type: s(im.ImageType), State: s(im.ImageState),
		Platform: s(im.Platform), Architecture: s(im.Architecture), Source: s(im.ImageSource), Family: s(im.ImageFamily),
		Description: s(im.ImageDescription), Creator: s(im.ImageCreator), LicenseType: s(im.LicenseType),
		CreatedTime: parseTime(im.CreatedTime), Tags: map[string]string{},
	}
	if im.ImageSize != nil {
		out.SizeGB = *im.ImageSize
	}
	if im.ImageDeprecated != nil {
		out.Deprecated = *im.ImageDeprecated
	}
	if im.IsSupportCloudinit != nil {
		out.SupportCloudInit = *im.IsSupportCloudinit
	}
	for _, t := range im.Tags {
		if t != nil {
			out.Tags[s(t.Key)] = s(t.Value)
		}
	}
	return out
}

func instanceFromSDK(in *cvm.Instance) Instance {
	out := Instance{
		ID: s(in.InstanceId), Name: s(in.InstanceName), State: s(in.InstanceState), ImageID: s(in.ImageId),
		OsName: s(in.OsName), InstanceType: s(in.InstanceType), PrivateIPs: ss(in.PrivateIpAddresses),
		PublicIPs: ss(in.PublicIpAddresses), SecurityGroupIDs: ss(in.SecurityGroupIds),
		LatestOperation: s(in.LatestOperation), LatestOperationState: s(in.LatestOperationState),
		LatestOperationRequest: s(in.LatestOperationRequestId), LatestOperationError: s(in.LatestOperationErrorMsg),
		DefaultLoginUser: s(in.DefaultLoginUser), ChargeType: s(in.InstanceChargeType),
		CreatedTime: parseTime(in.CreatedTime), Tags: map[string]string{},
	}
	if in.Placement != nil {
		out.Zone = s(in.Placement.Zone)
	}
	if in.VirtualPrivateCloud != nil {
		out.VpcID, out.SubnetID = s(in.VirtualPrivateCloud.VpcId), s(in.VirtualPrivateCloud.SubnetId)
	}
	if in.LoginSettings != nil {
		out.KeyIDs = ss(in.LoginSettings.KeyIds)
	}
	if in.DefaultLoginPort != nil {
		out.DefaultLoginPort = *in.DefaultLoginPort
	}
	if in.DisableApiTermination != nil {
		out.TerminationProtected = *in.DisableApiTermination
	}
	for _, t := range in.Tags {
		if t != nil {
			out.Tags[s(t.Key)] = s(t.Value)
		}
	}
	return out
}

func vpcTagMap(tags []*vpc.Tag) map[string]string {
	out := map[string]string{}
	for _, t := range tags {
		if t != nil {
			out[s(t.Key)] = s(t.Value)
		}
	}
	return out
}

func cvmFilters(in []Filter) []*cvm.Filter {
	out := make([]*cvm.Filter, 0, len(in))
	for _, f := range in {
		out = append(out, &cvm.Filter{Name: sp(f.Name), Values: ptrs(append([]string(nil), f.Values...))})
	}
	return out
}

func vpcFilters(in []Filter) []*vpc.Filter {
	out := make([]*vpc.Filter, 0, len(in))
	for _, f := range in {
		out = append(out, &vpc.Filter{Name: sp(f.Name), Values: ptrs(append([]string(nil), f.Values...))})
	}
	return out
}

func cvmTagSpec(resourceType string, tags map[string]string) []*cvm.TagSpecification {
	if len(tags) == 0 {
		return nil
	}
	spec := &cvm.TagSpecification{ResourceType: sp(resourceType)}
	for _, k := range sortedKeys(tags) {
		spec.Tags = append(spec.Tags, &cvm.Tag{Key: sp(k), Value: sp(tags[k])})
	}
	return []*cvm.TagSpecification{spec}
}

func vpcTags(tags map[string]string) []*vpc.Tag {
	var out []*vpc.Tag
	for _, k := range sortedKeys(tags) {
		out = append(out, &vpc.Tag{Key: sp(k), Value: sp(tags[k])})
	}
	return out
}
