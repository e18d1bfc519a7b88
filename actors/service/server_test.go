package service_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/service"
)

// testKey is the API key the fake *arr servers expect.
const testKey = "k3y-0123456789abcdef"

// fixture reads a file of testdata/.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seen records the requests a fake server received.
type seen struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (s *seen) add(r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, r.Clone(r.Context()))
}

func (s *seen) all() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.reqs...)
}

func (s *seen) count(path string) int {
	n := 0
	for _, r := range s.all() {
		if path == "" || r.URL.Path == path {
			n++
		}
	}
	return n
}

// arrQueue serves recs as an *arr queue, paged by the request's page and pageSize (the
// server's default 10 when absent), reporting total (len(recs) when negative).
func arrQueue(recs []json.RawMessage, total int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		size, _ := strconv.Atoi(r.URL.Query().Get("pageSize"))
		page, size = max(page, 1), cmpOr(size, 10)
		from, to := min((page-1)*size, len(recs)), min(page*size, len(recs))
		if total < 0 {
			total = len(recs)
		}
		writeJSON(w, map[string]any{
			"page": page, "pageSize": size, "sortKey": "timeleft", "totalRecords": total,
			"records": recs[from:to],
		})
	}
}

func cmpOr(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// arrServer starts a fake *arr app under base that checks the API key and serves the
// handlers by path below base, recording every request.
func arrServer(t testing.TB, base string, routes map[string]http.HandlerFunc) (*httptest.Server, *seen) {
	t.Helper()
	s := &seen{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.add(r)
		if r.Header.Get("X-Api-Key") != testKey {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		h, ok := routes[strings.TrimPrefix(r.URL.Path, base)]
		if !ok || !strings.HasPrefix(r.URL.Path, base) {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts, s
}

// raw serves a fixed body as JSON.
func raw(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}
}

// newClient builds a client of kind for rawURL with a short timeout.
func newClient(t testing.TB, kind, rawURL string, mod func(*service.Options)) service.Client {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	o := service.Options{Name: kind + "_test", Kind: kind, URL: u, APIKey: testKey, Timeout: 5 * time.Second}
	if kind == "qbittorrent" {
		o.APIKey = ""
	}
	if mod != nil {
		mod(&o)
	}
	c, err := service.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// mustURL parses s.
func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
