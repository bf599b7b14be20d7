package vulns

import (
	"fmt"
	"strconv"
	"time"

	"github.com/valyala/fastjson"
)

// osvRecord is the part of an OSV record that matching and reporting read:
// id, CVE names, summary, dates, the affected packages with their ranges and
// the severity words. Decoding only these fields with fastjson instead of the
// whole record with protojson into the osvschema types cut the CPU time of
// BenchmarkScanLargeFeed (50 000 records) from about 3 to about 1.2 s; the
// differential fuzz test FuzzDecodeMatchesProtojson keeps it in step with
// the schema's own decoder.
type osvRecord struct {
	id, summary         string
	aliases, upstream   []string
	published, modified time.Time
	withdrawn           bool
	severity            []string // severity[].score
	dbSpecific          ratings  // database_specific
	affected            []osvAffected
}

type osvAffected struct {
	ecosystem, name string
	ranges          []osvRange
	severity        []string // affected[].severity[].score
	ecoSpecific     ratings
	dbSpecific      ratings
}

// ratings are the string values of the severity words an OSV
// ecosystem_specific / database_specific object may carry.
type ratings struct{ severity, urgency string }

type osvRange struct {
	ecosystem bool // type ECOSYSTEM (GIT and SEMVER ranges are not matched)
	events    []rawEvent
}

// rawEvent is one introduced / fixed / last_affected event before version
// parsing; index is its position in the record's events list, for errors.
type rawEvent struct {
	kind  eventKind
	raw   string
	index int
}

// osvRangeEcosystem is the number of the ECOSYSTEM range type in the OSV
// protobuf schema, which protojson also accepts in place of the name.
const osvRangeEcosystem = 3

// decodeOSV reads one record. Like protojson it rejects a field of the wrong
// JSON type and a malformed timestamp and treats null as absent; the schema
// fixes the snake_case names (protojson ignores "lastAffected" too); fields it
// does not read are not checked.
func decodeOSV(v *fastjson.Value) (osvRecord, error) {
	o, err := object(v, "record")
	if err != nil {
		return osvRecord{}, err
	}
	f := &fields{o: o}
	r := osvRecord{id: f.str("id"), summary: f.str("summary"), aliases: f.strs("aliases"), upstream: f.strs("upstream"),
		published: f.time("published"), modified: f.time("modified"), severity: f.scores("severity"), dbSpecific: f.ratings("database_specific")}
	f.time("withdrawn")
	r.withdrawn = field(o, "withdrawn") != nil
	r.affected = each(f, "affected", decodeAffected)
	return r, f.err
}

func decodeAffected(v *fastjson.Value) (osvAffected, error) {
	o, err := object(v, "value")
	if err != nil {
		return osvAffected{}, err
	}
	f := &fields{o: o}
	a := osvAffected{severity: f.scores("severity"), ecoSpecific: f.ratings("ecosystem_specific"), dbSpecific: f.ratings("database_specific")}
	if pv := field(o, "package"); pv != nil && f.err == nil {
		po, err := object(pv, "package")
		if err != nil {
			return a, err
		}
		p := &fields{o: po, prefix: "package."}
		a.ecosystem, a.name = p.str("ecosystem"), p.str("name")
		f.fail(p.err)
	}
	a.ranges = each(f, "ranges", decodeRange)
	return a, f.err
}

func decodeRange(v *fastjson.Value) (osvRange, error) {
	var rg osvRange
	o, err := object(v, "value")
	if err != nil {
		return rg, err
	}
	switch t := field(o, "type"); {
	case t == nil:
	case t.Type() == fastjson.TypeString:
		rg.ecosystem = string(t.GetStringBytes()) == "ECOSYSTEM"
	case t.Type() == fastjson.TypeNumber:
		n, err := strconv.Atoi(t.String())
		if err != nil {
			return rg, fmt.Errorf("type: %s is not a range type", t)
		}
		rg.ecosystem = n == osvRangeEcosystem
	default:
		return rg, fmt.Errorf("type: want a string, got %s", t.Type())
	}
	f := &fields{o: o}
	for k, ev := range f.list("events") {
		eo, err := object(ev, fmt.Sprintf("events[%d]", k))
		if err != nil {
			return rg, err
		}
		// An event sets one of these; "limit" only applies to GIT ranges.
		e := &fields{o: eo, prefix: fmt.Sprintf("events[%d].", k)}
		for _, c := range []struct {
			kind eventKind
			name string
		}{{introduced, "introduced"}, {fixed, "fixed"}, {lastAffected, "last_affected"}} {
			if s := e.str(c.name); s != "" {
				rg.events = append(rg.events, rawEvent{kind: c.kind, raw: s, index: k})
				break
			}
		}
		if e.err != nil {
			return rg, e.err
		}
	}
	return rg, f.err
}

