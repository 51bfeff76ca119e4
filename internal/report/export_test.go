package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func table(rows [][]any) Table {
	return Table{Sheet: "pendency",
		Columns: []Column{{Header: "जनपद"}, {Header: "District"}, {Header: "लंबित"}, {Header: "अनुपात"}, {Header: "समय"}},
		Rows: func(yield func([]any) bool) {
			for _, r := range rows {
				if !yield(r) {
					return
				}
			}
		}}
}

var when = time.Date(2026, 11, 2, 4, 30, 0, 0, time.UTC)

var exportRows = [][]any{
	{"लखनऊ", "Lucknow", int64(1234), 0.6543, when},
	{"प्रयागराज, \"संगम\"", "Prayagraj", 7, 1.0, when},
	{"श्रावस्ती", "Shravasti", int64(0), 0.0, nil},
}

func TestCSVReadsBackWithDevanagari(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, table(exportRows)); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no UTF-8 byte-order mark: % x", raw[:3])
	}
	recs, err := csv.NewReader(bytes.NewReader(raw[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"जनपद", "District", "लंबित", "अनुपात", "समय"},
		{"लखनऊ", "Lucknow", "1234", "0.6543", "2026-11-02T10:00:00+05:30"},
		{"प्रयागराज, \"संगम\"", "Prayagraj", "7", "1", "2026-11-02T10:00:00+05:30"},
		{"श्रावस्ती", "Shravasti", "0", "0", ""},
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records", len(recs))
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d: %q, want %q", i, recs[i], want[i])
		}
	}
}

func TestXLSXReadsBackWithDevanagari(t *testing.T) {
	var b bytes.Buffer
	if err := WriteXLSX(&b, table(exportRows)); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 1 || sheets[0] != "pendency" {
		t.Fatalf("sheets %v", sheets)
	}
	rows, err := f.GetRows("pendency")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"जनपद", "District", "लंबित", "अनुपात", "समय"},
		{"लखनऊ", "Lucknow", "1234", "0.6543", "2026-11-02 10:00"},
		{"प्रयागराज, \"संगम\"", "Prayagraj", "7", "1", "2026-11-02 10:00"},
		{"श्रावस्ती", "Shravasti", "0", "0"},
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: %q, want %q", i, rows[i], want[i])
		}
	}
	// Numbers are numbers, not text.
	if typ, err := f.GetCellType("pendency", "C2"); err != nil || typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("C2 is %v (%v)", typ, err)
	}
	if v, _ := f.GetCellValue("pendency", "C2", excelize.Options{RawCellValue: true}); v != "1234" {
		t.Errorf("C2 raw %q", v)
	}
}

// TestXLSXStreamsManyRows writes a state's post-wise report and reads the
// last row back.
func TestXLSXStreamsManyRows(t *testing.T) {
	const n = 30000
	tbl := Table{Sheet: "posts", Columns: []Column{{Header: "पद"}, {Header: "लंबित"}}, Rows: func(yield func([]any) bool) {
		for i := 0; i < n; i++ {
			if !yield([]any{"तहसीलदार सदर", i}) {
				return
			}
		}
	}}
	var b bytes.Buffer
	if err := WriteXLSX(&b, tbl); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	last, err := f.GetCellValue("posts", "B30001")
	if err != nil || last != "29999" {
		t.Fatalf("last row %q (%v)", last, err)
	}
}
