package tcsim

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	cbs "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cbs/v20170312"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	vpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// imageRec is an image as tcsim stores it: the API fields (persisted under the same keys, as
// the embedded wire shape) plus internal ones.
type imageRec struct {
	imageWire

	// Internal, never on the wire.
	BackingRef     string   `json:"BackingRef"`
	LoginUser      string   `json:"DefaultLoginUser"`
	SharedAccounts []string `json:"SharedAccounts,omitempty"`
	// ShareTimes is when each account was shared with (DescribeImageSharePermission's CreatedTime).
	ShareTimes     map[string]string `json:"ShareTimes,omitempty"`
	SourceInstance string            `json:"SourceInstanceId,omitempty"`
	// Seeded images came from the catalog or a seed file, not from an API call, so orphan
	// checks (Resources) leave them out.
	Seeded bool  `json:"Seeded,omitempty"`
	Seq    int64 `json:"Seq"`
}

// imageWire is the DescribeImages shape; CreatedTime and ImageCreator are JSON null for public
// images exactly as the real API answers them.
type imageWire struct {
	ImageID            string  `json:"ImageId"`
	OsName             string  `json:"OsName"`
	ImageType          string  `json:"ImageType"`
	CreatedTime        *string `json:"CreatedTime"`
	ImageName          string  `json:"ImageName"`
	ImageDescription   string  `json:"ImageDescription"`
	ImageSize          int64   `json:"ImageSize"`
	Architecture       string  `json:"Architecture"`
	ImageState         string  `json:"ImageState"`
	Platform           string  `json:"Platform"`
	ImageCreator       *string `json:"ImageCreator"`
	ImageSource        string  `json:"ImageSource"`
	SyncPercent        int64   `json:"SyncPercent"`
	IsSupportCloudinit bool    `json:"IsSupportCloudinit"`
	SnapshotSet        []any   `json:"SnapshotSet"`
	Tags               []Tag   `json:"Tags"`
	LicenseType        string  `json:"LicenseType"`
	ImageFamily        string  `json:"ImageFamily"`
	ImageDeprecated    bool    `json:"ImageDeprecated"`
}

// wire is the image as DescribeImages answers it: empty lists are [] rather than null.
func (i *imageRec) wire() imageWire {
	w := i.imageWire
	if w.Tags == nil {
		w.Tags = []Tag{}
	}
	w.SnapshotSet = []any{}
	return w
}

// instanceRec is an instance: the SDK's Instance shape plus internal bookkeeping.
type instanceRec struct {
	Instance *cvm.Instance `json:"Instance"`
	// Backing is "machine" when a Backend machine backs the instance, otherwise "api-only: why".
	Backing    string `json:"Backing"`
	BackingRef string `json:"BackingRef,omitempty"`
	UserData   string `json:"-"`
	Password   string `json:"-"`
	Seq        int64  `json:"Seq"`
	// Disks are the CBS disks created with the instance (system disk first); they go with it.
	Disks []*cbs.Disk `json:"Disks,omitempty"`

	machine Machine
}

type keyPairRec struct {
	KeyPair *cvm.KeyPair `json:"KeyPair"`
	Seq     int64        `json:"Seq"`
}

type vpcRec struct {
	Vpc *vpc.Vpc `json:"Vpc"`
	Seq int64    `json:"Seq"`
}

type subnetRec struct {
	Subnet *vpc.Subnet `json:"Subnet"`
	Seq    int64       `json:"Seq"`
	NextIP uint32      `json:"NextIP"`
}

type securityGroupRec struct {
	SecurityGroup *vpc.SecurityGroup          `json:"SecurityGroup"`
	Policies      *vpc.SecurityGroupPolicySet `json:"Policies"`
	Seq           int64                       `json:"Seq"`
}

