package ui

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/nivaran/nivaran/internal/locale"
)

// pick chooses the name in l (Hindi unless English was asked for and exists).
func pick(l, en, hi string) string {
	if l == "en" || hi == "" {
		return en
	}
	return hi
}

func tr(l, key string) string { return locale.T(l, key, nil) }

// doneFlash is the success message prefix+done names after a redirect, or
// "" when done is empty or names no message: a hand-edited ?done= must not
// print a raw key.
func doneFlash(l, prefix, done string) string {
	if done == "" || strings.ContainsAny(done, "{}. ") || !known(l, prefix+done) {
		return ""
	}
	return tr(l, prefix+done)
}

// atoi64 reads a positive id; anything else is 0.
func atoi64(s string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// randomKey is a fresh idempotency key for a form, so that a double
// submission registers one complaint, not two.
func randomKey() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// postedForm parses a urlencoded or multipart body into a form.
func postedForm(r *http.Request) *form {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		_ = r.ParseMultipartForm(1 << 20)
	} else {
		_ = r.ParseForm()
	}
	return newForm(r.PostForm)
}
