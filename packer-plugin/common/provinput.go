package common

import (
	"encoding/json"
	"errors"
	"fmt"
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
		Hash string `json:"sha256"`
	} `json:"packages"`
	PackageSetHash string `json:"-"`
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
	if in.Packages.Hash != "" {
		in.PackageSetHash = "sha256:" + in.Packages.Hash
	}
	return in, nil
}
