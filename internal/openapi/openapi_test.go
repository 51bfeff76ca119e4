package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// call is one METHOD path pair of the HTTP contract.
type call struct{ method, path string }

// contract lists every call of the HTTP contract (API.md), table by table, and
// the calls the implementation adds to it. The document must describe each of
// them and no other, so that the two cannot drift apart unnoticed.
var contract = []call{
	// Auth.
	{"POST", "/api/v1/auth/login"},
	{"POST", "/api/v1/auth/logout"},
	{"POST", "/api/v1/auth/otp"},
	{"POST", "/api/v1/auth/otp/verify"},
	// Master data.
	{"GET", "/api/v1/areas"},
	{"GET", "/api/v1/areas/{id}"},
	{"GET", "/api/v1/departments"},
	{"GET", "/api/v1/categories"},
	{"GET", "/api/v1/posts"},
	{"GET", "/api/v1/posts/{id}"},
	{"GET", "/api/v1/posts/{id}/chain"},
	{"PUT", "/api/v1/posts/{id}/officer"},
	{"POST", "/api/v1/officers"},
	// Master data: "admin create/update of areas, departments, designations,
	// posts and categories follows the same shapes (POST to the collection,
	// PATCH /…/{id})".
	{"POST", "/api/v1/areas"},
	{"PATCH", "/api/v1/areas/{id}"},
	{"POST", "/api/v1/departments"},
	{"PATCH", "/api/v1/departments/{id}"},
	{"POST", "/api/v1/designations"},
	{"PATCH", "/api/v1/designations/{id}"},
	{"POST", "/api/v1/posts"},
	{"PATCH", "/api/v1/posts/{id}"},
	{"POST", "/api/v1/categories"},
	{"PATCH", "/api/v1/categories/{id}"},
	// Callers and blocked numbers.
	{"GET", "/api/v1/callers/{mobile}"},
	{"GET", "/api/v1/blocked-numbers"},
	{"POST", "/api/v1/blocked-numbers"},
	{"DELETE", "/api/v1/blocked-numbers/{mobile}"},
	// Complaints.
	{"POST", "/api/v1/complaints"},
	{"GET", "/api/v1/complaints/{ref}"},
	{"GET", "/api/v1/complaints"},
	{"GET", "/api/v1/inbox"},
	{"POST", "/api/v1/complaints/{ref}/mark"},
	{"POST", "/api/v1/complaints/{ref}/comments"},
	{"POST", "/api/v1/complaints/{ref}/report"},
	{"POST", "/api/v1/complaints/{ref}/special-closure"},
	{"POST", "/api/v1/complaints/{ref}/special-closure/decision"},
	{"POST", "/api/v1/complaints/{ref}/return"},
	{"POST", "/api/v1/complaints/{ref}/reroute"},
	{"POST", "/api/v1/attachments"},
	{"GET", "/api/v1/feedback-queue"},
	{"POST", "/api/v1/complaints/{ref}/feedback"},
	{"POST", "/api/v1/complaints/{ref}/reminders"},
	{"POST", "/api/v1/complaints/{ref}/false"},
	// Call-centre queues.
	{"POST", "/api/v1/feedback-queue/next"},
	{"GET", "/api/v1/followup-queue"},
	{"POST", "/api/v1/followup-queue/next"},
	{"POST", "/api/v1/complaints/{ref}/followups"},
	{"GET", "/api/v1/ops/live"},
	// Reports.
	{"GET", "/api/v1/reports/pendency"},
	{"GET", "/api/v1/reports/ranking"},
	{"GET", "/api/v1/reports/ranking/rubric"},
	// Test and training clock.
	{"GET", "/api/v1/dev/clock"},
	{"POST", "/api/v1/dev/clock"},
	// Operations.
	{"GET", "/healthz"},
	{"GET", "/readyz"},
	{"GET", "/metrics"},
	{"GET", "/api/v1/openapi.json"},
	// Additions of the implementation.
	{"GET", "/api/v1/auth/me"},
	{"GET", "/api/v1/designations"},
	{"GET", "/api/v1/officers"},
	{"GET", "/api/v1/officers/{id}"},
	{"PATCH", "/api/v1/officers/{id}"},
	{"GET", "/api/v1/posts/{id}/postings"},
	{"GET", "/api/v1/special-closure-reasons"},
	{"GET", "/api/v1/reroute-desk"},
	{"GET", "/api/v1/special-closure-queue"},
	{"GET", "/api/v1/admin/messages"},
	{"GET", "/api/v1/admin/sms-templates"},
	{"PUT", "/api/v1/admin/sms-templates/{key}/{lang}"},
	{"GET", "/api/v1/sms/delivery"},
	{"POST", "/api/v1/sms/delivery"},
	{"GET", "/api/v1/reports/signals"},
	{"GET", "/api/v1/reports/trends"},
	{"GET", "/api/v1/verification-queue"},
	{"POST", "/api/v1/complaints/{ref}/verification"},
}

