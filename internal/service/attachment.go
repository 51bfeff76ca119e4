package service

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
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

// Upload stores an attachment uploaded by p. The type is taken from the
// bytes, not from what the client claims.
func (s *Service) Upload(ctx context.Context, p *auth.Principal, name string, r io.Reader) (store.Attachment, error) {
	if p == nil {
		return store.Attachment{}, ErrUnauthorized
	}
	if s.blobs == nil {
		return store.Attachment{}, fmt.Errorf("service: no attachment storage configured")
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxAttachment+1))
	if err != nil {
		return store.Attachment{}, err
	}
	var c checker
	name = c.text("file", filepath.Base(strings.ReplaceAll(name, `\`, "/")), true, 200)
	switch {
	case len(data) == 0:
		c.add("file", "required", nil)
	case len(data) > MaxAttachment:
		c.add("file", "too_large", map[string]any{"Max": MaxAttachment >> 20})
	}
	ct := http.DetectContentType(data)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	if len(data) > 0 && !allowedTypes[ct] && !(ct == "application/octet-stream" && bytes.HasPrefix(data, []byte("RIFF"))) {
		c.add("file", "bad_type", nil)
	}
	if err := c.err(); err != nil {
		return store.Attachment{}, err
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	key := hash[:2] + "/" + hash
	if err := s.blobs.Put(ctx, key, data); err != nil {
		return store.Attachment{}, fmt.Errorf("service: store attachment: %w", err)
	}
	a := store.Attachment{Name: name, ContentType: ct, Size: int64(len(data)), SHA256: hash, StorageKey: key,
		UploadedBy: p.User.ID, CreatedAt: s.clock.Now()}
	err = s.st.Tx(ctx, func(tx *store.Tx) error { return tx.InsertAttachment(ctx, &a) })
	return a, err
}
