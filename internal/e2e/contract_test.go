package e2e

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/nivaran/nivaran/internal/openapi"
)

// Every answer of the API the scenarios receive is checked against the
// served OpenAPI document: status codes, content types and body schemas.

var (
	contractOnce   sync.Once
	contractRouter routers.Router
	contractErr    error
)

func contract() (routers.Router, error) {
	contractOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(openapi.Document())
		if err != nil {
			contractErr = err
			return
		}
		doc.Servers = nil // match any host
		contractRouter, contractErr = legacy.NewRouter(doc)
	})
	return contractRouter, contractErr
}

// checkContract validates one answer against the document.
func checkContract(t *testing.T, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") || strings.HasPrefix(req.URL.Path, "/api/v1/dev/") {
		return
	}
	router, err := contract()
	if err != nil {
		t.Fatalf("openapi: %v", err)
	}
	r2 := req.Clone(context.Background())
	r2.Body = http.NoBody
	route, params, err := router.FindRoute(r2)
	if err != nil {
		if status != http.StatusNotFound {
			t.Errorf("contract: %s %s answered %d but is not in the OpenAPI document: %v", req.Method, req.URL.Path, status, err)
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r2, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status: status, Header: header, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		msg := err.Error()
		if len(msg) > 1500 {
			msg = msg[:1500] + "…"
		}
		t.Errorf("contract: %s %s → %d does not match the OpenAPI document: %s", req.Method, req.URL.Path, status, msg)
	}
}