// public are the calls that need no credential.
var public = []call{
	{"POST", "/api/v1/auth/login"},
	{"POST", "/api/v1/auth/otp"},
	{"POST", "/api/v1/auth/otp/verify"},
	{"GET", "/healthz"},
	{"GET", "/readyz"},
	{"GET", "/metrics"},
	{"GET", "/api/v1/openapi.json"},
	{"GET", "/api/v1/sms/delivery"},  // the gateway authenticates with its shared token
	{"POST", "/api/v1/sms/delivery"}, // the gateway authenticates with its shared token
}

// creating are the POSTs that create something and so accept Idempotency-Key.
var creating = []call{
	{"POST", "/api/v1/areas"},
	{"POST", "/api/v1/departments"},
	{"POST", "/api/v1/designations"},
	{"POST", "/api/v1/posts"},
	{"POST", "/api/v1/categories"},
	{"POST", "/api/v1/officers"},
	{"POST", "/api/v1/blocked-numbers"},
	{"POST", "/api/v1/complaints"},
	{"POST", "/api/v1/attachments"},
	{"POST", "/api/v1/complaints/{ref}/comments"},
	{"POST", "/api/v1/complaints/{ref}/feedback"},
	{"POST", "/api/v1/complaints/{ref}/reminders"},
	{"POST", "/api/v1/complaints/{ref}/followups"},
}

// lists are the calls that answer the list envelope {items, next_cursor}.
var lists = []call{
	{"GET", "/api/v1/areas"},
	{"GET", "/api/v1/departments"},
	{"GET", "/api/v1/designations"},
	{"GET", "/api/v1/categories"},
	{"GET", "/api/v1/posts"},
	{"GET", "/api/v1/posts/{id}/postings"},
	{"GET", "/api/v1/officers"},
	{"GET", "/api/v1/blocked-numbers"},
	{"GET", "/api/v1/complaints"},
	{"GET", "/api/v1/inbox"},
	{"GET", "/api/v1/feedback-queue"},
	{"GET", "/api/v1/followup-queue"},
	{"GET", "/api/v1/special-closure-reasons"},
	{"GET", "/api/v1/reroute-desk"},
	{"GET", "/api/v1/special-closure-queue"},
}

func (c call) String() string { return c.method + " " + c.path }

func load(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(Document())
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return doc
}

func operation(t *testing.T, doc *openapi3.T, c call) *openapi3.Operation {
	t.Helper()
	item := doc.Paths.Value(c.path)
	if item == nil {
		t.Fatalf("%s: path missing", c)
	}
	o := item.GetOperation(c.method)
	if o == nil {
		t.Fatalf("%s: operation missing", c)
	}
	return o
}

// operations lists every operation of doc, in a stable order.
func operations(doc *openapi3.T) map[call]*openapi3.Operation {
	ops := map[call]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, o := range item.Operations() {
			ops[call{method, path}] = o
		}
	}
	return ops
}

// properties collects the properties of s and of its allOf parts.
func properties(s *openapi3.Schema) map[string]*openapi3.SchemaRef {
	props := map[string]*openapi3.SchemaRef{}
	for name, p := range s.Properties {
		props[name] = p
	}
	for _, part := range s.AllOf {
		for name, p := range properties(part.Value) {
			if _, ok := props[name]; !ok {
				props[name] = p
			}
		}
	}
	return props
}

