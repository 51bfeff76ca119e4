package demo

import (
	"context"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/store"
)

//go:embed data/*.csv
var data embed.FS

// ErrNotDemo means the database holds data that is not the demo's.
var ErrNotDemo = errors.New("demo: refusing to load the demo into a database that already holds other data; use an empty database")

// Login is a demo user to print.
type Login struct{ Username, Role string }

// Summary says what the demo holds.
type Summary struct {
	Areas, Departments, Categories, Posts, Officers int
	Logins                                          []Login
	Loaded                                          bool // false when it was loaded before
}

const marker = "demo_loaded"

// Load fills an empty database with the demo, or does nothing when the demo
// is already there.
func Load(ctx context.Context, st *store.Store, password string, now time.Time) (Summary, error) {
	var loaded int
	err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM counters WHERE name = $1`, marker).Scan(&loaded)
	if err != nil {
		return Summary{}, fmt.Errorf("demo: %w", err)
	}
	if loaded == 0 {
		users, err := st.CountRows(ctx, "users")
		if err != nil {
			return Summary{}, err
		}
		areas, err := st.CountRows(ctx, "areas")
		if err != nil {
			return Summary{}, err
		}
		if users > 0 || areas > 0 {
			return Summary{}, ErrNotDemo
		}
		hash, err := auth.HashPassword(password)
		if err != nil {
			return Summary{}, err
		}
		b, err := build(hash, now)
		if err != nil {
			return Summary{}, err
		}
		if err := st.Tx(ctx, func(tx *store.Tx) error { return b.save(ctx, tx) }); err != nil {
			return Summary{}, fmt.Errorf("demo: load: %w", err)
		}
	}
	s, err := summarize(ctx, st)
	s.Loaded = loaded == 0
	return s, err
}

func summarize(ctx context.Context, st *store.Store) (Summary, error) {
	var s Summary
	for table, dst := range map[string]*int{"areas": &s.Areas, "departments": &s.Departments, "categories": &s.Categories,
		"posts": &s.Posts, "officers": &s.Officers} {
		n, err := st.CountRows(ctx, table)
		if err != nil {
			return s, err
		}
		*dst = n
	}
	s.Logins = []Login{{"admin", "admin"}, {"agent1", "agent"}, {"agent2", "agent"}, {"agent3", "agent"},
		{"supervisor1", "supervisor (call centre, re-route desk)"}, {"monitor.state", "monitor (Uttar Pradesh)"},
		{"monitor.lucknow", "monitor (Lucknow district)"}}
	rows, err := st.DB().QueryContext(ctx, `SELECT u.username, p.title_en FROM users u
		JOIN postings x ON x.officer_id = u.officer_id AND x.to_at IS NULL JOIN posts p ON p.id = x.post_id
		WHERE u.username LIKE 'revenue%' AND u.username LIKE '%.162' OR u.username LIKE 'revenue%.lko%'
		ORDER BY p.id LIMIT 4`)
	if err != nil {
		return s, err
	}
	defer rows.Close()
	for rows.Next() {
		var l Login
		if err := rows.Scan(&l.Username, &l.Role); err != nil {
			return s, err
		}
		l.Role = "officer: " + l.Role
		s.Logins = append(s.Logins, l)
	}
	s.Logins = append(s.Logins, Login{"<designation>.<area code>", "officer of any post (e.g. listed by GET /api/v1/posts)"})
	return s, rows.Err()
}

// readCSV reads an embedded CSV file into maps keyed by its header.
func readCSV(name string) ([]map[string]string, error) {
	f, err := data.Open("data/" + name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("demo: %s: %w", name, err)
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("demo: %s: %w", name, err)
		}
		m := make(map[string]string, len(head))
		for i, h := range head {
			m[h] = norm.NFC.String(strings.TrimSpace(rec[i]))
		}
		out = append(out, m)
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
