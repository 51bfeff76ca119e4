package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

const demoPassword = "e2e-demo-password"

// start is 2026-11-02 10:00 IST, a Monday early in the month.
const start = "2026-11-02T10:00:00+05:30"

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

func nivaranBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nivaran-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "nivaran")
		out, err := exec.Command("go", "build", "-o", binary, "github.com/nivaran/nivaran/cmd/nivaran").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

// server is a running nivaran process.
type server struct {
	t      *testing.T
	url    string
	dsn    string // the server's database
	client *http.Client
	tokens map[string]string
}

// each runs fn against a fresh server per dialect.
func each(t *testing.T, fn func(t *testing.T, s *server), extra ...string) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) { fn(t, startServer(t, d, extra...)) })
	}
}

func startServer(t *testing.T, d store.Dialect, extra ...string) *server {
	t.Helper()
	dsn := storetest.NewDSN(t, d)
	args := append([]string{"serve", "--demo", "--demo-password", demoPassword, "--addr", "127.0.0.1:0", "--db", dsn,
		"--data-dir", t.TempDir(), "--log-level", "warn"}, extra...)
	if len(extra) == 0 {
		args = append(args, "--fake-clock", "--fake-clock-start", start)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, nivaranBinary(t), args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("server stderr:\n%s", stderr.String())
		}
	})
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		var url string
		for sc.Scan() {
			line := sc.Text()
			if i := strings.Index(line, "serving at "); i >= 0 {
				url = strings.Fields(line[i+len("serving at "):])[0]
			}
			if strings.HasPrefix(line, "ready in") {
				urlc <- url
			}
		}
		close(urlc)
	}()
	select {
	case url, ok := <-urlc:
		if !ok || url == "" {
			t.Fatalf("server did not start:\n%s", stderr.String())
		}
		return &server{t: t, url: url, dsn: dsn, client: &http.Client{Timeout: 60 * time.Second}, tokens: map[string]string{}}
	case <-time.After(90 * time.Second):
		t.Fatalf("server did not start in time:\n%s", stderr.String())
	}
	return nil
}

// resp is a decoded answer.
type resp struct {
	status int
	body   map[string]any
	raw    []byte
	header http.Header
}

func (s *server) request(token, method, path string, body any, hdr ...string) resp {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	checkContract(s.t, req, res.StatusCode, res.Header, raw)
	r := resp{status: res.StatusCode, raw: raw, header: res.Header}
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			s.t.Fatalf("%s %s: bad JSON %q: %v", method, path, raw, err)
		}
	}
	return r
}

// as signs in user (cached) and returns a caller for them.
func (s *server) as(user string) *caller {
	s.t.Helper()
	tok, ok := s.tokens[user]
	if !ok {
		r := s.request("", "POST", "/api/v1/auth/login", map[string]string{"username": user, "password": demoPassword})
		if r.status != 200 {
			s.t.Fatalf("login %s: %d %s", user, r.status, r.raw)
		}
		tok = r.body["token"].(string)
		s.tokens[user] = tok
	}
	return &caller{s: s, token: tok, user: user}
}

type caller struct {
	s     *server
	token string
	user  string
}

func (c *caller) do(method, path string, body any, hdr ...string) resp {
	c.s.t.Helper()
	return c.s.request(c.token, method, path, body, hdr...)
}

// must does a request and fails unless it answers want.
func (c *caller) must(want int, method, path string, body any, hdr ...string) map[string]any {
	c.s.t.Helper()
	r := c.do(method, path, body, hdr...)
	if r.status != want {
		c.s.t.Fatalf("%s: %s %s = %d, want %d: %s", c.user, method, path, r.status, want, r.raw)
	}
	return r.body
}

// advance moves the fake clock and returns the new time.
func (s *server) advance(d string) time.Time {
	s.t.Helper()
	b := s.as("admin").must(200, "POST", "/api/v1/dev/clock", map[string]string{"advance": d})
	return parseTime(s.t, b["now"])
}

func parseTime(t *testing.T, v any) time.Time {
	t.Helper()
	s, _ := v.(string)
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("bad time %v: %v", v, err)
	}
	return tm
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func items(b map[string]any) []map[string]any {
	var out []map[string]any
	list, _ := b["items"].([]any)
	for _, x := range list {
		out = append(out, obj(x))
	}
	return out
}
