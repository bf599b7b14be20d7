package main

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/fleet"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

// cmdVulns is the subcommand of the monthly vulnerability KPI report
// (fix timeliness and age of open vulnerabilities, per image and fleet).
const cmdVulns = "vulns"

// vulnsFormats are the formats of the KPI report: it is read by people
// (html) or by dashboards (json); a table of buckets adds nothing.
var vulnsFormats = []string{"json", "html"}

type jsonBucket struct {
	Label string `json:"label"`
	Min   int    `json:"min_days"`
	Max   *int   `json:"max_days"` // null: unbounded
	Count int    `json:"count"`
}

type jsonKPI struct {
	Open           int          `json:"open"`
	WithinSLA      int          `json:"within_sla"`
	OutOfSLA       int          `json:"out_of_sla"`
	NoSLA          int          `json:"no_sla"`
	TimelinessRate *float64     `json:"fix_timeliness_rate"` // null: nothing open has an SLA
	Ages           []jsonBucket `json:"age_days"`
	UnknownAge     int          `json:"age_unknown"`
}

type jsonKPIImage struct {
	Product   string `json:"product"`
	Region    string `json:"region"`
	ID        string `json:"id"`
	Name      string `json:"name"`
	Instances int    `json:"instances"`
	Scanned   bool   `json:"scanned"`
	jsonKPI
}

type jsonKPIReport struct {
	Today           string         `json:"today"`
	SLADays         map[string]int `json:"vulnerability_sla_days"`
	ImagesScanned   int            `json:"images_scanned"`
	ImagesUnscanned int            `json:"images_unscanned"`
	Fleet           jsonKPI        `json:"fleet"`
	Images          []jsonKPIImage `json:"images"`
}

func kpiJSON(k fleet.VulnKPI) jsonKPI {
	j := jsonKPI{Open: k.Open, WithinSLA: k.WithinSLA, OutOfSLA: k.OutOfSLA, NoSLA: k.NoSLA, TimelinessRate: k.TimelinessRate,
		UnknownAge: k.UnknownAge, Ages: []jsonBucket{}}
	for _, b := range k.Ages {
		jb := jsonBucket{Label: b.Label, Min: b.Min, Count: b.Count}
		if b.Max >= 0 {
			jb.Max = &b.Max
		}
		j.Ages = append(j.Ages, jb)
	}
	return j
}

func writeVulns(w io.Writer, format string, k fleet.KPIReport) error {
	if format == "html" {
		return writeVulnsHTML(w, k)
	}
	sla := k.SLADays
	if sla == nil {
		sla = map[string]int{}
	}
	j := jsonKPIReport{Today: lifecycle.FormatDate(k.Today), SLADays: sla, ImagesScanned: k.ImagesScanned, ImagesUnscanned: k.ImagesUnscanned,
		Fleet: kpiJSON(k.Fleet), Images: []jsonKPIImage{}}
	for _, img := range k.Images {
		j.Images = append(j.Images, jsonKPIImage{Product: img.Product, Region: img.Region, ID: img.ID, Name: img.Name, Instances: img.Instances,
			Scanned: img.Scanned, jsonKPI: kpiJSON(img.VulnKPI)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}

// bar is one bar of the inline SVG histogram.
type bar struct {
	Label        string
	Count        int
	X, Y, Height int
}

// Chart geometry of the histogram, in SVG user units.
const (
	chartHeight = 160
	barWidth    = 60
	barGap      = 20
)

func histogram(ages []fleet.AgeBucket) []bar {
	most := 0
	for _, b := range ages {
		most = max(most, b.Count)
	}
	out := make([]bar, 0, len(ages))
	for i, b := range ages {
		h := 0
		if most > 0 {
			h = b.Count * chartHeight / most
		}
		out = append(out, bar{Label: b.Label, Count: b.Count, X: barGap + i*(barWidth+barGap), Y: chartHeight + 20 - h, Height: h})
	}
	return out
}

func percent(r *float64) string {
	if r == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", *r*100)
}

// The page is self-contained: the chart is inline SVG, no script, nothing
// fetched; html/template escapes the image names from the cloud account.
var vulnsPage = template.Must(template.New("vulns").Funcs(template.FuncMap{"percent": percent}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Vulnerability KPIs {{.Today}}</title>
<style>body{font-family:sans-serif}table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}</style></head>
<body><h1>Vulnerability KPIs {{.Today}}</h1>
<p>{{.K.ImagesScanned}} image(s) with a vulnerability scan in their provenance, {{.K.ImagesUnscanned}} without.
Fix timeliness (open fixable vulnerabilities still within vulnerability_sla_days): <strong>{{percent .K.Fleet.TimelinessRate}}</strong>
({{.K.Fleet.WithinSLA}} within, {{.K.Fleet.OutOfSLA}} out of SLA, {{.K.Fleet.NoSLA}} without an SLA).</p>
<h2>Age of open vulnerabilities (days since the fix was published)</h2>
<svg xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="210" role="img" aria-label="age histogram">
{{range .Bars}}<rect x="{{.X}}" y="{{.Y}}" width="60" height="{{.Height}}" fill="#c33"/><text x="{{.X}}" y="{{.Y}}" dy="-4">{{.Count}}</text><text x="{{.X}}" y="200">{{.Label}}</text>
{{end}}</svg>
<p>{{.K.Fleet.UnknownAge}} open vulnerabilit(ies) without a fix date are not in the chart.</p>
<h2>Images</h2>
<table><tr><th>Product</th><th>Region</th><th>Image</th><th>Name</th><th>Instances</th><th>Scanned</th><th>Open</th><th>Within SLA</th><th>Out of SLA</th><th>Fix timeliness</th>{{range .Labels}}<th>{{.}} days</th>{{end}}</tr>
{{range .K.Images}}<tr><td>{{.Product}}</td><td>{{.Region}}</td><td>{{.ID}}</td><td>{{.Name}}</td><td>{{.Instances}}</td><td>{{.Scanned}}</td><td>{{.Open}}</td><td>{{.WithinSLA}}</td><td>{{.OutOfSLA}}</td><td>{{percent .TimelinessRate}}</td>{{range .Ages}}<td>{{.Count}}</td>{{end}}</tr>
{{end}}</table>
</body></html>
`))

func writeVulnsHTML(w io.Writer, k fleet.KPIReport) error {
	bars := histogram(k.Fleet.Ages)
	var labels []string
	for _, b := range k.Fleet.Ages {
		labels = append(labels, b.Label)
	}
	return vulnsPage.Execute(w, map[string]any{"Today": lifecycle.FormatDate(k.Today), "K": k, "Bars": bars, "Labels": labels,
		"Width": barGap + len(bars)*(barWidth+barGap)})
}
