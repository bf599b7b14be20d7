package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jedib0t/go-pretty/v6/table"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/fleet"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

// row is one instance or image in the flat formats (CSV, table, HTML).
type row struct {
	Kind, Product, Region, ID, Name, ImageID, Type string
	Instances                                      int // image rows: instances running it
	fleet.Finding
}

func rows(rep *fleet.Report) (instances, images []row) {
	for _, in := range rep.Instances {
		instances = append(instances, row{Kind: "instance", Product: in.Product, Region: in.Region, ID: in.ID, Name: in.Name, ImageID: in.ImageID, Finding: in.Finding})
	}
	for _, img := range rep.Images {
		typ := img.Type
		if img.Missing {
			typ = "(deleted)"
		}
		images = append(images, row{Kind: "image", Product: img.Product, Region: img.Region, ID: img.ID, Name: img.Name, ImageID: img.ID, Type: typ,
			Instances: len(img.Instances), Finding: img.Finding})
	}
	return instances, images
}

// superseded is the number of instances on a deprecated image that a newer
// image of its family supersedes.
func superseded(rep *fleet.Report) int {
	n := 0
	for _, in := range rep.Instances {
		if in.SupersededBy != "" {
			n++
		}
	}
	return n
}

// moveTo is the table's successor cell: the release to move to and, for a
// deprecated image, the image of its family that supersedes it.
func moveTo(f fleet.Finding) string {
	parts := []string{}
	if f.Successor != "" {
		parts = append(parts, f.Successor)
	}
	if f.SupersededBy != "" {
		parts = append(parts, "image "+f.SupersededBy)
	}
	return strings.Join(parts, "; ")
}

func days(d *int) string {
	if d == nil {
		return ""
	}
	return strconv.Itoa(*d)
}

func write(w io.Writer, format string, rep *fleet.Report, today time.Time) error {
	switch format {
	case "json":
		return writeJSON(w, rep, today)
	case "csv":
		return writeCSV(w, rep)
	case "html":
		return writeHTML(w, rep, today)
	}
	return writeTable(w, rep, today)
}

var csvHeader = []string{"kind", "product", "region", "id", "name", "image_id", "image_type", "instances", "os_name", "group", "phase",
	"eol_date", "days_left", "successor", "superseded_by", "allowed", "provenance", "findings"}