// required collects the required names of s and of its allOf parts.
func required(s *openapi3.Schema) []string {
	names := slices.Clone(s.Required)
	for _, part := range s.AllOf {
		names = append(names, required(part.Value)...)
	}
	return names
}

// enum collects the enum values of s, looking into anyOf and oneOf (a nullable
// enum is anyOf [enum, null]).
func enum(s *openapi3.Schema) []string {
	var vals []string
	for _, v := range s.Enum {
		vals = append(vals, v.(string))
	}
	for _, part := range slices.Concat(s.AnyOf, s.OneOf, s.AllOf) {
		vals = append(vals, enum(part.Value)...)
	}
	sort.Strings(vals)
	return vals
}

func sorted(vals ...string) []string {
	vals = slices.Clone(vals)
	sort.Strings(vals)
	return vals
}

// nonNull returns the non-null branch of an anyOf [X, null], or s itself.
func nonNull(s *openapi3.Schema) *openapi3.Schema {
	for _, part := range s.AnyOf {
		if !part.Value.Type.Is("null") {
			return part.Value
		}
	}
	return s
}

func jsonSchema(t *testing.T, o *openapi3.Operation, status int, what string) *openapi3.Schema {
	t.Helper()
	r := o.Responses.Status(status)
	if r == nil {
		t.Fatalf("%s: no %d response", what, status)
	}
	mt := r.Value.Content.Get("application/json")
	if mt == nil {
		t.Fatalf("%s: %d response has no application/json content", what, status)
	}
	return mt.Schema.Value
}

func TestDocumentIsValidOpenAPI31(t *testing.T) {
	doc := load(t)
	if !doc.IsOpenAPI31OrLater() || doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
}

func TestDocumentIsIndentedJSON(t *testing.T) {
	src := Document()
	var compact, indented bytes.Buffer
	if err := json.Compact(&compact, src); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if err := json.Indent(&indented, compact.Bytes(), "", "  "); err != nil {
		t.Fatal(err)
	}
	indented.WriteByte('\n')
	if !bytes.Equal(indented.Bytes(), src) {
		t.Error("openapi.json is not laid out as json.Indent with two spaces and a final newline writes it")
	}
}

func TestDocumentReturnsACopy(t *testing.T) {
	a := Document()
	a[0] = 'x'
	if Document()[0] != '{' {
		t.Error("changing the answer of Document changed the document")
	}
}

func TestEveryContractCallIsDescribed(t *testing.T) {
	doc := load(t)
	for _, c := range contract {
		item := doc.Paths.Value(c.path)
		if item == nil {
			t.Errorf("%s: path missing", c)
			continue
		}
		if item.GetOperation(c.method) == nil {
			t.Errorf("%s: operation missing", c)
		}
	}
	for c := range operations(doc) {
		if !slices.Contains(contract, c) {
			t.Errorf("%s is described but not in the contract table of this test", c)
		}
	}
}

var lowerCamel = regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)

func TestOperationsAreNamedAndTagged(t *testing.T) {
	doc := load(t)
	var tags []string
	for _, tag := range doc.Tags {
		tags = append(tags, tag.Name)
	}
	seen := map[string]call{}
	for c, o := range operations(doc) {
		if !lowerCamel.MatchString(o.OperationID) {
			t.Errorf("%s: operationId %q is not lowerCamelCase", c, o.OperationID)
		}
		if prev, dup := seen[o.OperationID]; dup {
			t.Errorf("%s and %s share operationId %q", prev, c, o.OperationID)
		}
		seen[o.OperationID] = c
		if len(o.Tags) != 1 || !slices.Contains(tags, o.Tags[0]) {
			t.Errorf("%s: tags %q, want one of the document's tags", c, o.Tags)
		}
		if o.Summary == "" {
			t.Errorf("%s: no summary", c)
		}
	}
}

