package main

import (
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/fleet"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

// html/template escapes every value: OsName, names and tags come from the
// cloud account and must not inject markup into the page.
var page = template.Must(template.New("report").Funcs(template.FuncMap{"days": days, "moveTo": moveTo, "join": strings.Join}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Fleet report {{.Today}}</title>
<style>body{font-family:sans-serif}table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
.eol,.extended,.unknown,.unapproved{background:#fdd}.approaching_eol{background:#ffd}.ok{background:#dfd}</style></head>
<body><h1>Fleet report {{.Today}}</h1>
<p>{{.Total}} instances in {{join .Regions ", "}}</p>
<table><tr>{{range .Groups}}<th>{{.}}</th>{{end}}<th>on a superseded image</th></tr><tr>{{range .Groups}}<td>{{index $.Counts .}}</td>{{end}}<td>{{.Superseded}}</td></tr></table>
<h2>Instances</h2>
<table><tr><th>Product</th><th>Region</th><th>Instance</th><th>Name</th><th>Image</th><th>OS</th><th>Group</th><th>Phase</th><th>EOL</th><th>Days left</th><th>Successor</th><th>Provenance</th><th>Findings</th></tr>
{{range .Instances}}<tr class="{{.Group}}"><td>{{.Product}}</td><td>{{.Region}}</td><td>{{.ID}}</td><td>{{.Name}}</td><td>{{.ImageID}}</td><td>{{.OsName}}</td><td>{{.Group}}</td><td>{{.Phase}}</td><td>{{.EOLDate}}</td><td>{{days .DaysToEOL}}</td><td>{{moveTo .Finding}}</td><td>{{.Provenance}}</td><td>{{join .Reasons "; "}}</td></tr>
{{end}}</table>
<h2>Images</h2>
<table><tr><th>Product</th><th>Region</th><th>Image</th><th>Type</th><th>Instances</th><th>OS</th><th>Group</th><th>Phase</th><th>EOL</th><th>Days left</th><th>Successor</th><th>Provenance</th><th>Findings</th></tr>
{{range .Images}}<tr class="{{.Group}}"><td>{{.Product}}</td><td>{{.Region}}</td><td>{{.ID}}</td><td>{{.Type}}</td><td>{{.Instances}}</td><td>{{.OsName}}</td><td>{{.Group}}</td><td>{{.Phase}}</td><td>{{.EOLDate}}</td><td>{{days .DaysToEOL}}</td><td>{{moveTo .Finding}}</td><td>{{.Provenance}}</td><td>{{join .Reasons "; "}}</td></tr>
{{end}}</table>
</body></html>
`))

func writeHTML(w io.Writer, rep *fleet.Report, today time.Time) error {
	ins, imgs := rows(rep)
	return page.Execute(w, map[string]any{
		"Today": lifecycle.FormatDate(today), "Total": rep.Counts.Total, "Regions": rep.Regions, "Groups": fleet.Groups(),
		"Counts": rep.Counts.ByGroup, "Superseded": superseded(rep), "Instances": ins, "Images": imgs,
	})
}
