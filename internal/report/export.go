package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// Format is how a report is answered.
type Format string

// Formats.
const (
	FormatJSON Format = "json"
	FormatCSV  Format = "csv"
	FormatXLSX Format = "xlsx"
)

// ContentType is the MIME type of a file format.
func (f Format) ContentType() string {
	switch f {
	case FormatCSV:
		return "text/csv; charset=utf-8"
	case FormatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/json; charset=utf-8"
}

// Column is one column of an exported table.
type Column struct {
	Header string
	// Width is the column's width in characters in a spreadsheet (0: 12).
	Width float64
}

// Table is a report as rows, for CSV and XLSX. Rows is walked once, while the
// file is written, so that a large report streams instead of building up.
type Table struct {
	// Sheet names the XLSX worksheet (ASCII, at most 31 characters).
	Sheet   string
	Columns []Column
	// Rows yields the cells of each row: string, int, int64, float64, bool or
	// time.Time (written in IST).
	Rows iter.Seq[[]any]
}

// bom makes Excel read a CSV file as UTF-8, so that Devanagari opens intact.
const bom = "\uFEFF"

// WriteCSV writes t as UTF-8 CSV with a byte-order mark and a header row.
func WriteCSV(w io.Writer, t Table) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	if _, err := bw.WriteString(bom); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Header
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	var err error
	t.Rows(func(cells []any) bool {
		for i := range rec {
			rec[i] = ""
			if i < len(cells) {
				rec[i] = csvCell(cells[i])
			}
		}
		err = cw.Write(rec)
		return err == nil
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.In(istLoc).Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

// WriteXLSX writes t as an Excel workbook with one sheet, through excelize's
// streaming writer: a bold, frozen header row, numbers as numbers.
func WriteXLSX(w io.Writer, t Table) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := t.Sheet
	if sheet == "" {
		sheet = "report"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("report: xlsx sheet: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, c := range t.Columns {
		width := c.Width
		if width == 0 {
			width = 12
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = excelize.Cell{StyleID: bold, Value: c.Header}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	row := 1
	vals := make([]any, len(t.Columns))
	t.Rows(func(cells []any) bool {
		row++
		for i := range vals {
			vals[i] = nil
			if i < len(cells) {
				vals[i] = xlsxCell(cells[i])
			}
		}
		var cell string
		if cell, err = excelize.CoordinatesToCellName(1, row); err == nil {
			err = sw.SetRow(cell, vals)
		}
		return err == nil
	})
	if err != nil {
		return fmt.Errorf("report: xlsx row %d: %w", row, err)
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

func xlsxCell(v any) any {
	if t, ok := v.(time.Time); ok {
		// Spreadsheets have no zones: write the India wall-clock time.
		return t.In(istLoc).Format("2006-01-02 15:04")
	}
	return v
}
