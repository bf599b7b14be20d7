package lifecycle

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestEmbeddedCatalog(t *testing.T) {
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	// reference/os-lifecycle.tsv has 36 releases; all must be embedded.
	if c.Len() != 36 {
		t.Errorf("embedded catalog has %d releases, want 36", c.Len())
	}
	for _, r := range c.All() {
		for k, d := range map[string]string{SourceGA: FormatDate(r.GA), SourceEOLStandard: FormatDate(r.EOLStandard), SourceEOLExtended: FormatDate(r.EOLExtended)} {
			if d != "" && r.Sources[k] == "" {
				t.Errorf("%s: %s %s has no source", r.Name(), k, d)
			}
		}
		if r.Successor != "" {
			fam, ver, ok := splitSuccessor(r.Successor)
			if !ok {
				t.Errorf("%s: successor %q not canonical", r.Name(), r.Successor)
			} else if _, ok := c.Lookup(fam, ver); !ok {
				t.Errorf("%s: successor %q is not in the catalog", r.Name(), r.Successor)
			}
		}
	}
	// Spot checks against the reference table, one per kind of row.
	spot := []struct {
		family, version, std, ext, succ string
		disputed                        bool
	}{
		{"ubuntu", "22.04", "2027-04-01", "2032-04-09", "ubuntu 24.04", false},
		{"debian", "12", "2026-07-11", "2028-06-30", "debian 13", false},
		{"centos", "7", "2024-06-30", "", "rocky 9", false},
		{"tencentos", "2", "2024-12-31", "", "tencentos 3", true},
		{"tencentos", "4", "", "", "", false},
		{"windows-server", "2012r2", "2023-10-10", "2026-10-13", "windows-server 2022", false},
		{"ubuntu", "25.10", "2026-07-31", "", "ubuntu 26.04", false},
	}
	for _, s := range spot {
		r, ok := c.Lookup(s.family, s.version)
		if !ok {
			t.Errorf("%s %s missing", s.family, s.version)
			continue
		}
		if FormatDate(r.EOLStandard) != s.std || FormatDate(r.EOLExtended) != s.ext || r.Successor != s.succ || r.Disputed != s.disputed {
			t.Errorf("%s: got std=%s ext=%s succ=%q disputed=%v", r.Name(), FormatDate(r.EOLStandard), FormatDate(r.EOLExtended), r.Successor, r.Disputed)
		}
	}
	if r, _ := c.Lookup("Ubuntu", "22.04.1"); !strings.Contains(r.Sources[SourceEOLStandard], "endoflife.date/ubuntu") {
		t.Errorf("ubuntu 22.04 source = %q", r.Sources[SourceEOLStandard])
	}
}

