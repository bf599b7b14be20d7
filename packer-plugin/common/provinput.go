package common

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

// ProvenanceInput is what hardened-cis leaves on the machine for the
// builder: the JSON audit report of the harden bundle (bundle contract in
// hardening/DESIGN.md), of which the builder reads these fields.
type ProvenanceInput struct {
	Profile        string `json:"profile"`
	ProfileVersion string `json:"benchmark_version"`
	BundleVersion  string `json:"version"`
	Tool           string `json:"tool"`
	Summary        struct {
		Pass   int `json:"pass"`
		Fail   int `json:"fail"`
		Waived int `json:"waived"`
		Manual int `json:"manual"`
		Error  int `json:"error"`
	} `json:"summary"`
	Packages struct {
		Hash      string     `json:"sha256"`
		UpdatedAt *time.Time `json:"updated_at"`
	} `json:"packages"`
	// Vulns is the scan of `harden audit --vulns-feed` (vulns_feed); nil
	// when none ran.
	Vulns *struct {
		Summary struct {
			BySeverity        map[string]int `json:"by_severity"`
			FixableBySeverity map[string]int `json:"fixable_by_severity"`
			FeedDate          time.Time      `json:"feed_date"`
			Oldest            int            `json:"oldest_unpatched_fix_age_days"`
		} `json:"summary"`
		Findings []struct {
			ID           string     `json:"id"`
			Package      string     `json:"package"`
			FixedVersion string     `json:"fixed_version"`
			Fixable      bool       `json:"fixable"`
			Severity     string     `json:"severity"`
			FixPublished *time.Time `json:"fix_published"`
		} `json:"findings"`
	} `json:"vulns"`
	PackageSetHash string `json:"-"`
}

// Patched is when updates last changed the package set (zero: unknown).
func (in ProvenanceInput) Patched() time.Time {
	if in.Packages.UpdatedAt == nil {
		return time.Time{}
	}
	return in.Packages.UpdatedAt.UTC().Truncate(time.Second)
}

// ProvenanceVulns turns the scan into the provenance's vulnerability
// fields: counts by severity, feed date, oldest missing fix, and the
// fixable CVEs left in the image (oldest fix first, as many as fit the tags).
func (in ProvenanceInput) ProvenanceVulns() *provenance.Vulns {
	if in.Vulns == nil {
		return nil
	}
	s := in.Vulns.Summary
	v := &provenance.Vulns{
		FeedDate: s.FeedDate.UTC().Truncate(time.Second), OldestFixAgeDays: s.Oldest,
		Fixable: map[string]int{}, Unfixed: map[string]int{},
	}
	for sev, n := range s.BySeverity {
		v.Fixable[sev] = s.FixableBySeverity[sev]
		v.Unfixed[sev] = n - s.FixableBySeverity[sev]
	}
	for _, f := range in.Vulns.Findings {
		if !f.Fixable {
			continue
		}
		o := provenance.OpenVuln{CVE: f.ID, Package: f.Package, FixedVersion: f.FixedVersion, Severity: f.Severity}
		if f.FixPublished != nil {
			o.FixPublished = f.FixPublished.UTC()
		}
		v.Open = append(v.Open, o)
	}
	v.FitOpen()
	return v
}

// ParseProvenanceInput reads an audit report.
func ParseProvenanceInput(data []byte) (ProvenanceInput, error) {
	var in ProvenanceInput
	if err := json.Unmarshal(data, &in); err != nil {
		return in, fmt.Errorf("not a harden JSON report: %w", err)
	}
	if in.Profile == "" {
		return in, errors.New("report names no profile")
	}
	if in.Tool != "" {
		in.BundleVersion = in.Tool + " " + in.BundleVersion
	}
	if v := in.Vulns; v != nil && v.Summary.FeedDate.IsZero() {
		return in, errors.New("report's vulnerability scan has no feed date")
	}
	if in.Packages.Hash != "" {
		in.PackageSetHash = "sha256:" + in.Packages.Hash
	}
	return in, nil
}
