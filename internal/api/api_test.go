package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/api"
	"github.com/nivaran/nivaran/internal/clock"
	"github.com/nivaran/nivaran/internal/openapi"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestEveryRouteIsDocumented: the served OpenAPI document and the router agree
// both ways.
func TestEveryRouteIsDocumented(t *testing.T) {
	st := storetest.New(t, store.SQLite)
	svc := service.New(st, clock.NewFake(time.Now()), service.Config{}, nil)
	srv := api.New(svc, slog.New(slog.NewTextHandler(io.Discard, nil)), api.Options{FakeClock: clock.NewFake(time.Now())})
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openapi.Document(), &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			switch method {
			case "get", "post", "put", "patch", "delete":
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	served := map[string]bool{}
	for _, p := range srv.Routes() {
		method, path, ok := strings.Cut(p, " ")
		if !ok {
			continue // the catch-all for unknown API paths
		}
		served[method+" "+path] = true
		if !documented[method+" "+path] {
			t.Errorf("served but not documented: %s", p)
		}
	}
	served["GET /metrics"] = true // mounted straight on the mux
	for op := range documented {
		if !served[op] && !futureRoute(op) {
			t.Errorf("documented but not served: %s", op)
		}
	}
}

// futureRoute lists documented operations that belong to parts of the
// contract other packages mount (the web UI's, the SMS wiring's) or that are
// not built yet; each must say which.
func futureRoute(op string) bool {
	for _, p := range []string{
		"/api/v1/sms/delivery", // mounted by internal/cli/sms.go for the HTTP provider's delivery reports
	} {
		if strings.Contains(op, p) {
			return true
		}
	}
	return false
}
