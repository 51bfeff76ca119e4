package ui

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/service"
)

// maxReportFiles is how many photos one report may carry.
const maxReportFiles = 5

// maxReportField bounds one text field of the report form (the report text
// is far shorter; the service checks its own limit).
const maxReportField = 256 << 10

// reportUpload is a report form read part by part: the text fields, the
// files spooled to disk, and what was wrong with the upload as a whole.
type reportUpload struct {
	values  url.Values
	files   []spooled
	count   int  // files chosen, including those past the limit
	tooBig  bool // a file over service.MaxAttachment, or the body over its cap
	badForm bool // not a readable multipart form
}

type spooled struct {
	name string
	f    *os.File
}

func (up *reportUpload) close() {
	for _, s := range up.files {
		s.f.Close()
		os.Remove(s.f.Name())
	}
}

// readReport reads the multipart body itself rather than with
// ParseMultipartForm, which on a body over the cap returns nothing at all:
// the text typed before the files is kept whatever comes after it, and a
// sixth file is counted, not silently dropped.
func readReport(w http.ResponseWriter, r *http.Request) *reportUpload {
	r.Body = http.MaxBytesReader(w, r.Body, maxReportFiles*service.MaxAttachment+1<<20)
	up := &reportUpload{values: url.Values{}}
	mr, err := r.MultipartReader()
	if errors.Is(err, http.ErrNotMultipart) {
		// A report without photos may come as a plain form.
		if err := r.ParseForm(); err != nil {
			up.failed(err)
		}
		up.values = r.PostForm
		return up
	}
	if err != nil {
		up.badForm = true
		return up
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return up
		}
		if err != nil {
			up.failed(err)
			return up
		}
		if part.FormName() != "file" {
			b, err := io.ReadAll(io.LimitReader(part, maxReportField))
			if err != nil {
				up.failed(err)
				return up
			}
			up.values.Add(part.FormName(), string(b))
			continue
		}
		if err := up.spool(part); err != nil {
			up.failed(err)
			return up
		}
	}
}

// spool keeps one file part on disk, unless it is empty, past the count or
// too large.
func (up *reportUpload) spool(part *multipart.Part) error {
	if part.FileName() == "" {
		_, err := io.Copy(io.Discard, part)
		return err
	}
	up.count++
	if up.count > maxReportFiles || up.tooBig {
		_, err := io.Copy(io.Discard, part)
		return err
	}
	f, err := os.CreateTemp("", "nivaran-report-*")
	if err != nil {
		return err
	}
	up.files = append(up.files, spooled{name: part.FileName(), f: f})
	n, err := io.Copy(f, io.LimitReader(part, service.MaxAttachment+1))
	if err != nil {
		return err
	}
	if n > service.MaxAttachment {
		up.tooBig = true
		_, err = io.Copy(io.Discard, part)
		return err
	}
	_, err = f.Seek(0, io.SeekStart)
	return err
}

func (up *reportUpload) failed(err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		up.tooBig = true
		return
	}
	up.badForm = true
}

// report files the action-taken report: the photos are uploaded first (type
// sniffed and size checked by the service), then the report refers to them.
// A refused upload keeps the typed text.
func (u *UI) report(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ref := r.PathValue("ref")
	up := readReport(w, r)
	defer up.close()
	f := newForm(up.values)
	l := lang(r)
	switch {
	case up.tooBig:
		f.Errs["file"] = both(l, "ui_file_too_large_kept", map[string]any{"Max": service.MaxAttachment >> 20, "Files": maxReportFiles})
	case up.count > maxReportFiles:
		f.Errs["file"] = both(l, "ui_too_many_files", map[string]any{"Max": maxReportFiles, "N": up.count})
	case up.badForm:
		u.refuseAction(w, r, p, "report", f, &service.ValidationError{Fields: []service.FieldError{{Field: "body", Code: "invalid", Key: "problem_validation"}}}, "text", "file")
		return
	}
	if f.Has() {
		u.refuseAction(w, r, p, "report", f, nil, "text", "file")
		return
	}
	var ids []int64
	for _, s := range up.files {
		a, err := u.svc.Upload(r.Context(), p, s.name, s.f)
		if err != nil {
			u.refuseAction(w, r, p, "report", f, err, "text", "file")
			return
		}
		ids = append(ids, a.ID)
	}
	if _, err := u.svc.Report(r.Context(), p, ref, f.Get("text"), ids); err != nil {
		u.refuseAction(w, r, p, "report", f, err, "text", "file")
		return
	}
	redirect(w, r, "/c/"+ref+"?done=report")
}