func writeCSV(w io.Writer, rep *fleet.Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	ins, imgs := rows(rep)
	for _, r := range append(ins, imgs...) {
		n := ""
		if r.Kind == "image" {
			n = strconv.Itoa(r.Instances)
		}
		if err := cw.Write([]string{r.Kind, r.Product, r.Region, r.ID, r.Name, r.ImageID, r.Type, n, r.OsName, r.Group, r.Phase,
			r.EOLDate, days(r.DaysToEOL), r.Successor, r.SupersededBy, strconv.FormatBool(r.Allowed), r.Provenance, strings.Join(r.Codes, " ")}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func writeTable(w io.Writer, rep *fleet.Report, today time.Time) error {
	fmt.Fprintf(w, "Fleet report %s: %d instances in %s\n", lifecycle.FormatDate(today), rep.Counts.Total, strings.Join(rep.Regions, ", "))
	var counts []string
	for _, g := range fleet.Groups() {
		counts = append(counts, fmt.Sprintf("%s %d", g, rep.Counts.ByGroup[g]))
	}
	counts = append(counts, fmt.Sprintf("(on a superseded image: %d)", superseded(rep)))
	fmt.Fprintln(w, strings.Join(counts, " · "))
	ins, imgs := rows(rep)
	render := func(title string, header table.Row, rs []row, cells func(row) table.Row) {
		t := table.NewWriter()
		t.SetOutputMirror(w)
		t.SetTitle(title)
		t.AppendHeader(header)
		for _, r := range rs {
			t.AppendRow(cells(r))
		}
		t.SetStyle(table.StyleLight)
		fmt.Fprintln(w)
		t.Render()
	}
	render("Instances", table.Row{"Product", "Region", "Instance", "Name", "Image", "OS", "Group", "Phase", "EOL", "Days left", "Successor", "Provenance", "Findings"},
		ins, func(r row) table.Row {
			return table.Row{r.Product, r.Region, r.ID, r.Name, r.ImageID, r.OsName, r.Group, r.Phase, r.EOLDate, days(r.DaysToEOL), moveTo(r.Finding), r.Provenance, strings.Join(r.Codes, " ")}
		})
	render("Images", table.Row{"Product", "Region", "Image", "Type", "Instances", "OS", "Group", "Phase", "EOL", "Days left", "Successor", "Provenance", "Findings"},
		imgs, func(r row) table.Row {
			return table.Row{r.Product, r.Region, r.ID, r.Type, r.Instances, r.OsName, r.Group, r.Phase, r.EOLDate, days(r.DaysToEOL), moveTo(r.Finding), r.Provenance, strings.Join(r.Codes, " ")}
		})
	return nil
}

// jsonFinding etc. fix the JSON field names (snake_case, stable for jq).
type jsonFinding struct {
	OsName    string `json:"os_name"`
	Group     string `json:"group"`
	Phase     string `json:"phase"`
	EOLDate   string `json:"eol_date"`
	DaysLeft  *int   `json:"days_left"`
	Successor string `json:"successor"`
	// SupersededBy: the newer image of the family (the image is deprecated).
	SupersededBy string   `json:"superseded_by"`
	Allowed      bool     `json:"allowed"`
	Provenance   string   `json:"provenance"`
	Codes        []string `json:"findings"`
	Reasons      []string `json:"reasons"`
	// OutOfSLA: fixable vulnerabilities of the image past the policy's
	// vulnerability_sla_days (fleet.Finding.OutOfSLA).
	OutOfSLA []jsonBreach `json:"out_of_sla"`
}

type jsonBreach struct {
	CVE          string `json:"cve"`
	Package      string `json:"package"`
	FixedVersion string `json:"fixed_version"`
	Severity     string `json:"severity"`
	FixPublished string `json:"fix_published"`
	AgeDays      int    `json:"age_days"`
	SLADays      int    `json:"sla_days"`
}

type jsonInstance struct {
	Product string `json:"product"` // cvm or lighthouse (image_id is then a blueprint id)
	Region  string `json:"region"`
	ID      string `json:"instance_id"`
	Name    string `json:"name"`
	State   string `json:"state"`
	Zone    string `json:"zone"`
	ImageID string `json:"image_id"`
	jsonFinding
}

type jsonImage struct {
	Product   string   `json:"product"` // cvm or lighthouse (a blueprint; type is its BlueprintType)
	Region    string   `json:"region"`
	ID        string   `json:"image_id"`
	Name      string   `json:"name"`
	Type      string   `json:"type"`
	Missing   bool     `json:"missing"`
	Instances []string `json:"instance_ids"`
	jsonFinding
}

type jsonReport struct {
	Today   string         `json:"today"`
	Regions []string       `json:"regions"`
	Total   int            `json:"total"`
	Counts  map[string]int `json:"counts"`
	// Superseded counts instances on a deprecated image of a family,
	// whatever their group.
	Superseded int `json:"superseded"`
	// OutOfSLA counts instances on an image with a vulnerability past its
	// vulnerability_sla_days, whatever their group.
	OutOfSLA  int            `json:"out_of_sla"`
	ByRegion  map[string]int `json:"by_region"`
	Instances []jsonInstance `json:"instances"`
	Images    []jsonImage    `json:"images"`
}

func jsonOf(f fleet.Finding) jsonFinding {
	j := jsonFinding{OsName: f.OsName, Group: f.Group, Phase: f.Phase, EOLDate: f.EOLDate, DaysLeft: f.DaysToEOL,
		Successor: f.Successor, SupersededBy: f.SupersededBy, Allowed: f.Allowed, Provenance: f.Provenance, Codes: f.Codes, Reasons: f.Reasons}
	if j.Codes == nil {
		j.Codes, j.Reasons = []string{}, []string{}
	}
	j.OutOfSLA = []jsonBreach{}
	for _, b := range f.OutOfSLA {
		j.OutOfSLA = append(j.OutOfSLA, jsonBreach{CVE: b.CVE, Package: b.Package, FixedVersion: b.FixedVersion, Severity: b.Severity,
			FixPublished: lifecycle.FormatDate(lifecycle.Day(b.FixPublished)), AgeDays: b.AgeDays, SLADays: b.SLADays})
	}
	return j
}

func writeJSON(w io.Writer, rep *fleet.Report, today time.Time) error {
	out := jsonReport{Today: lifecycle.FormatDate(today), Regions: rep.Regions, Total: rep.Counts.Total, Counts: rep.Counts.ByGroup, Superseded: superseded(rep),
		OutOfSLA: rep.Counts.OutOfSLA, ByRegion: rep.Counts.ByRegion, Instances: []jsonInstance{}, Images: []jsonImage{}}
	for _, in := range rep.Instances {
		out.Instances = append(out.Instances, jsonInstance{Product: in.Product, Region: in.Region, ID: in.ID, Name: in.Name, State: in.State, Zone: in.Zone,
			ImageID: in.ImageID, jsonFinding: jsonOf(in.Finding)})
	}
	for _, img := range rep.Images {
		out.Images = append(out.Images, jsonImage{Product: img.Product, Region: img.Region, ID: img.ID, Name: img.Name, Type: img.Type, Missing: img.Missing,
			Instances: img.Instances, jsonFinding: jsonOf(img.Finding)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
