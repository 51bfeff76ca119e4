// Package openapi holds the OpenAPI 3.1 document of nivaran's public HTTP API,
// served at GET /api/v1/openapi.json.
//
// The document is written by hand in openapi.json and embedded in the binary. It
// is the complete reference of the contract that API.md summarises: every path,
// parameter, body, answer and problem code. Its tests load it with kin-openapi,
// validate it and check it against the calls the contract promises, so that a
// call of the contract cannot go undescribed. Keep the file indented with two
// spaces, as encoding/json's Indent writes it; the tests insist on that layout so
// that diffs stay readable.
package openapi

import (
	"bytes"
	_ "embed"
)

//go:embed openapi.json
var document []byte

// Document returns a copy of the OpenAPI document, as JSON.
func Document() []byte {
	return bytes.Clone(document)
}