func TestSecurity(t *testing.T) {
	doc := load(t)
	bearer := doc.Components.SecuritySchemes["bearerAuth"]
	if bearer == nil || bearer.Value.Type != "http" || bearer.Value.Scheme != "bearer" {
		t.Errorf("bearerAuth = %+v, want http bearer", bearer)
	}
	cookie := doc.Components.SecuritySchemes["sessionCookie"]
	if cookie == nil || cookie.Value.Type != "apiKey" || cookie.Value.In != "cookie" || cookie.Value.Name != "nivaran_session" {
		t.Errorf("sessionCookie = %+v, want the nivaran_session cookie", cookie)
	}
	var global []string
	for _, req := range doc.Security {
		for name := range req {
			global = append(global, name)
		}
	}
	if !slices.Equal(sorted(global...), []string{"bearerAuth", "sessionCookie"}) {
		t.Errorf("global security %v, want either bearerAuth or sessionCookie", global)
	}
	for c, o := range operations(doc) {
		switch {
		case slices.Contains(public, c):
			if o.Security == nil || len(*o.Security) != 0 {
				t.Errorf("%s is public but does not say security: []", c)
			}
		case o.Security != nil:
			t.Errorf("%s overrides the global security", c)
		default:
			if o.Responses.Status(401) == nil {
				t.Errorf("%s needs a credential but documents no 401", c)
			}
		}
	}
}

func TestProblemSchema(t *testing.T) {
	doc := load(t)
	problem := doc.Components.Schemas["Problem"].Value
	for _, f := range []string{"type", "title", "status", "detail", "code", "errors"} {
		if problem.Properties[f] == nil {
			t.Errorf("Problem lacks %q", f)
		}
	}
	item := problem.Properties["errors"].Value.Items.Value
	for _, f := range []string{"field", "code", "message"} {
		if item.Properties[f] == nil || !slices.Contains(item.Required, f) {
			t.Errorf("Problem.errors items lack required %q", f)
		}
	}
	// Every error answer is a problem.
	for c, o := range operations(doc) {
		for code, r := range o.Responses.Map() {
			if !strings.HasPrefix(code, "4") {
				continue
			}
			mt := r.Value.Content.Get("application/problem+json")
			if mt == nil || mt.Schema.Value != problem {
				t.Errorf("%s: %s answer is not application/problem+json Problem", c, code)
			}
		}
	}
}

func TestListsUseTheEnvelope(t *testing.T) {
	doc := load(t)
	for _, c := range lists {
		o := operation(t, doc, c)
		s := jsonSchema(t, o, 200, c.String())
		props := properties(s)
		if props["items"] == nil || props["items"].Value.Items == nil || props["next_cursor"] == nil {
			t.Errorf("%s: 200 is not {items: [...], next_cursor}", c)
		}
		if req := required(s); !slices.Contains(req, "items") || !slices.Contains(req, "next_cursor") {
			t.Errorf("%s: items and next_cursor are not both required", c)
		}
		var cursor, limit *openapi3.Parameter
		for _, p := range o.Parameters {
			switch {
			case p.Value.In == "query" && p.Value.Name == "cursor":
				cursor = p.Value
			case p.Value.In == "query" && p.Value.Name == "limit":
				limit = p.Value
			}
		}
		if cursor == nil {
			t.Errorf("%s: no cursor parameter", c)
		}
		if limit == nil {
			t.Errorf("%s: no limit parameter", c)
			continue
		}
		ls := limit.Schema.Value
		if ls.Default != 50.0 || ls.Max == nil || *ls.Max != 500 || ls.Min == nil || *ls.Min != 1 {
			t.Errorf("%s: limit is not 1..500, default 50", c)
		}
	}
}

