package api

import (
	"testing"
)

type sample struct {
	Channel     string  `json:"channel"`
	CategoryID  int64   `json:"category_id"`
	Attachments []int64 `json:"attachment_ids"`
	Complainant struct {
		Name string `json:"name"`
	} `json:"complainant"`
}

func TestDecodeJSON(t *testing.T) {
	cases := []struct {
		name, body string
		ok         bool
		field      string
	}{
		{"valid", `{"channel":"phone","category_id":3,"complainant":{"name":"क"}}`, true, ""},
		{"empty", ``, false, ""},
		{"spaces", `   `, false, ""},
		{"malformed", `{"channel":`, false, ""},
		{"array", `[]`, false, ""},
		{"wrong type", `{"category_id":"3"}`, false, "category_id"},
		{"nested wrong type", `{"complainant":{"name":5}}`, false, "complainant.name"},
		{"unknown field", `{"categry_id":3}`, false, "categry_id"},
		{"two objects", `{} {}`, false, ""},
		{"trailing garbage", `{}x`, false, ""},
		{"null", `null`, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var v sample
			err := decodeJSON([]byte(tc.body), &v)
			if (err == nil) != tc.ok {
				t.Fatalf("decodeJSON(%q) error = %v, want ok=%v", tc.body, err, tc.ok)
			}
			if tc.field != "" {
				fe, isField := err.(*fieldErr)
				if !isField || fe.field != tc.field {
					t.Fatalf("error %v, want field %s", err, tc.field)
				}
			}
		})
	}
}

// FuzzDecodeJSON: no input panics, and accepted input always decodes into
// the target again.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"channel":"phone"}`, `{"category_id":1,"attachment_ids":[1,2]}`, `[`, `{"complainant":{"name":"क"}}`, "\x00", `{"a":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v sample
		if err := decodeJSON(b, &v); err != nil {
			return
		}
		var again sample
		if err := decodeJSON(b, &again); err != nil {
			t.Fatalf("accepted once, refused again: %v", err)
		}
	})
}
