package servicetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Fault modes accepted by SetFault and by the POST /_sim/faults control route.
const (
	// FaultOK answers normally.
	FaultOK = "ok"
	// FaultSlow answers normally after Delay (DefaultSlowDelay when Delay is zero).
	FaultSlow = "slow"
	// FaultHang never answers: the request ends when its context ends or the
	// simulator is closed, and then the connection is dropped without a response.
	FaultHang = "hang"
	// FaultFail answers 500 with a body shaped like the application's own errors.
	FaultFail = "fail"
	// FaultGarbage answers 200 with the real body cut in half, which is not valid JSON.
	FaultGarbage = "garbage"
)

// DefaultSlowDelay is how long a FaultSlow response waits when Fault.Delay is zero.
const DefaultSlowDelay = 2 * time.Second

// DefaultFailMessage is the message of a FaultFail response when Fault.Message is empty;
// it is the text a real Sonarr answered when its database was inconsistent.
const DefaultFailMessage = "Expected query to return 1 rows but returned 0"

// Fault tells a simulator how to misbehave. The zero value answers normally.
type Fault struct {
	// Mode is one of FaultOK, FaultSlow, FaultHang, FaultFail, FaultGarbage; empty or
	// unknown means FaultOK.
	Mode string
	// Delay is the wait of FaultSlow, and an extra wait before FaultFail and
	// FaultGarbage answer when positive.
	Delay time.Duration
	// Message is the error text of FaultFail (DefaultFailMessage when empty).
	Message string
	// Path limits the fault to requests for this route path (the path after any URL
	// base, e.g. "/api/v3/queue"); empty means every route.
	Path string
}

// faultRequest is the JSON body of POST /_sim/faults.
type faultRequest struct {
	Mode    string `json:"mode"`
	DelayMS int64  `json:"delay_ms"`
	Message string `json:"message,omitempty"`
	Path    string `json:"path,omitempty"`
}

// validMode reports whether m names a fault mode.
func validMode(m string) bool {
	switch m {
	case "", FaultOK, FaultSlow, FaultHang, FaultFail, FaultGarbage:
		return true
	}
	return false
}

// applies reports whether f affects a request for route path p.
func (f Fault) applies(p string) bool {
	return f.Mode != "" && f.Mode != FaultOK && (f.Path == "" || f.Path == p)
}

// wait blocks for d, returning false when the request context ends or the simulator
// closes first.
func (c *core) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-c.done:
		return false
	}
}

// abort ends a request without any response. Under net/http the connection is dropped
// (http.ErrAbortHandler); called directly (a ResponseRecorder) it just returns.
func abort(r *http.Request) {
	if r.Context().Value(http.ServerContextKey) != nil && r.Context().Err() == nil {
		panic(http.ErrAbortHandler)
	}
}

// serveFault runs f for a request whose route is p and the normal handler next. It
// returns after writing the whole response.
func (c *core) serveFault(w http.ResponseWriter, r *http.Request, f Fault, next http.Handler) {
	switch f.Mode {
	case FaultSlow:
		d := f.Delay
		if d <= 0 {
			d = DefaultSlowDelay
		}
		if !c.wait(r, d) {
			abort(r)
			return
		}
		next.ServeHTTP(w, r)
	case FaultHang:
		select {
		case <-r.Context().Done():
		case <-c.done:
		}
		abort(r)
	case FaultFail:
		if !c.wait(r, f.Delay) {
			abort(r)
			return
		}
		msg := f.Message
		if msg == "" {
			msg = DefaultFailMessage
		}
		c.failBody(w, msg)
	case FaultGarbage:
		if !c.wait(r, f.Delay) {
			abort(r)
			return
		}
		writeGarbage(w, r, next)
	default:
		next.ServeHTTP(w, r)
	}
}

// writeGarbage renders the real response and sends its first half with status 200.
func writeGarbage(w http.ResponseWriter, r *http.Request, next http.Handler) {
	rec := &bufferWriter{header: http.Header{}}
	next.ServeHTTP(rec, r)
	body := rec.buf.Bytes()
	cut := body[:len(body)/2]
	if len(cut) == 0 {
		cut = []byte(`{"`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(cut)
}

// bufferWriter is a minimal http.ResponseWriter that keeps the body in memory.
type bufferWriter struct {
	header http.Header
	buf    bytes.Buffer
}

func (b *bufferWriter) Header() http.Header         { return b.header }
func (b *bufferWriter) Write(p []byte) (int, error) { return b.buf.Write(p) }
func (b *bufferWriter) WriteHeader(int)             {}

// arrFailBody answers like an *arr application whose handler threw: 500 and a JSON
// object with a message.
func arrFailBody(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusInternalServerError, map[string]any{"message": msg})
}

// qbFailBody answers like qBittorrent's web server on an internal error: 500 and plain text.
func qbFailBody(w http.ResponseWriter, msg string) {
	writeText(w, http.StatusInternalServerError, msg)
}

// serveFaultControl handles GET and POST /_sim/faults.
func (c *core) serveFaultControl(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		f := c.Fault()
		writeJSON(w, http.StatusOK, faultRequest{
			Mode: f.Mode, DelayMS: f.Delay.Milliseconds(), Message: f.Message, Path: f.Path,
		})
	case http.MethodPost:
		var req faultRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeText(w, http.StatusBadRequest, fmt.Sprintf("decode fault: %v", err))
			return
		}
		if !validMode(req.Mode) {
			writeText(w, http.StatusBadRequest, fmt.Sprintf("unknown fault mode %q", req.Mode))
			return
		}
		c.SetFault(Fault{
			Mode: req.Mode, Delay: time.Duration(req.DelayMS) * time.Millisecond,
			Message: req.Message, Path: req.Path,
		})
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, POST")
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}