func TestCreatingPostsAcceptIdempotencyKey(t *testing.T) {
	doc := load(t)
	for _, c := range creating {
		o := operation(t, doc, c)
		found := false
		for _, p := range o.Parameters {
			if p.Value.In == "header" && p.Value.Name == "Idempotency-Key" {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no Idempotency-Key header", c)
		}
	}
}

// complaintFields are the fields of a complaint as API.md shows it.
var complaintFields = []string{
	"ref", "status", "closure_reason", "level", "channel", "category", "area",
	"accountable_post", "marked_post", "due_at", "overdue", "registered_at", "closed_at",
	"reopen_count", "feedback_attempts", "complainant", "description", "events",
}

func TestComplaintSchema(t *testing.T) {
	doc := load(t)
	complaint := doc.Components.Schemas["Complaint"].Value
	for _, f := range complaintFields {
		if complaint.Properties[f] == nil {
			t.Errorf("Complaint lacks %q", f)
		}
		if f != "events" && !slices.Contains(complaint.Required, f) {
			t.Errorf("Complaint does not require %q", f)
		}
	}
	enums := []struct {
		field string
		want  []string
	}{
		{"status", []string{"open", "reported", "special_closure_pending", "returned", "closed"}},
		{"closure_reason", []string{"satisfied", "unreachable", "special_closure", "false_complaint", "duplicate"}},
		{"channel", []string{"phone", "portal", "app", "walk_in", "cpgrams", "open311", "email", "whatsapp"}},
	}
	for _, e := range enums {
		if got := enum(complaint.Properties[e.field].Value); !slices.Equal(got, sorted(e.want...)) {
			t.Errorf("Complaint.%s enum = %v, want %v", e.field, got, sorted(e.want...))
		}
	}
	if !complaint.Properties["closure_reason"].Value.AnyOf[1].Value.Type.Is("null") {
		t.Error("Complaint.closure_reason is not nullable")
	}
	level := complaint.Properties["level"].Value
	if *level.Min != 0 || *level.Max != 4 {
		t.Error("Complaint.level is not 0..4")
	}
	nested := []struct {
		field  string
		fields []string
	}{
		{"category", []string{"id", "code", "name_en", "name_hi"}},
		{"area", []string{"id", "name_en", "name_hi"}},
		{"accountable_post", []string{"id", "title_en", "title_hi", "designation"}},
		{"marked_post", []string{"id", "title_en", "title_hi", "designation"}},
		{"complainant", []string{"name", "mobile", "address"}},
	}
	for _, n := range nested {
		s := nonNull(complaint.Properties[n.field].Value)
		for _, f := range n.fields {
			if s.Properties[f] == nil {
				t.Errorf("Complaint.%s lacks %q", n.field, f)
			}
		}
	}

	event := complaint.Properties["events"].Value.Items.Value
	for _, f := range []string{"at", "kind", "actor", "level", "from_post_id", "to_post_id", "note", "from_level", "to_level"} {
		if event.Properties[f] == nil {
			t.Errorf("event lacks %q", f)
		}
	}
	for _, f := range []string{"user_id", "name", "post_id"} {
		if event.Properties["actor"].Value.Properties[f] == nil {
			t.Errorf("event actor lacks %q", f)
		}
	}
	kinds := []string{"registered", "routed", "marked", "commented", "reported",
		"special_closure_requested", "special_closure_approved", "special_closure_rejected",
		"returned", "rerouted", "return_rejected", "feedback", "reopened", "escalated",
		"overdue_at_top", "reminder", "followup", "closed", "caller_blocked", "sms_queued",
		"verification"} // added by the verification sample (issue 6); API.md allows additions
	if got := enum(event.Properties["kind"].Value); !slices.Equal(got, sorted(kinds...)) {
		t.Errorf("event kind enum = %v, want %v", got, sorted(kinds...))
	}
}

func TestCreateComplaintAnswersPossibleDuplicates(t *testing.T) {
	doc := load(t)
	c := call{"POST", "/api/v1/complaints"}
	o := operation(t, doc, c)
	s := jsonSchema(t, o, 201, c.String())
	props := properties(s)
	for _, f := range append(slices.Clone(complaintFields[:len(complaintFields)-1]), "possible_duplicates") {
		if props[f] == nil {
			t.Errorf("201 of %s lacks %q", c, f)
		}
	}
	if !slices.Contains(required(s), "possible_duplicates") {
		t.Errorf("201 of %s does not require possible_duplicates", c)
	}
	for _, code := range []int{403, 429} {
		if o.Responses.Status(code) == nil {
			t.Errorf("%s documents no %d", c, code)
		}
	}
}

func TestReportsComeAsFiles(t *testing.T) {
	doc := load(t)
	for _, c := range []call{{"GET", "/api/v1/reports/pendency"}, {"GET", "/api/v1/reports/ranking"}} {
		o := operation(t, doc, c)
		var format *openapi3.Parameter
		for _, p := range o.Parameters {
			if p.Value.Name == "format" {
				format = p.Value
			}
		}
		if format == nil {
			t.Errorf("%s: no format parameter", c)
		} else if vals := enum(format.Schema.Value); !slices.Contains(vals, "csv") || !slices.Contains(vals, "xlsx") {
			t.Errorf("%s: format enum %v lacks csv or xlsx", c, vals)
		}
		content := o.Responses.Status(200).Value.Content
		for _, mime := range []string{"application/json", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} {
			if content.Get(mime) == nil {
				t.Errorf("%s: 200 has no %s", c, mime)
			}
		}
	}
}

// TestResponseFieldNames pins the field names API.md gives for the answers
// outside the complaint.
func TestResponseFieldNames(t *testing.T) {
	doc := load(t)
	cases := []struct {
		schema string
		fields []string
	}{
		{"Area", []string{"id", "kind", "code", "name_en", "name_hi", "parent_id"}},
		{"AreaDetail", []string{"ancestors"}},
		{"Department", []string{"id", "code", "name_en", "name_hi"}},
		{"Designation", []string{"id", "department_id", "code", "name_en", "name_hi", "area_kind", "nodal"}},
		{"Category", []string{"id", "code", "department_id", "name_en", "name_hi", "designation", "sla_days", "special_closure_allowed"}},
		{"Post", []string{"id", "department_id", "area_id", "designation", "title_en", "title_hi", "supervisor_post_id", "officer"}},
		{"OfficerBrief", []string{"id", "name", "mobile", "username"}},
		{"PostChain", []string{"levels"}},
		{"Officer", []string{"id", "name", "mobile", "username", "user_id", "postings"}},
		{"OfficerPosting", []string{"post_id", "from", "to"}},
		{"Posting", []string{"id", "officer_id", "post_id", "from", "to"}},
		{"User", []string{"id", "username", "roles"}},
		{"Session", []string{"token", "user"}},
		{"SpecialClosureReason", []string{"code", "name_en", "name_hi"}},
		{"Caller", []string{"mobile", "blocked", "complaints_this_month", "monthly_limit", "complaints"}},
		{"Blocked", []string{"reason", "since"}},
		{"BlockedNumber", []string{"mobile", "reason", "since", "by"}},
		{"Attachment", []string{"id", "name", "content_type", "size", "sha256"}},
		{"PendencyRow", []string{"key", "name_en", "name_hi", "open", "escalated", "overdue", "reported", "closed", "by_level"}},
		{"RankingRow", []string{"rank", "key", "name_en", "name_hi", "score", "max_score", "parameters"}},
		{"RankingParameter", []string{"code", "value", "marks", "max_marks"}},
		{"Clock", []string{"now"}},
	}
	for _, tc := range cases {
		ref := doc.Components.Schemas[tc.schema]
		if ref == nil {
			t.Errorf("no schema %s", tc.schema)
			continue
		}
		props, req := properties(ref.Value), required(ref.Value)
		for _, f := range tc.fields {
			if props[f] == nil || !slices.Contains(req, f) {
				t.Errorf("%s lacks required %q", tc.schema, f)
			}
		}
	}
	if got := enum(doc.Components.Schemas["User"].Value.Properties["roles"].Value.Items.Value); !slices.Equal(got,
		sorted("agent", "supervisor", "officer", "monitor", "admin", "citizen")) {
		t.Errorf("roles = %v", got)
	}
}

// complaintSample is a complaint shaped as API.md shows it, as an officer sees
// it (name and mobile hidden), with an escalated event.
const complaintSample = `{
  "ref": "UP-2027-000123", "status": "open", "closure_reason": null, "level": 1,
  "channel": "phone",
  "category": {"id": 7, "code": "RD-01", "name_en": "Road repair", "name_hi": "सड़क मरम्मत"},
  "area": {"id": 42, "name_en": "Lucknow", "name_hi": "लखनऊ"},
  "accountable_post": {"id": 9, "title_en": "SDM Sadar", "title_hi": "उपजिलाधिकारी सदर", "designation": "sdm"},
  "marked_post": null,
  "due_at": "2027-01-20T10:00:00+05:30", "overdue": false,
  "registered_at": "2027-01-01T10:00:00+05:30", "closed_at": null,
  "reopen_count": 0, "feedback_attempts": 0,
  "complainant": {"name": null, "mobile": null, "address": "Ward 4"},
  "description": "Pothole.",
  "events": [
    {"at": "2027-01-16T00:00:00+05:30", "kind": "escalated",
     "actor": {"user_id": null, "name": "system"}, "level": 1,
     "from_level": 0, "to_level": 1, "from_post_id": 8, "to_post_id": 9, "note": ""}
  ]
}`

func TestSampleAnswersValidate(t *testing.T) {
	doc := load(t)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	schema := func(name string) *openapi3.Schema { return doc.Components.Schemas[name].Value }
	created := strings.Replace(complaintSample, `"events"`, `"possible_duplicates": [], "events"`, 1)
	cases := []struct {
		name   string
		schema *openapi3.Schema
		value  string
		valid  bool
	}{
		{"complaint", schema("Complaint"), complaintSample, true},
		{"complaint with unknown status", schema("Complaint"),
			strings.Replace(complaintSample, `"status": "open"`, `"status": "pending"`, 1), false},
		{"complaint at level 5", schema("Complaint"),
			strings.Replace(complaintSample, `"level": 1,`, `"level": 5,`, 1), false},
		{"create answer", jsonSchema(t, operation(t, doc, call{"POST", "/api/v1/complaints"}), 201, "create"), created, true},
		{"create answer without possible_duplicates",
			jsonSchema(t, operation(t, doc, call{"POST", "/api/v1/complaints"}), 201, "create"), complaintSample, false},
		{"complaint list", jsonSchema(t, operation(t, doc, call{"GET", "/api/v1/complaints"}), 200, "list"),
			`{"items": [` + complaintSample + `], "next_cursor": "abc"}`, true},
		{"last page", jsonSchema(t, operation(t, doc, call{"GET", "/api/v1/complaints"}), 200, "list"),
			`{"items": [], "next_cursor": null}`, true},
		{"problem", schema("Problem"),
			`{"type": "about:blank", "title": "Bad Request", "status": 400, "code": "validation", "detail": "…",
			  "errors": [{"field": "mobile", "code": "invalid", "message": "…"}]}`, true},
		{"reroute", schema("RerouteRequest"), `{"category_id": 3, "note": "wrong type"}`, true},
		{"reroute reject", schema("RerouteRequest"), `{"reject": true, "note": "it is yours"}`, true},
		{"reroute without note", schema("RerouteRequest"), `{"area_id": 3}`, false},
		{"clock advance", schema("ClockChange"), `{"advance": "360h"}`, true},
		{"clock set", schema("ClockChange"), `{"set": "2027-01-20T10:00:00+05:30"}`, true},
		{"clock both", schema("ClockChange"), `{"advance": "1h", "set": "2027-01-20T10:00:00+05:30"}`, false},
		{"vacate post", schema("PostOfficerAssignment"), `{"officer_id": null}`, true},
		{"area create", schema("AreaCreate"),
			`{"kind": "district", "code": "162", "name_en": "Lucknow", "name_hi": "लखनऊ", "parent_id": 2}`, true},
		{"empty patch", schema("AreaUpdate"), `{}`, false},
		{"category without designation", schema("CategoryCreate"),
			`{"code": "X", "department_id": 1, "name_en": "X", "name_hi": "X"}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var v any
			if err := json.Unmarshal([]byte(tc.value), &v); err != nil {
				t.Fatal(err)
			}
			err := tc.schema.VisitJSON(v, openapi3.EnableJSONSchema2020())
			if tc.valid && err != nil {
				t.Errorf("rejected: %v", err)
			}
			if !tc.valid && err == nil {
				t.Error("accepted")
			}
		})
	}
}
