package fleet

import (
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

// AgeBuckets are the age ranges (days since the fix was published) of the
// KPI report's histogram; the last one has no upper bound (Max < 0). They
// follow the runbooks' SLAs: critical within 3 days, high/medium within 90.
var AgeBuckets = []AgeBucket{{Label: "0-3", Min: 0, Max: 3}, {Label: "4-30", Min: 4, Max: 30}, {Label: "31-90", Min: 31, Max: 90}, {Label: ">90", Min: 91, Max: -1}}

// AgeBucket is one bar of the age histogram.
type AgeBucket struct {
	Label    string
	Min, Max int // inclusive; Max < 0: unbounded
	Count    int
}

// VulnKPI is the fix timeliness and age distribution of a set of open
// (fixable, not yet applied) vulnerabilities on one day.
type VulnKPI struct {
	Open int // open fixable vulnerabilities the provenance lists
	// WithinSLA and OutOfSLA split the open vulnerabilities whose severity
	// has a vulnerability_sla_days and whose fix has a publication date;
	// NoSLA counts the others (never late, not in the rate).
	WithinSLA, OutOfSLA, NoSLA int
	// TimelinessRate is WithinSLA / (WithinSLA + OutOfSLA); nil when no
	// open vulnerability has an SLA (nothing to be late on).
	TimelinessRate *float64
	Ages           []AgeBucket
	UnknownAge     int // open vulnerabilities whose fix has no publication date
}

// ImageKPI is the VulnKPI of one image of the report.
type ImageKPI struct {
	Product, Region, ID, Name string
	Instances                 int
	Scanned                   bool // the image's provenance records a vulnerability scan
	VulnKPI
}

// KPIReport is the vulnerability KPI report: per image and for the fleet.
type KPIReport struct {
	Today                          time.Time
	SLADays                        map[string]int
	ImagesScanned, ImagesUnscanned int
	Fleet                          VulnKPI // every open vulnerability of every scanned image, once per image
	Images                         []ImageKPI
}

// VulnKPIs computes the KPI report of rep's images from the vulnerability
// summary of their provenance, with the policy's vulnerability_sla_days.
// Ages and lateness are counted on today exactly as policy.SLABreaches
// counts them, so the report agrees with the plan gate's findings.
func VulnKPIs(rep *Report, sla map[string]int, today time.Time) KPIReport {
	out := KPIReport{Today: lifecycle.Day(today), SLADays: sla, Fleet: newVulnKPI(), Images: []ImageKPI{}}
	for _, img := range rep.Images {
		k := ImageKPI{Product: img.Product, Region: img.Region, ID: img.ID, Name: img.Name, Instances: len(img.Instances),
			Scanned: img.Vulns != nil, VulnKPI: newVulnKPI()}
		if k.Scanned {
			out.ImagesScanned++
			k.add(img.Vulns, sla, today)
			out.Fleet.add(img.Vulns, sla, today)
		} else {
			out.ImagesUnscanned++
		}
		k.rate()
		out.Images = append(out.Images, k)
	}
	out.Fleet.rate()
	return out
}

func newVulnKPI() VulnKPI {
	return VulnKPI{Ages: append([]AgeBucket(nil), AgeBuckets...)}
}

// add counts v's open vulnerabilities into k.
func (k *VulnKPI) add(v *provenance.Vulns, sla map[string]int, today time.Time) {
	late := len(policy.SLABreaches(v, sla, today))
	k.OutOfSLA += late
	withSLA := 0
	for _, o := range v.Open {
		k.Open++
		if o.FixPublished.IsZero() {
			k.UnknownAge++
			k.NoSLA++
			continue
		}
		if _, ok := sla[o.Severity]; ok {
			withSLA++
		} else {
			k.NoSLA++
		}
		age := int(today.Sub(lifecycle.Day(o.FixPublished)).Hours() / 24)
		for i, b := range k.Ages {
			if b.Max < 0 || age <= b.Max { // a fix dated after today (clock skew) is in the first bar
				k.Ages[i].Count++
				break
			}
		}
	}
	k.WithinSLA += withSLA - late
}

func (k *VulnKPI) rate() {
	if n := k.WithinSLA + k.OutOfSLA; n > 0 {
		r := float64(k.WithinSLA) / float64(n)
		k.TimelinessRate = &r
	}
}
