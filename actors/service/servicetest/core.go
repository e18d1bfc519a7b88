package servicetest

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
)

// Request is what a simulator remembers of the last request it received.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path as received, including any URL base.
	Path string
	// RawQuery is the URL query string without the '?'.
	RawQuery string
	// Header is a copy of the request headers.
	Header http.Header
	// RemoteAddr is the client's address as net/http reports it.
	RemoteAddr string
}

// core is the bookkeeping every simulator shares: faults, request counts, the last
// request, in-flight handlers and the close signal that ends hanging requests.
type core struct {
	failBody func(w http.ResponseWriter, msg string)

	mu     sync.Mutex
	fault  Fault
	counts map[string]int
	total  int
	last   Request

	inflight  atomic.Int64
	done      chan struct{}
	closeOnce sync.Once
}

// newCore returns a core answering FaultFail with failBody.
func newCore(failBody func(http.ResponseWriter, string)) *core {
	return &core{failBody: failBody, counts: map[string]int{}, done: make(chan struct{})}
}

// SetFault makes the simulator misbehave as f says, from the next request on.
func (c *core) SetFault(f Fault) {
	if !validMode(f.Mode) {
		f.Mode = FaultOK
	}
	c.mu.Lock()
	c.fault = f
	c.mu.Unlock()
}

// Fault returns the fault in effect.
func (c *core) Fault() Fault {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fault
}

// Requests returns how many requests arrived for the URL path p, as received (including
// any URL base, e.g. "/sonarr/api/v3/queue"). Control routes under /_sim/ are not counted.
func (c *core) Requests(p string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[p]
}

// TotalRequests returns how many requests arrived on any path, control routes excluded.
func (c *core) TotalRequests() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total
}

// LastRequest returns the last request received (control routes excluded); its Header
// is a copy the caller may keep.
func (c *core) LastRequest() Request {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.last
	r.Header = r.Header.Clone()
	return r
}

// LastHeader returns a copy of the headers of the last request received.
func (c *core) LastHeader() http.Header {
	return c.LastRequest().Header
}

// InFlight returns how many requests are being handled right now, hanging ones included.
func (c *core) InFlight() int {
	return int(c.inflight.Load())
}

// Close ends every hanging or slow request at once and makes later ones end at once too.
// It does not stop the HTTP server that serves the simulator. It is safe to call twice.
func (c *core) Close() error {
	c.closeOnce.Do(func() { close(c.done) })
	return nil
}

// record counts r and remembers it as the last request.
func (c *core) record(r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counts[r.URL.Path]++
	c.total++
	c.last = Request{
		Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		Header: r.Header.Clone(), RemoteAddr: r.RemoteAddr,
	}
}

// serve counts r, then answers it with next or with the fault in effect for route.
func (c *core) serve(w http.ResponseWriter, r *http.Request, route string, next http.Handler) {
	c.record(r)
	c.inflight.Add(1)
	defer c.inflight.Add(-1)

	f := c.Fault()
	if !f.applies(route) {
		next.ServeHTTP(w, r)
		return
	}
	c.serveFault(w, r, f, next)
}

// isControl reports whether route is one of the simulator's own /_sim/ routes.
func isControl(route string) bool {
	return strings.HasPrefix(route, "/_sim/")
}

// writeJSON sends v as JSON with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeText(w, http.StatusInternalServerError, "encode response: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeText sends s as plain text with the given status.
func writeText(w http.ResponseWriter, status int, s string) {
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(s))
}

// methodNotAllowed answers 405 naming the allowed method.
func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeText(w, http.StatusMethodNotAllowed, "Method Not Allowed")
}
