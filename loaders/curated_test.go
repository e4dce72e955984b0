package loaders

import (
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chipgraph/chipgraph/graph"
)

// loadCurated loads one curated directory into a fresh Builder and returns
// what Finish gives, with the problems (warnings included) as strings.
func loadCurated(t *testing.T, fsys fstest.MapFS, name string) (*graph.Dataset, []string) {
	t.Helper()
	b := NewBuilder()
	if err := LoadCurated(b, fsys, name); err != nil {
		t.Fatalf("LoadCurated: %v", err)
	}
	ds, _, _ := b.Finish()
	return ds, problemStrings(b.Problems())
}

func problemStrings(ps Problems) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

// dirFS reads a testdata directory into a MapFS.
func dirFS(t *testing.T, dir string) fstest.MapFS {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := fstest.MapFS{}
	for _, e := range entries {
		data, err := os.ReadFile(dir + "/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = &fstest.MapFile{Data: data}
	}
	return m
}

// withFiles returns base plus the given files (name -> content).
func withFiles(base fstest.MapFS, files map[string]string) fstest.MapFS {
	m := maps.Clone(base)
	for name, content := range files {
		m[name] = &fstest.MapFile{Data: []byte(content)}
	}
	return m
}

// base is the smallest curated directory the rule tests build on.
var base = fstest.MapFS{
	"sources.csv":   {Data: []byte("id,title\nsource:s,S\nsource:t,T\n")},
	"countries.csv": {Data: []byte("id,name,sources\ncountry:USA,United States,source:s\ncountry:CHN,China,source:s;source:t\n")},
}

const (
	inputsAB  = "id,name,sources\ninput:a,A,source:s\ninput:b,B,source:s\ninput:c,C,source:s\n"
	firmsAB   = "id,name,country,sources\nfirm:a,A,country:USA,source:s\nfirm:b,B,country:CHN,source:s\n"
	eventHead = "id,name,date,effective,expires,issuer,kind,reach,covers_all,sources\n"
)

// TestCuratedRules has one case per validation rule: a small directory with
// exactly one kind of mistake and the exact problems it must produce.
func TestCuratedRules(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name:  "wrong column count",
			files: map[string]string{"firms.csv": "id,name,country,sources\nfirm:a,A,country:USA\nfirm:b,B,country:USA,source:s,extra\nfirm:c,C,country:USA,source:s\n"},
			want: []string{
				"d/firms.csv:2: row has 3 cells, header has 4",
				"d/firms.csv:3: row has 5 cells, header has 4",
			},
		},
		{
			name:  "missing required field",
			files: map[string]string{"firms.csv": "id,name,sources\nfirm:a,,source:s\nfirm:b,B,\n,C,source:s\n"},
			want: []string{
				"d/firms.csv:2: name: missing required field",
				"d/firms.csv:3: sources: missing required field",
				"d/firms.csv:4: id: missing required field",
			},
		},
		{
			name:  "missing required column",
			files: map[string]string{"firms.csv": "id,sources\nfirm:a,source:s\n"},
			want:  []string{"d/firms.csv:1: name: missing required column"},
		},
		{
			name:  "unknown column",
			files: map[string]string{"firms.csv": "id,name,contry,sources\nfirm:a,A,country:USA,source:s\n"},
			want:  []string{"d/firms.csv:1: contry: unknown column (want id, name, sources, aliases, country, roles, parent, parent_share, eto_id, note)"},
		},
		{
			name: "unknown reference",
			files: map[string]string{
				"firms.csv":    "id,name,country,parent,sources\nfirm:a,A,country:XXX,firm:nope,source:s;source:gone\n",
				"requires.csv": "item,requires,sources\ninput:x,input:y,source:s\n",
			},
			want: []string{
				"d/firms.csv:2: country: unknown reference country:XXX",
				"d/firms.csv:2: parent: unknown reference firm:nope",
				"d/firms.csv:2: sources: unknown source source:gone",
				"d/requires.csv:2: item: unknown reference input:x",
				"d/requires.csv:2: requires: unknown reference input:y",
			},
		},
		{
			name: "unknown issuer",
			files: map[string]string{
				"events.csv": eventHead + "event:e,E,2022-10-07,,,country:XXX,rule,hq,,source:s\n",
			},
			want: []string{"d/events.csv:2: issuer: unknown reference country:XXX"},
		},
		{
			name:  "duplicate id within a file",
			files: map[string]string{"firms.csv": "id,name,sources\nfirm:a,A,source:s\nfirm:b,B,source:s\nfirm:a,A again,source:s\n"},
			want:  []string{"d/firms.csv:4: id: duplicate id firm:a (first defined at d/firms.csv:2)"},
		},
		{
			name: "duplicate eto_id",
			files: map[string]string{
				"firms.csv":  "id,name,eto_id,sources\nfirm:a,A,P9,source:s\n",
				"inputs.csv": "id,name,eto_id,sources\ninput:a,A,P9,source:s\n",
			},
			want: []string{"d/inputs.csv:2: eto_id: eto_id P9 is already used by firm:a (d/firms.csv:2)"},
		},
		{
			name: "malformed ID and ID of the wrong kind",
			files: map[string]string{
				"firms.csv": "id,name,country,parent,sources\n" +
					"Firm:A,A,country:USA,,source:s\n" +
					"firm:b,B,CHN,,source:s\n" +
					"firm:c,C,firm:b,input:a,source:s\n" +
					"input:d,D,,,source:s\n" +
					"firm:e,E,country:usa,,s\n",
			},
			want: []string{
				`d/firms.csv:2: id: malformed ID "Firm:A": want <kind>:<slug> with kind one of firm, country, input, product, fab, event, source, observation`,
				`d/firms.csv:3: country: malformed ID "CHN": want <kind>:<slug> with kind one of firm, country, input, product, fab, event, source, observation`,
				"d/firms.csv:4: country: want a country ID, got firm:b",
				"d/firms.csv:4: parent: want a firm ID, got input:a",
				"d/firms.csv:5: id: want a firm ID, got input:d",
				`d/firms.csv:6: country: malformed ID "country:usa": country IDs use upper-case ISO 3166-1 alpha-3 codes`,
				`d/firms.csv:6: sources: malformed ID "s": want <kind>:<slug> with kind one of firm, country, input, product, fab, event, source, observation`,
			},
		},
		{
			name: "bad date",
			files: map[string]string{
				"events.csv": eventHead + "event:e,E,2022/10/07,,,,rule,,,source:s\nevent:f,F,2022-10-07,soon,,,rule,,,source:s\nevent:g,G,1850-01-01,,,,rule,,,source:s\n",
			},
			want: []string{
				`d/events.csv:2: date: bad date "2022/10/07": want YYYY-MM-DD`,
				`d/events.csv:3: effective: bad date "soon": want YYYY-MM-DD`,
				`d/events.csv:4: date: bad date "1850-01-01": year out of range 1900-2100`,
			},
		},
		{
			name: "impossible date",
			files: map[string]string{
				"events.csv":   eventHead + "event:e,E,2023-02-30,,,,rule,,,source:s\n",
				"products.csv": "id,name,announced,sources\nproduct:p,P,2024-13-01,source:s\n",
			},
			want: []string{
				`d/events.csv:2: date: impossible date "2023-02-30"`,
				`d/products.csv:2: announced: impossible date "2024-13-01"`,
			},
		},
		{
			name: "missing event date",
			files: map[string]string{
				"events.csv": eventHead + "event:e,E,,,,,rule,,,source:s\n",
			},
			want: []string{"d/events.csv:2: date: missing required field"},
		},
		{
			name: "valid_to before valid_from",
			files: map[string]string{
				"inputs.csv":    inputsAB,
				"requires.csv":  "item,requires,valid_from,valid_to,sources\ninput:a,input:b,2021-01-01,2020-01-01,source:s\ninput:a,input:c,2021-01-01,2021-01-01,source:s\ninput:b,input:c,2021-01-01,2021-01-02,source:s\n",
				"relations.csv": "from,type,to,valid_from,valid_to,sources\ninput:a,TYPE_OF,input:b,2020-05-01,2020-04-30,source:s\n",
			},
			want: []string{
				"d/relations.csv:2: valid_to: valid_to 2020-04-30 is before valid_from 2020-05-01",
				"d/requires.csv:2: valid_to: valid_to 2020-01-01 is before valid_from 2021-01-01",
				"d/requires.csv:3: valid_to: valid_to equals valid_from: valid_to is the first day the fact no longer holds, so it would never hold",
			},
		},
		{
			name: "expires not after effective",
			files: map[string]string{
				"events.csv": eventHead +
					"event:e,E,2022-10-07,2022-10-21,2022-10-20,,rule,,,source:s\n" +
					"event:f,F,2022-10-07,,2022-10-01,,rule,,,source:s\n" +
					"event:g,G,2022-10-07,,2022-10-08,,rule,,,source:s\n",
			},
			want: []string{
				"d/events.csv:2: expires: expires 2022-10-20 is not after the effective date 2022-10-21",
				"d/events.csv:3: expires: expires 2022-10-01 is not after the effective date 2022-10-07",
			},
		},
		{
			name: "share not a number or outside 0-100",
			files: map[string]string{
				"inputs.csv": inputsAB,
				"supplies.csv": "supplier,item,share,year,sources\n" +
					"country:USA,input:a,120,2019,source:s\n" +
					"country:USA,input:b,-1,2019,source:s\n" +
					"country:USA,input:c,45%,2019,source:s\n" +
					"country:CHN,input:a,NaN,2019,source:s\n" +
					"country:CHN,input:b,0,2019,source:s\n" +
					"country:CHN,input:c,100,2019,source:s\n",
			},
			want: []string{
				"d/supplies.csv:2: share: share 120 is outside 0-100",
				"d/supplies.csv:3: share: share -1 is outside 0-100",
				`d/supplies.csv:4: share: share "45%" is not a number (write percent as a plain number, e.g. 45.5)`,
				`d/supplies.csv:5: share: share "NaN" is not a number (write percent as a plain number, e.g. 45.5)`,
			},
		},
		{
			name: "shares summing far above 100",
			files: map[string]string{
				"inputs.csv": inputsAB,
				"firms.csv":  firmsAB,
				"supplies.csv": "supplier,item,share,year,basis,sources\n" +
					"firm:a,input:a,70,2019,,source:s\n" +
					"firm:b,input:a,60,2019,,source:s\n" +
					"firm:a,input:a,70,2025,,source:s\n" + // other year: 70 + 34 = 104 is within rounding
					"firm:b,input:a,34,2025,,source:s\n" +
					"country:USA,input:a,70,2019,,source:s\n" + // other basis (country-hq): 70 + 30
					"country:CHN,input:a,30,2019,,source:s\n" +
					"firm:b,input:b,60,2019,capacity,source:s\n" +
					"firm:a,input:b,50,2019,capacity,source:s\n" +
					"firm:a,input:c,,2019,,source:s\n",
			},
			want: []string{
				"d/supplies.csv:2: share: shares of input:a in 2019 (basis firm-hq) sum to 130, more than 105: firm:a 70 (d/supplies.csv:2), firm:b 60 (d/supplies.csv:3)",
				"d/supplies.csv:8: share: shares of input:b in 2019 (basis capacity) sum to 110, more than 105: firm:b 60 (d/supplies.csv:8), firm:a 50 (d/supplies.csv:9)",
			},
		},
		{
			name: "year missing or absurd",
			files: map[string]string{
				"inputs.csv": inputsAB,
				"supplies.csv": "supplier,item,share,year,sources\n" +
					"country:USA,input:a,10,,source:s\n" +
					"country:USA,input:b,10,twenty,source:s\n" +
					"country:USA,input:c,10,20019,source:s\n",
			},
			want: []string{
				"d/supplies.csv:2: year: missing required field",
				`d/supplies.csv:3: year: year "twenty" is not a whole number`,
				"d/supplies.csv:4: year: year 20019 is out of range 1900-2100",
			},
		},
		{
			name: "REQUIRES cycle",
			files: map[string]string{
				"inputs.csv": inputsAB + "input:d,D,source:s\n",
				"requires.csv": "item,requires,group,sources\n" +
					"input:d,input:a,,source:s\n" +
					"input:b,input:c,,source:s\n" +
					"input:a,input:b,,source:s\n" +
					"input:c,input:a,x,source:s\n" +
					"input:d,input:d,,source:s\n",
			},
			want: []string{
				"d/requires.csv:4: requires: REQUIRES cycle: input:a -> input:b -> input:c -> input:a",
				"d/requires.csv:6: requires: REQUIRES cycle: input:d -> input:d",
			},
		},
		{
			name: "TYPE_OF and SUBSIDIARY_OF cycles",
			files: map[string]string{
				"inputs.csv": "id,name,type_of,sources\ninput:a,A,input:b,source:s\ninput:b,B,input:a,source:s\n",
				"firms.csv":  "id,name,parent,sources\nfirm:a,A,firm:b,source:s\nfirm:b,B,firm:a,source:s\n",
			},
			want: []string{
				"d/firms.csv:2: parent: SUBSIDIARY_OF cycle: firm:a -> firm:b -> firm:a",
				"d/inputs.csv:2: type_of: TYPE_OF cycle: input:a -> input:b -> input:a",
			},
		},
		{
			name: "unknown enum values",
			files: map[string]string{
				"firms.csv":  "id,name,roles,sources\nfirm:a,A,designer;fabless,source:s\n",
				"inputs.csv": "id,name,type,sources\ninput:a,A,chip,source:s\ninput:b,B,Tool,source:s\n",
				"fabs.csv":   "id,name,status,capacity_wpm,sources\nfab:f,F,running,10k,source:s\nfab:g,G,,-5,source:s\n",
				"events.csv": eventHead + "event:e,E,2022-10-07,,,,ban,global,,source:s\nevent:f,F,2022-10-07,,,,rule,,yes,source:s\n",
				"supplies.csv": "supplier,item,year,basis,sources\n" +
					"country:USA,input:a,2019,firm,source:s\n",
				"relations.csv": "from,type,to,sources\nevent:e,BANS,input:a,source:s\nevent:e,covers,input:a,source:s\nfab:f,LOCATED_IN,country:USA,source:s\n",
			},
			want: []string{
				`d/events.csv:2: kind: unknown event kind "ban" (want one of entity-listing, rule, licence-requirement, licence-revocation, rescission, counter-control, unverified-listing, industry-event, funding, servicing-ban, licence-grant, suspension, import-ban, customs-block, buyer-guidance, ownership-rule, tariff)`,
				`d/events.csv:2: reach: unknown reach "global" (want one of hq, fdp, or blank)`,
				`d/events.csv:3: covers_all: bad boolean "yes": want true or false`,
				`d/fabs.csv:2: capacity_wpm: capacity_wpm "10k" is not a whole number`,
				`d/fabs.csv:2: status: unknown status "running" (want one of operating, construction, planned, closed)`,
				`d/fabs.csv:3: capacity_wpm: capacity_wpm -5 is negative`,
				`d/firms.csv:2: roles: unknown role "fabless" (want one of designer, foundry, idm, memory, equipment, materials, eda, ip, osat, systems)`,
				`d/inputs.csv:2: type: unknown input type "chip" (want one of tool, material, process, design, ip, component, output)`,
				`d/inputs.csv:3: type: unknown input type "Tool" (want one of tool, material, process, design, ip, component, output)`,
				`d/relations.csv:2: type: unknown relation type "BANS" (want one of FABRICATED_AT, EQUIPPED_WITH, COVERS, TARGETS, EXEMPTS, RESCINDS, AMENDS, MAKES, TYPE_OF, INSTANCE_OF, SUBSIDIARY_OF, LICENSES, SUSPENDS, OBSERVES, RECEIVED_BY, SUPPLIED_BY, DESPITE, FOLLOWED_BY)`,
				`d/relations.csv:3: type: unknown relation type "covers" (want one of FABRICATED_AT, EQUIPPED_WITH, COVERS, TARGETS, EXEMPTS, RESCINDS, AMENDS, MAKES, TYPE_OF, INSTANCE_OF, SUBSIDIARY_OF, LICENSES, SUSPENDS, OBSERVES, RECEIVED_BY, SUPPLIED_BY, DESPITE, FOLLOWED_BY)`,
				`d/relations.csv:4: type: relation type LOCATED_IN belongs in fabs.csv (column country)`,
				`d/supplies.csv:2: basis: unknown basis "firm" (want one of firm-hq, country-hq, capacity, aggregate, or blank)`,
			},
		},
		{
			name: "licences, suspensions, ownership and buyer-side measures",
			files: map[string]string{
				"firms.csv": "id,name,parent,parent_share,sources\nfirm:a,A,,,source:s\nfirm:b,B,firm:a,150,source:s\nfirm:c,C,,50,source:s\nfirm:d,D,firm:a,60,source:s\n",
				"events.csv": "id,name,date,kind,reach,licence_policy,ownership_threshold,conditions,sources\n" +
					"event:e,E,2025-01-01,rule,hq,presumption-of-refusal,,,source:s\n" +
					"event:f,F,2025-01-01,ownership-rule,hq,,,,source:s\n" +
					"event:g,G,2025-01-01,rule,hq,case-by-case,50,,source:s\n" +
					"event:h,H,2025-01-01,licence-grant,hq,,,15% of revenue,source:s\n" +
					"event:i,I,2025-01-01,licence-grant,,,,15% of revenue;volume cap,source:s\n",
				"sources.csv":   "id,title,grade\nsource:s,S,primary\nsource:t,T,tertiary\n",
				"relations.csv": "from,type,to,share,sources\nevent:i,LICENSES,event:g,,source:s\nevent:i,COVERS,input:a,40,source:s\nfirm:b,SUBSIDIARY_OF,firm:d,30,source:s\nevent:g,LICENSES,event:e,,source:s\n",
			},
			want: []string{
				`d/events.csv:2: licence_policy: unknown licence policy "presumption-of-refusal" (want one of presumption-of-denial, case-by-case, presumption-of-approval, or blank)`,
				"d/events.csv:3: ownership_threshold: an ownership-rule needs an ownership threshold (percent)",
				"d/events.csv:4: ownership_threshold: ownership_threshold applies only to kind ownership-rule",
				"d/events.csv:5: reach: an event of kind licence-grant blocks nothing through a reach: leave reach blank",
				"d/firms.csv:3: parent_share: parent_share 150 is outside 0-100",
				"d/firms.csv:4: parent_share: parent_share without a parent",
				"d/relations.csv:3: share: share applies only to SUBSIDIARY_OF (ownership percent)",
				"d/relations.csv:3: to: unknown reference input:a",
				"d/relations.csv:5: from: event:g is a rule event; LICENSES starts at a licence-grant event",
				`d/sources.csv:3: grade: unknown source grade "tertiary" (want one of primary, secondary, or blank)`,
			},
		},
		{
			name: "observations",
			files: map[string]string{
				"inputs.csv": inputsAB,
				"firms.csv":  firmsAB,
				"observations.csv": "id,name,route,evidence,date,item,holder,suppliers,despite,quantity,unit,valid_from,valid_to,sources\n" +
					"observation:o1,O,stockpile,teardown,2025-04-01,input:a,firm:a,firm:b,,2900000,dies,2024-06-01,,source:s\n" +
					"observation:o2,O,smuggled,rumour,2025-13-01,,firm:a,input:a,event:nope,-3,dies,2025-02-01,2025-01-01,source:s\n" +
					"observation:o3,O,diversion,press,2025-01-01,input:a,,,,,units,,,source:s\n",
			},
			want: []string{
				`d/observations.csv:3: date: impossible date "2025-13-01"`,
				"d/observations.csv:3: despite: unknown reference event:nope",
				`d/observations.csv:3: evidence: unknown evidence kind "rumour" (want one of teardown, official, court, company, press)`,
				"d/observations.csv:3: item: missing required field",
				`d/observations.csv:3: quantity: quantity "-3" is not a positive number (blank when the source gives none)`,
				`d/observations.csv:3: route: unknown route "smuggled" (want one of stockpile, installed-base, diversion, domestic, licensed)`,
				"d/observations.csv:3: suppliers: want a firm or fab ID, got input:a",
				"d/observations.csv:3: valid_to: valid_to 2025-01-01 is before valid_from 2025-02-01",
				"d/observations.csv:4: holder: missing required field",
				"d/observations.csv:4: unit: a unit without a quantity",
			},
		},
		{
			name: "relation endpoints of the wrong kind",
			files: map[string]string{
				"inputs.csv":    inputsAB,
				"firms.csv":     firmsAB,
				"relations.csv": "from,type,to,node,sources\nfirm:a,COVERS,input:a,,source:s\ninput:a,FABRICATED_AT,firm:b,N7,source:s\ninput:a,TYPE_OF,input:b,N7,source:s\n",
			},
			want: []string{
				"d/relations.csv:2: from: want an event ID, got firm:a",
				"d/relations.csv:3: from: want a product ID, got input:a",
				"d/relations.csv:3: to: want a fab ID, got firm:b",
				"d/relations.csv:4: warning: node: node applies only to FABRICATED_AT",
			},
		},
		{
			name: "duplicate edges within a file",
			files: map[string]string{
				"inputs.csv": inputsAB,
				"firms.csv":  firmsAB,
				"requires.csv": "item,requires,group,sources\n" +
					"input:a,input:b,,source:s\n" +
					"input:a,input:c,,source:s\n" +
					"input:a,input:b,x,source:t\n",
				"supplies.csv": "supplier,item,share,year,sources\n" +
					"firm:a,input:a,10,2019,source:s\n" +
					"firm:a,input:a,10,2025,source:s\n" +
					"firm:a,input:a,12,2019,source:s\n",
				"relations.csv": "from,type,to,sources\ninput:b,TYPE_OF,input:c,source:s\ninput:b,TYPE_OF,input:c,source:t\n",
			},
			want: []string{
				"d/relations.csv:3: duplicate edge input:b TYPE_OF input:c (first at d/relations.csv:2)",
				"d/requires.csv:4: duplicate edge input:a REQUIRES input:b (first at d/requires.csv:2)",
				"d/supplies.csv:4: duplicate edge firm:a SUPPLIES input:a in 2019 (first at d/supplies.csv:2)",
			},
		},
		{
			name: "uncited source is a warning only",
			files: map[string]string{
				"sources.csv": "id,title\nsource:s,S\nsource:t,T\nsource:unused,U\n",
			},
			want: []string{"d/sources.csv:4: warning: id: source:unused is not cited by any row"},
		},
		{
			name:  "no files",
			files: nil,
			want:  nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := withFiles(base, tt.files)
			if tt.files == nil {
				fsys = fstest.MapFS{"README.md": {Data: []byte("x")}}
				tt.want = []string{"d: no curated CSV files found (want sources.csv, countries.csv, firms.csv, inputs.csv, products.csv, fabs.csv, events.csv, observations.csv, requires.csv, supplies.csv, relations.csv)"}
			}
			ds, got := loadCurated(t, fsys, "d")
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(tt.want, "\n     "))
			}
			failed := slices.ContainsFunc(tt.want, func(s string) bool { return !strings.Contains(s, ": warning: ") })
			if failed && ds != nil {
				t.Errorf("got a dataset despite problems")
			}
			if !failed && ds == nil {
				t.Errorf("got no dataset although there are only warnings")
			}
		})
	}
}

