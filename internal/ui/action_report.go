package ui

import (
	"net/http"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/service"
)

// maxReportFiles is how many photos one report may carry.
const maxReportFiles = 5

// report files the action-taken report: the photos are uploaded first (type
// sniffed and size checked by the service), then the report refers to them.
func (u *UI) report(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	r.Body = http.MaxBytesReader(w, r.Body, maxReportFiles*(service.MaxAttachment+1<<20))
	ref := r.PathValue("ref")
	if err := r.ParseMultipartForm(8 << 20); err != nil && err != http.ErrNotMultipart {
		f := newForm(r.PostForm)
		f.Errs["file"] = both(lang(r), "field_too_large", map[string]any{"Max": service.MaxAttachment >> 20})
		u.refuseAction(w, r, p, "report", f, nil, "text", "file")
		return
	}
	f := newForm(r.PostForm)
	var ids []int64
	if r.MultipartForm != nil {
		files := r.MultipartForm.File["file"]
		if len(files) > maxReportFiles {
			files = files[:maxReportFiles]
		}
		for _, fh := range files {
			if fh.Size == 0 && fh.Filename == "" {
				continue
			}
			file, err := fh.Open()
			if err != nil {
				u.fail(w, r, p, err)
				return
			}
			a, err := u.svc.Upload(r.Context(), p, fh.Filename, file)
			file.Close()
			if err != nil {
				u.refuseAction(w, r, p, "report", f, err, "text", "file")
				return
			}
			ids = append(ids, a.ID)
		}
	}
	if _, err := u.svc.Report(r.Context(), p, ref, f.Get("text"), ids); err != nil {
		u.refuseAction(w, r, p, "report", f, err, "text", "file")
		return
	}
	redirect(w, r, "/c/"+ref+"?done=report")
}