// each decodes every element of the list name with dec; an error names the
// element's index.
func each[T any](f *fields, name string, dec func(*fastjson.Value) (T, error)) []T {
	var out []T
	for i, v := range f.list(name) {
		x, err := dec(v)
		if err != nil {
			f.fail(fmt.Errorf("%s[%d]: %w", name, i, err))
			return nil
		}
		out = append(out, x)
	}
	return out
}

// field returns the named value unless it is absent or null.
func field(o *fastjson.Object, name string) *fastjson.Value {
	if v := o.Get(name); v != nil && v.Type() != fastjson.TypeNull {
		return v
	}
	return nil
}

func object(v *fastjson.Value, what string) (*fastjson.Object, error) {
	o, err := v.Object()
	if err != nil {
		return nil, fmt.Errorf("%s: want a JSON object, got %s", what, v.Type())
	}
	return o, nil
}

// fields reads typed fields of one JSON object and keeps the first error,
// so that a record decodes in a straight line; after an error every read
// returns the zero value.
type fields struct {
	o      *fastjson.Object
	prefix string // path of the object in errors, e.g. "package."
	err    error
}

func (f *fields) fail(err error) {
	if f.err == nil {
		f.err = err
	}
}

// get returns the value of name when no error occurred and it is set.
func (f *fields) get(name string) *fastjson.Value {
	if f.err != nil {
		return nil
	}
	return field(f.o, name)
}

func (f *fields) wrong(name, want string, v *fastjson.Value) {
	f.fail(fmt.Errorf("%s%s: want %s, got %s", f.prefix, name, want, v.Type()))
}

func (f *fields) str(name string) string {
	v := f.get(name)
	if v == nil {
		return ""
	}
	b, err := v.StringBytes()
	if err != nil {
		f.wrong(name, "a string", v)
	}
	return string(b)
}

func (f *fields) list(name string) []*fastjson.Value {
	v := f.get(name)
	if v == nil {
		return nil
	}
	a, err := v.Array()
	if err != nil {
		f.wrong(name, "a list", v)
	}
	return a
}

func (f *fields) strs(name string) []string {
	var out []string
	for i, it := range f.list(name) {
		b, err := it.StringBytes()
		if err != nil {
			f.wrong(fmt.Sprintf("%s[%d]", name, i), "a string", it)
			return nil
		}
		out = append(out, string(b))
	}
	return out
}

// scores reads the score of every severity entry (a CVSS vector or, for
// Ubuntu, a rating word).
func (f *fields) scores(name string) []string {
	var out []string
	for i, it := range f.list(name) {
		o, err := object(it, fmt.Sprintf("%s%s[%d]", f.prefix, name, i))
		if err != nil {
			f.fail(err)
			return nil
		}
		s := &fields{o: o, prefix: fmt.Sprintf("%s%s[%d].", f.prefix, name, i)}
		out = append(out, s.str("score"))
		f.fail(s.err)
	}
	return out
}

// ratings reads the string "severity" and "urgency" of a free-form object;
// values of other types are ignored, as structpb's GetStringValue does.
func (f *fields) ratings(name string) ratings {
	v := f.get(name)
	if v == nil {
		return ratings{}
	}
	o, err := v.Object()
	if err != nil {
		f.wrong(name, "a JSON object", v)
		return ratings{}
	}
	return ratings{severity: string(o.Get("severity").GetStringBytes()), urgency: string(o.Get("urgency").GetStringBytes())}
}

// time parses an RFC 3339 time the way protojson does for a
// google.protobuf.Timestamp.
func (f *fields) time(name string) time.Time {
	v := f.get(name)
	if v == nil {
		return time.Time{}
	}
	b, err := v.StringBytes()
	if err != nil {
		f.wrong(name, "an RFC 3339 time string", v)
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		f.fail(fmt.Errorf("%s%s: %q is not an RFC 3339 time", f.prefix, name, b))
	}
	return t.UTC() // protojson's AsTime is UTC too
}