// TestCuratedDuplicateAcrossLoads: an ID defined by two curated directories
// is a duplicate, not a silent merge (a stale copy would otherwise mix in).
func TestCuratedDuplicateAcrossLoads(t *testing.T) {
	b := NewBuilder()
	for _, name := range []string{"a", "b"} {
		if err := LoadCurated(b, base, name); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := b.Finish()
	want := []string{
		"b/countries.csv:2: id: duplicate id country:USA (first defined at a/countries.csv:2)",
		"b/countries.csv:3: id: duplicate id country:CHN (first defined at a/countries.csv:3)",
		"b/sources.csv:2: id: duplicate id source:s (first defined at a/sources.csv:2)",
		"b/sources.csv:3: id: duplicate id source:t (first defined at a/sources.csv:3)",
	}
	if got := problemStrings(b.Problems()); !slices.Equal(got, want) || err == nil {
		t.Errorf("got %q, %v\nwant %q", got, err, want)
	}
}

func TestCuratedGood(t *testing.T) {
	ds, problems := loadCurated(t, dirFS(t, "testdata/curated/good"), "good")
	if len(problems) > 0 || ds == nil {
		t.Fatalf("problems:\n%s", strings.Join(problems, "\n"))
	}
	nodes, edges := ds.Counts()
	wantNodes := map[string]int{"Source": 2, "Country": 4, "Firm": 5, "Input": 5, "Product": 2, "Fab": 1, "ControlEvent": 2}
	wantEdges := map[string]int{"HEADQUARTERED_IN": 5, "SUBSIDIARY_OF": 1, "TYPE_OF": 2, "MAKES": 2, "INSTANCE_OF": 2,
		"OPERATED_BY": 1, "LOCATED_IN": 1, "REQUIRES": 3, "SUPPLIES": 5, "FABRICATED_AT": 1, "EQUIPPED_WITH": 1,
		"COVERS": 1, "TARGETS": 1, "AMENDS": 1}
	if !maps.Equal(nodes, wantNodes) || !maps.Equal(edges, wantEdges) {
		t.Errorf("counts: got %v %v\nwant %v %v", nodes, edges, wantNodes, wantEdges)
	}

	node := func(id graph.ID) graph.Node {
		t.Helper()
		i := slices.IndexFunc(ds.Nodes, func(n graph.Node) bool { return n.ID == id })
		if i < 0 {
			t.Fatalf("no node %s", id)
		}
		return ds.Nodes[i]
	}
	edge := func(from graph.ID, kind graph.EdgeKind, to graph.ID, year int) graph.Edge {
		t.Helper()
		i := slices.IndexFunc(ds.Edges, func(e graph.Edge) bool {
			return e.From == from && e.Kind == kind && e.To == to && e.Year == year
		})
		if i < 0 {
			t.Fatalf("no edge %s %s %s %d", from, kind, to, year)
		}
		return ds.Edges[i]
	}
	src := func(ids ...graph.ID) []graph.ID { return ids }

	if n := node("firm:hisilicon"); n.Name != "HiSilicon" || !slices.Equal(n.Aliases, []string{"海思"}) ||
		!slices.Equal(n.Roles, []string{"designer"}) || n.ETOID != "P17" ||
		!slices.Equal(n.Sources, src("source:cset-2021", "source:bis-2022")) || n.Kind != graph.KindFirm {
		t.Errorf("firm:hisilicon = %+v", n)
	}
	if e := edge("firm:hisilicon", graph.SubsidiaryOf, "firm:huawei", 0); !slices.Equal(e.Sources, src("source:cset-2021", "source:bis-2022")) {
		t.Errorf("SUBSIDIARY_OF does not carry the row's sources: %+v", e)
	}
	if e := edge("firm:asml", graph.HeadquarteredIn, "country:NLD", 0); !slices.Equal(e.Sources, src("source:cset-2021")) {
		t.Errorf("HEADQUARTERED_IN = %+v", e)
	}
	if e := edge("firm:asml", graph.Makes, "product:nxe-3800e", 0); !slices.Equal(e.Sources, src("source:cset-2021", "source:bis-2022")) {
		t.Errorf("MAKES from products.maker and relations.csv should merge sources: %+v", e)
	}
	if n := node("source:bis-2022"); n.Publisher != "Bureau of Industry and Security" || n.Date != graph.MustDate("2022-10-13") ||
		n.Licence != "public domain" || n.URL == "" || !strings.HasPrefix(n.Name, "Implementation of") {
		t.Errorf("source:bis-2022 = %+v", n)
	}
	if n := node("input:euv-lithography-tools"); n.Type != "tool" || n.ETOID != "N20" || n.Description == "" ||
		!slices.Equal(n.Aliases, []string{"EUV scanners"}) {
		t.Errorf("input:euv-lithography-tools = %+v", n)
	}
	if n := node("product:nxe-3800e"); n.Type != "euv-scanner" || n.Announced != graph.MustDate("2023-01-01") {
		t.Errorf("product:nxe-3800e = %+v", n)
	}
	if n := node("fab:smic-sn2"); n.Location != "Shanghai" || !slices.Equal(n.Nodes, []string{"7nm", "14nm"}) ||
		n.CapacityWPM != 35000 || n.Status != "operating" {
		t.Errorf("fab:smic-sn2 = %+v", n)
	}
	edge("fab:smic-sn2", graph.OperatedBy, "firm:smic", 0)
	edge("fab:smic-sn2", graph.LocatedIn, "country:CHN", 0)
	edge("product:ascend-910b", graph.InstanceOf, "input:ai-accelerator", 0)
	edge("input:euv-lithography-tools", graph.TypeOf, "input:lithography-tools", 0)

	if n := node("event:us-bis-2022-10-07-advanced-computing"); n.Date != graph.MustDate("2022-10-07") ||
		n.Effective != graph.MustDate("2022-10-21") || n.Issuer != "country:USA" || n.Authority != "BIS" ||
		n.EventKind != "rule" || n.Reach != "fdp" || n.CoversAll || n.Citation != "87 FR 62186" {
		t.Errorf("advanced-computing event = %+v", n)
	}
	if n := node("event:us-bis-2022-12-15-ymtc-listing"); !n.CoversAll || n.Effective != 0 || n.Reach != "hq" {
		t.Errorf("ymtc-listing event = %+v", n)
	}

	if e := edge("input:logic-7nm", graph.Requires, "input:euv-lithography-tools", 0); e.Group != "lithography" {
		t.Errorf("REQUIRES group = %q", e.Group)
	}
	if e := edge("product:ascend-910b", graph.Requires, "input:logic-7nm", 0); e.Group != "" || e.ValidFrom != graph.MustDate("2022-01-01") {
		t.Errorf("REQUIRES = %+v", e)
	}
	if e := edge("firm:asml", graph.Supplies, "input:arfi-lithography-tools", 2019); e.Share != 95.5 || e.Basis != "firm-hq" {
		t.Errorf("SUPPLIES 2019 = %+v", e)
	}
	if e := edge("country:NLD", graph.Supplies, "input:euv-lithography-tools", 2019); e.Share != 100 || e.Basis != "country-hq" {
		t.Errorf("country SUPPLIES = %+v", e)
	}
	if e := edge("firm:smic", graph.Supplies, "input:logic-7nm", 2025); e.HasShare() || e.Basis != "capacity" {
		t.Errorf("blank share must be graph.NoShare: %+v", e)
	}
	if e := edge("product:ascend-910b", graph.FabricatedAt, "fab:smic-sn2", 0); e.Node != "N+2" || e.Note != "disputed" ||
		e.ValidFrom != graph.MustDate("2022-01-01") {
		t.Errorf("FABRICATED_AT = %+v", e)
	}
	edge("event:us-bis-2022-12-15-ymtc-listing", graph.Amends, "event:us-bis-2022-10-07-advanced-computing", 0)
}

// TestCuratedBadDirectory: a directory with many problems in several files
// reports every one of them, and no dataset.
func TestCuratedBadDirectory(t *testing.T) {
	ds, got := loadCurated(t, dirFS(t, "testdata/curated/bad"), "bad")
	if ds != nil {
		t.Errorf("got a dataset despite problems")
	}
	want := readLines(t, "testdata/curated/bad.problems")
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

func readLines(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// TestCuratedEncoding covers the byte-level rules with directories whose
// files are written byte for byte.
func TestCuratedEncoding(t *testing.T) {
	tests := []struct {
		dir  string
		want []string
	}{
		{"bom", nil}, // every file starts with a UTF-8 byte-order mark and loads fine
		{"conflict", []string{
			`conflict/firms.csv:3: merge-conflict marker "<<<<<<<": resolve the conflict (file not read)`,
			`conflict/firms.csv:5: merge-conflict marker "=======": resolve the conflict (file not read)`,
			`conflict/firms.csv:7: merge-conflict marker ">>>>>>>": resolve the conflict (file not read)`,
		}},
		{"invalid-utf8", []string{
			`invalid-utf8/firms.csv:3: name: invalid UTF-8 in "Hisilicon \xe6\xb5": save the file as UTF-8`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			ds, got := loadCurated(t, dirFS(t, "testdata/curated/"+tt.dir), tt.dir)
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n got %q\nwant %q", got, tt.want)
			}
			if (ds == nil) != (len(tt.want) > 0) {
				t.Errorf("dataset returned = %v, want %v", ds != nil, len(tt.want) == 0)
			}
		})
	}
	ds, _ := loadCurated(t, dirFS(t, "testdata/curated/bom"), "bom")
	if ds != nil && (len(ds.Nodes) != 3 || ds.Nodes[0].ID != "country:USA") {
		t.Errorf("BOM directory nodes = %+v", ds.Nodes)
	}
}
