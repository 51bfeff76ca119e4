package service

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/store"
)

// MaxAttachment is the largest file accepted.
const MaxAttachment = 10 << 20

// allowedTypes are the sniffed content types accepted: photos and PDF.
var allowedTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true, "application/pdf": true}

// Blobs stores attachment bytes.
type Blobs interface {
	Put(ctx context.Context, key string, data []byte) error
	Get(ctx context.Context, key string) ([]byte, error)
}

// DirBlobs keeps blobs as files under a directory.
type DirBlobs struct{ Dir string }

// Put writes data under key atomically (temp file, then rename).
func (d DirBlobs) Put(_ context.Context, key string, data []byte) error {
	p := filepath.Join(d.Dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return err
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// Get reads the blob under key.
func (d DirBlobs) Get(_ context.Context, key string) ([]byte, error) {
	return os.ReadFile(filepath.Join(d.Dir, filepath.FromSlash(key)))
}

// SetBlobs sets where attachments are kept.
func (s *Service) SetBlobs(b Blobs) { s.blobs = b }

// Errors of an upload that the API answers with statuses of their own; each
// comes with a ValidationError on the field "file" that says why.
var (
	// ErrTooLarge: the file is larger than MaxAttachment (413).
	ErrTooLarge = errors.New("service: attachment too large")
	// ErrUnsupportedType: the file is not a photo or a PDF (415).
	ErrUnsupportedType = errors.New("service: attachment type not accepted")
)

// TooLarge is the error for a file larger than MaxAttachment, for callers
// that find it out before the service reads it (a request body cut off).
func TooLarge() error {
	return fmt.Errorf("%w: %w", ErrTooLarge,
		&ValidationError{Fields: []FieldError{{Field: "file", Code: "too_large", Key: "field_too_large", Data: map[string]any{"Max": MaxAttachment >> 20}}}})
}

// UploadInput is one uploaded file.
type UploadInput struct {
	Name string
	File io.Reader
	// IdempotencyKey makes a retried upload of the same file return the
	// first attachment.
	IdempotencyKey string
}

// Uploaded is a stored attachment; Replayed when it is the one an earlier
// request with the same Idempotency-Key stored.
type Uploaded struct {
	store.Attachment
	Replayed bool
}

// Upload stores an attachment uploaded by p. The type is taken from the
// bytes, not from what the client claims.
func (s *Service) Upload(ctx context.Context, p *auth.Principal, name string, r io.Reader) (store.Attachment, error) {
	u, err := s.UploadFile(ctx, p, UploadInput{Name: name, File: r})
	return u.Attachment, err
}

// UploadFile is Upload with an Idempotency-Key: the same key with the same
// file (name and bytes) returns the attachment stored the first time; with
// another file it is refused.
func (s *Service) UploadFile(ctx context.Context, p *auth.Principal, in UploadInput) (Uploaded, error) {
	if p == nil {
		return Uploaded{}, ErrUnauthorized
	}
	if s.blobs == nil {
		return Uploaded{}, fmt.Errorf("service: no attachment storage configured")
	}
	data, err := io.ReadAll(io.LimitReader(in.File, MaxAttachment+1))
	if err != nil {
		return Uploaded{}, err
	}
	if len(data) > MaxAttachment {
		return Uploaded{}, TooLarge()
	}
	var c checker
	name := c.text("file", filepath.Base(strings.ReplaceAll(in.Name, `\`, "/")), true, 200)
	if len(data) == 0 {
		c.add("file", "required", nil)
	}
	checkIdempotencyKey(&c, in.IdempotencyKey)
	if err := c.err(); err != nil {
		return Uploaded{}, err
	}
	ct := http.DetectContentType(data)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	if !allowedTypes[ct] && !(ct == "application/octet-stream" && bytes.HasPrefix(data, []byte("RIFF"))) {
		return Uploaded{}, fmt.Errorf("%w: %s: %w", ErrUnsupportedType, ct,
			&ValidationError{Fields: []FieldError{{Field: "file", Code: "bad_type", Key: "field_bad_type"}}})
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	reqHash := requestHash("attachment", name, hash)
	replay := func() (Uploaded, error) {
		kept, err := s.recallIdempotent(ctx, p, in.IdempotencyKey, reqHash)
		if err != nil {
			return Uploaded{}, err
		}
		body := kept.Body
		id, err := strconv.ParseInt(body, 10, 64)
		if err != nil {
			return Uploaded{}, fmt.Errorf("service: idempotent upload %q: %w", body, err)
		}
		a, err := s.st.Attachment(ctx, id)
		return Uploaded{Attachment: a, Replayed: true}, err
	}
	if in.IdempotencyKey != "" {
		if u, err := replay(); !errors.Is(err, store.ErrNotFound) {
			return u, err
		}
	}
	key := hash[:2] + "/" + hash
	if err := s.blobs.Put(ctx, key, data); err != nil {
		return Uploaded{}, fmt.Errorf("service: store attachment: %w", err)
	}
	now := s.clock.Now()
	a := store.Attachment{Name: name, ContentType: ct, Size: int64(len(data)), SHA256: hash, StorageKey: key,
		UploadedBy: p.User.ID, CreatedAt: now}
	err = s.st.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertAttachment(ctx, &a); err != nil {
			return err
		}
		if in.IdempotencyKey == "" {
			return nil
		}
		return tx.SaveIdempotent(ctx, p.User.ID, in.IdempotencyKey,
			store.IdempotentResult{RequestHash: reqHash, Status: http.StatusCreated, Body: strconv.FormatInt(a.ID, 10)}, now)
	})
	if in.IdempotencyKey != "" && errors.Is(err, store.ErrConflict) {
		// A concurrent request with the same key won the race.
		if u, rerr := replay(); !errors.Is(rerr, store.ErrNotFound) {
			return u, rerr
		}
	}
	return Uploaded{Attachment: a}, err
}
