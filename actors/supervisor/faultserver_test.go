package supervisor_test

import (
	"bytes"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// faultServer is a loopback HTTP server standing in for Sonarr that misbehaves the
// way its handler says. It counts what reached it, so a test can first prove that
// the fault fired.
type faultServer struct {
	*httptest.Server
	// conns counts accepted connections, requests the requests read, handshakes
	// the TLS handshakes that failed.
	conns, requests, handshakes atomic.Int64
	// stop is closed before the server is, so handlers that stall end at once.
	stop chan struct{}
}

// serveFault starts h on 127.0.0.1, over TLS with a self-signed certificate when
// tlsOn is set, and stops it when the test ends.
func serveFault(t *testing.T, tlsOn bool, h func(f *faultServer) http.Handler) *faultServer {
	t.Helper()
	f := &faultServer{stop: make(chan struct{})}
	next := h(f)
	f.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		next.ServeHTTP(w, r)
	}))
	f.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			f.conns.Add(1)
		}
	}
	// A refused certificate shows here as a handshake error: that is the fault.
	f.Config.ErrorLog = log.New(lineCounter{match: "TLS handshake error", n: &f.handshakes}, "", 0)
	if tlsOn {
		f.StartTLS()
	} else {
		f.Start()
	}
	t.Cleanup(func() {
		close(f.stop)
		f.Close()
	})
	return f
}

// lineCounter counts the log lines that contain match.
type lineCounter struct {
	match string
	n     *atomic.Int64
}

func (l lineCounter) Write(p []byte) (int, error) {
	if strings.Contains(string(p), l.match) {
		l.n.Add(1)
	}
	return len(p), nil
}

// answer is a handler that always answers status with the given content type and body.
func answer(status int, contentType, body string) func(*faultServer) http.Handler {
	return func(*faultServer) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if contentType != "" {
				w.Header().Set("Content-Type", contentType)
			}
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		})
	}
}

// slowloris answers 200 at once, then its JSON body one byte a second, for ever.
func slowloris(bytesSent *atomic.Int64) func(*faultServer) http.Handler {
	const body = `{"appName":"Sonarr","version":"4.0.14.2939","urlBase":""}`
	return func(f *faultServer) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			for i := 0; ; i++ {
				_, _ = w.Write([]byte{body[i%len(body)]})
				_ = http.NewResponseController(w).Flush() // a client gone ends the loop below
				bytesSent.Add(1)
				select {
				case <-tick.C:
				case <-r.Context().Done():
					return
				case <-f.stop:
					return
				}
			}
		})
	}
}

// cutMidBody promises a 4 KiB JSON body, sends a few bytes of it and closes the
// connection.
func cutMidBody(*faultServer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		defer conn.Close()
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" +
			"Content-Length: 4096\r\n\r\n" + `{"appName":"Sonarr","vers`)
		_ = buf.Flush()
	})
}

// hugeBody streams size bytes of JSON-looking text without a Content-Length, so the
// client has to count what it reads; most records what the biggest answer sent.
func hugeBody(size int64, most *atomic.Int64) func(*faultServer) http.Handler {
	chunk := bytes.Repeat([]byte(`{"title":"Paper.Lanterns.S02E06.1080p"},`), 1600)
	return func(*faultServer) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			var sent int64
			defer func() {
				for {
					cur := most.Load()
					if sent <= cur || most.CompareAndSwap(cur, sent) {
						return
					}
				}
			}()
			if _, err := w.Write([]byte("[")); err != nil {
				return
			}
			for sent < size {
				n, err := w.Write(chunk)
				sent += int64(n)
				if err != nil {
					return // the client hung up: it stopped reading at its cap
				}
			}
		})
	}
}

// switchable serves bad until healed is set, then good.
func switchable(bad, good http.Handler, healed *atomic.Bool) func(*faultServer) http.Handler {
	return func(*faultServer) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if healed.Load() {
				good.ServeHTTP(w, r)
				return
			}
			bad.ServeHTTP(w, r)
		})
	}
}

// silentServer accepts TCP connections on 127.0.0.1 and never answers on them.
type silentServer struct {
	ln       net.Listener
	accepted atomic.Int64
	mu       sync.Mutex
	conns    []net.Conn
}

// serveSilence starts a silentServer that lives until the test ends.
func serveSilence(t *testing.T) *silentServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &silentServer{ln: ln}
	go s.accept()
	t.Cleanup(func() {
		_ = ln.Close()
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, c := range s.conns {
			_ = c.Close()
		}
	})
	return s
}

func (s *silentServer) accept() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.accepted.Add(1)
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		go func() { _, _ = io.Copy(io.Discard, c) }() // read the request, say nothing
	}
}

// URL is the server's base URL.
func (s *silentServer) URL() string { return "http://" + s.ln.Addr().String() }

// closedPort returns the address of a 127.0.0.1 port nothing listens on any more.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}
