package ui

import (
	"net/http"
	"strconv"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/store"
)

// attachment serves an uploaded photo or PDF to those who may read its
// complaint (the service's scope rule decides), or to its uploader before it
// is attached. Anyone else gets 404, as for a file that does not exist.
func (u *UI) attachment(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ctx := r.Context()
	a, err := u.svc.Store().Attachment(ctx, atoi64(r.PathValue("id")))
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	if a.ComplaintID == 0 {
		if a.UploadedBy != p.User.ID {
			u.fail(w, r, p, store.ErrNotFound)
			return
		}
	} else {
		c, err := u.svc.Store().ComplaintByID(ctx, a.ComplaintID)
		if err == nil {
			_, err = u.svc.Complaint(ctx, p, c.Ref)
		}
		if err != nil {
			u.fail(w, r, p, err)
			return
		}
	}
	data, err := u.blobs.Get(ctx, a.StorageKey)
	if err != nil {
		u.fail(w, r, p, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write(data)
}