// regionState holds every resource of one region; regions never see each other's resources.
type regionState struct {
	Images         map[string]*imageRec         `json:"Images"`
	Instances      map[string]*instanceRec      `json:"Instances"`
	KeyPairs       map[string]*keyPairRec       `json:"KeyPairs"`
	Vpcs           map[string]*vpcRec           `json:"Vpcs"`
	Subnets        map[string]*subnetRec        `json:"Subnets"`
	SecurityGroups map[string]*securityGroupRec `json:"SecurityGroups"`
	Snapshots      map[string]*snapshotRec      `json:"Snapshots"`
	// ClientTokens maps a RunInstances ClientToken to the instance ids it created.
	ClientTokens map[string][]string `json:"ClientTokens"`
	// Lighthouse is nil until seeded (newWorld, or Server.lh for an older state file).
	Lighthouse *lhState `json:"Lighthouse,omitempty"`
}

func newRegionState() *regionState {
	return &regionState{
		Images:         map[string]*imageRec{},
		Instances:      map[string]*instanceRec{},
		KeyPairs:       map[string]*keyPairRec{},
		Vpcs:           map[string]*vpcRec{},
		Subnets:        map[string]*subnetRec{},
		SecurityGroups: map[string]*securityGroupRec{},
		Snapshots:      map[string]*snapshotRec{},
		ClientTokens:   map[string][]string{},
	}
}

// world is everything tcsim persists.
type world struct {
	Regions map[string]*regionState `json:"Regions"`
	Seq     int64                   `json:"Seq"`
	NextIP  uint32                  `json:"NextIP"`
}

func (w *world) next() int64 {
	w.Seq++
	return w.Seq
}

// newWorld seeds every region with the catalog.
func newWorld(regions []string, catalog []SeedImage) *world {
	w := &world{Regions: map[string]*regionState{}}
	for _, r := range regions {
		w.Regions[r] = newRegionState()
	}
	for _, s := range catalog {
		for _, r := range regions {
			if len(s.Regions) > 0 && !contains(s.Regions, r) {
				continue
			}
			im := imageFromSeed(s)
			im.Seq = w.next()
			w.Regions[r].Images[im.ImageID] = im
		}
	}
	for _, r := range regions {
		w.Regions[r].Lighthouse = newLHState()
		seedBlueprints(w.Regions[r].Lighthouse, w.next)
	}
	return w
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// sortedBySeq returns the map's values in creation order, the order Describe* answers in.
func sortedBySeq[T any](m map[string]T, seq func(T) int64) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return seq(out[i]) < seq(out[j]) })
	return out
}

// loadWorld reads a state file; machines do not survive a restart, so backed instances come
// back API-only and say so.
func loadWorld(path string) (*world, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var w world
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("parse state file %s: %w", path, err)
	}
	for _, rs := range w.Regions {
		if rs.ClientTokens == nil {
			rs.ClientTokens = map[string][]string{}
		}
		if rs.Snapshots == nil {
			rs.Snapshots = map[string]*snapshotRec{}
		}
		for _, in := range rs.Instances {
			if in.Backing == "machine" {
				in.Backing = "api-only: machine lost when tcsim restarted"
			}
		}
		if rs.Lighthouse != nil {
			for _, in := range rs.Lighthouse.Instances {
				if in.Backing == "machine" {
					in.Backing = "api-only: machine lost when tcsim restarted"
				}
			}
		}
	}
	return &w, nil
}

// saveWorld writes the state file atomically (temp file + rename).
func saveWorld(path string, w *world) error {
	b, err := json.MarshalIndent(w, "", " ")
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tcsim-state-*")
	if err != nil {
		return fmt.Errorf("write state file: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("write state file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write state file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write state file: %w", err)
	}
	return nil
}

// instancesWhere lists the ids of the instances that match, sorted so that a
// ResourceInUse message names them in the same order every time.
func (rs *regionState) instancesWhere(match func(*instanceRec) bool) []string {
	var ids []string
	for id, in := range rs.Instances {
		if match(in) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}