func TestOverrides(t *testing.T) {
	yes := true
	c, err := Load([]Override{
		// Settle the disputed TencentOS 2 date with the user's own source.
		{Family: "TencentOS Server", Version: "2.4", EOLStandard: "2027-12-31", Source: "internal support contract"},
		// Give TencentOS 4 a date so it stops being unknown.
		{Family: "tencentos", Version: "4", EOLStandard: "2034-12-31"},
		// Add a release the catalog does not know.
		{Family: "ubuntu", Version: "28.04", EOLStandard: "2033-05-31", Successor: "-", Codename: "future", LTS: &yes},
		{Family: "Rocky Linux", Version: "8", Successor: "almalinux 9"},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := c.Lookup("tencentos", "2")
	if FormatDate(r.EOLStandard) != "2027-12-31" || r.Sources[SourceEOLStandard] != "internal support contract" {
		t.Errorf("tencentos 2 override: %+v", r)
	}
	r, _ = c.Lookup("tencentos", "4")
	if FormatDate(r.EOLStandard) != "2034-12-31" || r.Sources[SourceEOLStandard] != "user override" {
		t.Errorf("tencentos 4 override: %+v", r)
	}
	if r, ok := c.Lookup("ubuntu", "28.04"); !ok || r.Codename != "future" || r.Successor != "" || !r.LTS {
		t.Errorf("added release: %+v %v", r, ok)
	}
	if r, _ := c.Lookup("rocky", "8"); r.Successor != "almalinux 9" || FormatDate(r.EOLStandard) != "2029-05-31" {
		t.Errorf("successor override kept dates? %+v", r)
	}
	// The embedded catalog itself is untouched.
	e, _ := Embedded()
	if r, _ := e.Lookup("tencentos", "2"); FormatDate(r.EOLStandard) != "2024-12-31" {
		t.Errorf("embedded catalog mutated: %s", FormatDate(r.EOLStandard))
	}
	if _, ok := e.Lookup("ubuntu", "28.04"); ok {
		t.Error("embedded catalog gained ubuntu 28.04")
	}
}

func TestOverrideErrorsNameTheField(t *testing.T) {
	tests := []struct {
		o     Override
		field string
	}{
		{Override{Family: "suse", Version: "15"}, "family"},
		{Override{Family: "ubuntu", Version: "22"}, "version"},
		{Override{Family: "ubuntu", Version: "22.04", EOLStandard: "April 2027"}, "eol_standard"},
		{Override{Family: "ubuntu", Version: "22.04", EOLExtended: "2020-01-01"}, "eol_extended"},
		{Override{Family: "centos", Version: "7", Successor: "gentoo 1"}, "successor"},
	}
	for _, tt := range tests {
		_, err := Load([]Override{{Family: "debian", Version: "13"}, tt.o})
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field || fe.Index != 1 {
			t.Errorf("%+v: error %v, want FieldError on %s at index 1", tt.o, err, tt.field)
		}
	}
}

func TestReadTableErrors(t *testing.T) {
	header := strings.Join(tableColumns, "\t") + "\n"
	row := func(cells ...string) string { return strings.Join(cells, "\t") + "\n" }
	tests := map[string]string{
		"no header":      "# only comments\n",
		"missing column": "family\tversion\n",
		"unknown family": header + row("suse", "15", "", "yes", "", "2028-01-01", "", "-", "no", "x"),
		"bad date":       header + row("debian", "12", "", "yes", "", "2026-13-01", "", "-", "no", "x"),
		"no source":      header + row("debian", "12", "", "yes", "", "2026-07-11", "", "-", "no", ""),
		"not canonical":  header + row("debian", "12.4", "", "yes", "", "", "", "-", "no", ""),
		"bad lts":        header + row("debian", "12", "", "maybe", "", "", "", "-", "no", ""),
		"short row":      header + "debian\t12\n",
		"duplicate":      header + row("debian", "12", "", "yes", "", "", "", "-", "no", "") + row("debian", "12", "", "yes", "", "", "", "-", "no", ""),
		"ext before std": header + row("debian", "12", "", "yes", "", "2026-07-11", "2025-01-01", "-", "no", "x"),
		"bad successor":  header + row("debian", "12", "", "yes", "", "", "", "sid", "no", ""),
	}
	for name, in := range tests {
		if _, err := ReadTable(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// FuzzLoadCatalog feeds arbitrary tables to the loader: it must not panic,
// and any table it accepts must build a catalog whose releases all satisfy
// the loader's own invariants.
func FuzzLoadCatalog(f *testing.F) {
	f.Add(embeddedTable)
	f.Add([]byte(strings.Join(tableColumns, "\t") + "\nubuntu\t22.04\tjammy\tyes\t\t2027-04-01\t2032-04-09\t24.04\tno\tsrc\n"))
	f.Add([]byte("family\n\t\t\n#\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rels, err := ReadTable(bytes.NewReader(data))
		if err != nil {
			return
		}
		c, err := New(rels...)
		if err != nil {
			t.Fatalf("ReadTable accepted duplicates: %v", err)
		}
		for _, r := range c.All() {
			if v, err := NormalizeVersion(r.Family, r.Version); err != nil || v != r.Version {
				t.Fatalf("accepted non-canonical %s/%s", r.Family, r.Version)
			}
			if !r.EOLExtended.IsZero() && r.EOLExtended.Before(r.EOLStandard) {
				t.Fatalf("accepted extended before standard for %s", r.Name())
			}
			if !r.EOLStandard.IsZero() && r.Sources[SourceEOLStandard] == "" {
				t.Fatalf("accepted a date without source for %s", r.Name())
			}
		}
	})
}

func TestFamilyNewestFirst(t *testing.T) {
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	versions := func(fam string) string {
		var v []string
		for _, r := range c.Family(fam) {
			v = append(v, r.Version)
		}
		return strings.Join(v, " ")
	}
	for fam, want := range map[string]string{
		"Ubuntu":         "26.04 25.10 25.04 24.10 24.04 23.10 22.04 20.04 18.04",
		"debian":         "13 12 11 10",
		"rocky":          "10 9 8",
		"Windows Server": "2025 2022 2019 2016 2012r2",
		"suse":           "",
	} {
		if got := versions(fam); got != want {
			t.Errorf("Family(%s) = %q, want %q", fam, got, want)
		}
	}
	less := [][2]string{{"9", "10"}, {"22.04", "24.04"}, {"2012", "2012r2"}, {"2012r2", "2016"}, {"7", "7.1"}}
	for _, p := range less {
		if !VersionLess(p[0], p[1]) || VersionLess(p[1], p[0]) {
			t.Errorf("VersionLess(%s, %s) wrong", p[0], p[1])
		}
	}
	if VersionLess("12", "12") {
		t.Error("VersionLess is not strict")
	}
}

// FuzzVersionLess: the comparison terminates and is a strict order on any
// input (override versions are user data).
func FuzzVersionLess(f *testing.F) {
	f.Add("22.04", "24.04")
	f.Add("2012r2", "2012")
	f.Add("123456789012", "123456789013")
	f.Fuzz(func(t *testing.T, a, b string) {
		if VersionLess(a, b) && VersionLess(b, a) {
			t.Fatalf("both %q < %q and %q < %q", a, b, b, a)
		}
		if VersionLess(a, a) {
			t.Fatalf("%q < itself", a)
		}
	})
}
