package loaders

import (
	"testing"
	"testing/fstest"

	"github.com/chipgraph/chipgraph/graph"
)

// FuzzCurated feeds arbitrary bytes as one file of a small curated dataset:
// the loader must report problems, never panic, and whatever it accepts
// must form a snapshot (unique IDs, every edge's ends present).
func FuzzCurated(f *testing.F) {
	base := fstest.MapFS{
		"sources.csv":   {Data: []byte("id,title\nsource:s,S\n")},
		"countries.csv": {Data: []byte("id,name,sources\ncountry:USA,US,source:s\ncountry:CHN,China,source:s\n")},
		"firms.csv":     {Data: []byte("id,name,country,parent,parent_share,sources\nfirm:a,A,country:USA,,,source:s\nfirm:b,B,country:CHN,firm:a,60,source:s\n")},
		"inputs.csv":    {Data: []byte("id,name,type,sources\ninput:x,X,tool,source:s\n")},
		"products.csv":  {Data: []byte("id,name,maker,instance_of,sources\nproduct:p,P,firm:a,input:x,source:s\n")},
		"events.csv": {Data: []byte("id,name,date,kind,issuer,reach,licence_policy,sources\n" +
			"event:e,E,2025-01-01,rule,country:USA,hq,case-by-case,source:s\nevent:g,G,2025-02-01,licence-grant,country:USA,,,source:s\n")},
	}
	{ // the base alone loads: the target exercises the whole loader, not only its errors
		b := NewBuilder()
		if err := LoadCurated(b, base, "d"); err != nil {
			f.Fatal(err)
		}
		if ds, probs, err := b.Finish(); err != nil || ds == nil {
			f.Fatalf("the fuzz base does not load: %v %v", probs, err)
		}
	}
	files := []string{"sources.csv", "countries.csv", "firms.csv", "inputs.csv", "products.csv", "fabs.csv", "events.csv",
		"observations.csv", "requires.csv", "supplies.csv", "relations.csv"}
	f.Add(uint8(10), []byte("from,type,to,share,valid_from,valid_to,sources\nevent:g,LICENSES,event:e,,,,source:s\nevent:e,COVERS,product:p,,,,source:s\n"))
	f.Add(uint8(7), []byte("id,name,route,evidence,date,item,holder,suppliers,despite,quantity,unit,sources\n"+
		"observation:o,O,stockpile,teardown,2025-04-01,product:p,firm:b,firm:a,event:e,2900000,dies,source:s\n"))
	f.Add(uint8(9), []byte("supplier,item,share,year,sources\nfirm:a,input:x,50,2024,source:s\nfirm:b,input:x,60,2024,source:s\n"))
	f.Add(uint8(2), []byte("id,name,sources\n\"unterminated,quote\n"))
	f.Add(uint8(6), []byte("\xef\xbb\xbfid,name,date,kind,sources\r\nevent:x,X,2025-02-30,rule,source:s\r\n"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		fsys := fstest.MapFS{}
		for k, v := range base {
			fsys[k] = v
		}
		fsys[files[int(which)%len(files)]] = &fstest.MapFile{Data: data}
		b := NewBuilder()
		if err := LoadCurated(b, fsys, "d"); err != nil {
			return
		}
		ds, _, err := b.Finish()
		if err != nil || ds == nil {
			return
		}
		if _, err := graph.NewSnapshot(ds); err != nil {
			t.Errorf("an accepted dataset does not form a snapshot: %v", err)
		}
	})
}
