package vulns

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ossf/osv-schema/bindings/go/osvschema"
	"github.com/valyala/fastjson"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

// protoRecord decodes data with the OSV schema's own types and protojson,
// the decoder the feed used before, and keeps what decodeOSV keeps: the
// reference the light decoder must agree with.
func protoRecord(data []byte) (osvRecord, error) {
	var v osvschema.Vulnerability
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, &v); err != nil {
		return osvRecord{}, err
	}
	r := osvRecord{id: v.GetId(), summary: v.GetSummary(), aliases: v.GetAliases(), upstream: v.GetUpstream(),
		withdrawn: v.GetWithdrawn() != nil, severity: protoScores(v.GetSeverity()), dbSpecific: protoRatings(v.GetDatabaseSpecific())}
	if len(r.aliases) == 0 {
		r.aliases = nil
	}
	if len(r.upstream) == 0 {
		r.upstream = nil
	}
	if t := v.GetPublished(); t != nil {
		r.published = t.AsTime()
	}
	if t := v.GetModified(); t != nil {
		r.modified = t.AsTime()
	}
	for _, a := range v.GetAffected() {
		pa := osvAffected{ecosystem: a.GetPackage().GetEcosystem(), name: a.GetPackage().GetName(), severity: protoScores(a.GetSeverity()),
			ecoSpecific: protoRatings(a.GetEcosystemSpecific()), dbSpecific: protoRatings(a.GetDatabaseSpecific())}
		for _, rg := range a.GetRanges() {
			pr := osvRange{ecosystem: rg.GetType() == osvschema.Range_ECOSYSTEM}
			for k, e := range rg.GetEvents() {
				switch {
				case e.GetIntroduced() != "":
					pr.events = append(pr.events, rawEvent{kind: introduced, raw: e.GetIntroduced(), index: k})
				case e.GetFixed() != "":
					pr.events = append(pr.events, rawEvent{kind: fixed, raw: e.GetFixed(), index: k})
				case e.GetLastAffected() != "":
					pr.events = append(pr.events, rawEvent{kind: lastAffected, raw: e.GetLastAffected(), index: k})
				}
			}
			pa.ranges = append(pa.ranges, pr)
		}
		r.affected = append(r.affected, pa)
	}
	return r, nil
}

func protoScores(in []*osvschema.Severity) []string {
	var out []string
	for _, s := range in {
		out = append(out, s.GetScore())
	}
	return out
}

func protoRatings(s *structpb.Struct) ratings {
	return ratings{severity: s.GetFields()["severity"].GetStringValue(), urgency: s.GetFields()["urgency"].GetStringValue()}
}

func lightRecord(data []byte) (osvRecord, error) {
	var p fastjson.Parser
	v, err := p.ParseBytes(data)
	if err != nil {
		return osvRecord{}, err
	}
	return decodeOSV(v)
}

// osvSeeds are the project's real advisories plus records that exercise
// the edges of what protojson accepts (numeric enums, null, offsets, the
// lowerCamelCase names it ignores).
func osvSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, dir := range []string{"testdata/feed", "testdata/rpmfeed"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
	}
	for _, s := range []string{
		`{"id":"X-1","databaseSpecific":{"urgency":"high"},"affected":[{"package":{"ecosystem":"Debian:12","name":"a"},` +
			`"ecosystemSpecific":{"severity":3},"ranges":[{"type":3,"events":[{"introduced":"0"},{"lastAffected":"1.2"}]}]}]}`,
		`{"id":"X-2","published":"2024-01-02T03:04:05.123+02:00","modified":null,"withdrawn":null,"aliases":null,` +
			`"affected":[{"package":null,"ranges":[{"type":"GIT","events":[{"limit":"abc"},{"introduced":""}]}]}]}`,
		`{"id":"X-3","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N"},{"type":"Ubuntu","score":"high"}],"unknown":{"deep":[1,2]}}`,
	} {
		out = append(out, []byte(s))
	}
	return out
}

func TestDecodeMatchesProtojson(t *testing.T) {
	for i, data := range osvSeeds(t) {
		want, err := protoRecord(data)
		if err != nil {
			t.Fatalf("seed %d: protojson rejects it: %v", i, err)
		}
		got, err := lightRecord(data)
		if err != nil {
			t.Fatalf("seed %d (%s): %v", i, want.id, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("seed %d (%s):\n got %+v\nwant %+v", i, want.id, got, want)
		}
	}
}

// FuzzDecodeMatchesProtojson: whatever the schema's decoder accepts, the
// light decoder accepts with the same fields. (It may accept more: it does
// not check the fields matching does not read.)
func FuzzDecodeMatchesProtojson(f *testing.F) {
	for _, s := range osvSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, err := protoRecord(data)
		if err != nil {
			return
		}
		got, err := lightRecord(data)
		if err != nil {
			t.Fatalf("protojson accepts it, the light decoder says %v", err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("\n got %+v\nwant %+v", got, want)
		}
	})
}

func TestDecodeErrorsNameTheField(t *testing.T) {
	tests := []struct{ data, want string }{
		{`{"id":5}`, "id: want a string, got number"},
		{`{"id":"X","published":"yesterday"}`, `published: "yesterday" is not an RFC 3339 time`},
		{`{"id":"X","affected":[{"package":{"name":1}}]}`, "affected[0]: package.name: want a string"},
		{`{"id":"X","affected":[{"ranges":[{"events":[{"fixed":[]}]}]}]}`, "affected[0]: ranges[0]: events[0].fixed: want a string"},
		{`{"id":"X","aliases":"CVE-1"}`, "aliases: want a list, got string"},
		{`[1]`, "f.json[0]: not an OSV record: record: want a JSON object, got number"},
	}
	for _, tt := range tests {
		_, err := ParseFeed("f.json", []byte(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want error containing %q", tt.data, err, tt.want)
		}
	}
}
