package service_test

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/service"
)

// hangingServer accepts connections and never answers; it returns its address.
func hangingServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return ln.Addr().String()
}

// refusedAddr returns an address where nothing listens.
func refusedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// answer serves one status and body for every request.
func answer(status int, contentType, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = fmt.Fprint(w, body)
	}
}

// pollErr polls a Sonarr client at url and returns its *Error.
func pollErr(t *testing.T, kind, url string, mod func(*service.Options)) *service.Error {
	t.Helper()
	snap, err := newClient(t, kind, url, mod).Poll(context.Background())
	var e *service.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want an *Error", err)
	}
	if snap.Err != e.Summary() {
		t.Errorf("Snapshot.Err %q, want the Summary %q", snap.Err, e.Summary())
	}
	return e
}

func TestErrorSummariesSayWhatToCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		handler http.HandlerFunc
		mod     func(*service.Options)
		kind    service.ErrorKind
		status  int
		summary string
	}{
		{name: "wrong API key", handler: answer(401, "", ""), kind: service.Auth, status: 401,
			summary: "Sonarr rejected the API key (401): check api_key"},
		{name: "wrong base path", handler: answer(404, "text/plain", "Not Found"), kind: service.NotFound, status: 404,
			summary: "not found (404): check the URL and its base path (urlBase)"},
		{name: "server exception", kind: service.Server, status: 500,
			handler: answer(500, "application/json",
				`{"message":"Expected query to return 1 rows but returned 0","description":"at Db..."}`),
			summary: "Sonarr API error (500): Expected query to return 1 rows but returned 0"},
		{name: "proxy without backend", handler: answer(502, "text/html", "<html>Bad Gateway</html>"),
			kind: service.Proxy, status: 502,
			summary: "Sonarr is unreachable behind a proxy (502 Bad Gateway): is it running?"},
		{name: "login page instead of the API", handler: answer(200, "text/html", "<!DOCTYPE html><html>Login</html>"),
			kind: service.Decode, status: 200, summary: "answered HTML, not JSON (a login page or a proxy?)"},
		{name: "truncated JSON",
			handler: answer(200, "application/json", `{"page":1,"totalRecords":2,"records":[{"id":1,`),
			kind:    service.Decode, status: 200, summary: "truncated JSON"},
		{name: "body over the cap with a length",
			handler: answer(200, "application/json", "["+strings.Repeat(" ", 2048)+"]"),
			mod:     func(o *service.Options) { o.MaxBody = 1024 }, kind: service.TooLarge, status: 0,
			summary: "response over 1.0 KiB"},
		{name: "body over the cap, streamed", mod: func(o *service.Options) { o.MaxBody = 1024 },
			handler: func(w http.ResponseWriter, _ *http.Request) {
				for range 8 {
					_, _ = fmt.Fprint(w, strings.Repeat(" ", 512))
					w.(http.Flusher).Flush()
				}
			},
			kind: service.TooLarge, summary: "response over 1.0 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := httptest.NewServer(tt.handler)
			t.Cleanup(ts.Close)
			e := pollErr(t, "sonarr", ts.URL, tt.mod)
			if e.Kind != tt.kind || e.Summary() != tt.summary {
				t.Errorf("kind %s summary %q, want %s %q", e.Kind, e.Summary(), tt.kind, tt.summary)
			}
			if tt.status != 0 && e.Status != tt.status {
				t.Errorf("status %d, want %d", e.Status, tt.status)
			}
			if !strings.HasPrefix(e.Error(), "get queue page 1 "+ts.URL+"/api/v3/queue?") {
				t.Errorf("Error() = %q, want it to name the op and URL", e.Error())
			}
		})
	}
}

func TestHangingServerTimesOutAtTheDeadline(t *testing.T) {
	t.Parallel()
	addr := hangingServer(t)
	e := pollErr(t, "sonarr", "http://"+addr, func(o *service.Options) { o.Timeout = 300 * time.Millisecond })
	if e.Kind != service.Timeout || e.Summary() != "timed out after 300ms" {
		t.Errorf("kind %s summary %q", e.Kind, e.Summary())
	}
}

func TestCallerDeadlineAlsoBoundsTheRequest(t *testing.T) {
	t.Parallel()
	addr := hangingServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := newClient(t, "radarr", "http://"+addr, nil).Poll(ctx)
	var e *service.Error
	if !errors.As(err, &e) || e.Kind != service.Timeout {
		t.Fatalf("err %v, want a timeout", err)
	}
}

func TestCanceledContextIsReportedAsCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newClient(t, "sonarr", "http://"+hangingServer(t), nil).Poll(ctx)
	var e *service.Error
	if !errors.As(err, &e) || e.Kind != service.Canceled || e.Summary() != "canceled" {
		t.Fatalf("err %v", err)
	}
}

func TestRefusedConnectionIsNamed(t *testing.T) {
	t.Parallel()
	e := pollErr(t, "sonarr", "http://"+refusedAddr(t), nil)
	if e.Kind != service.Refused || e.Summary() != "connection refused" {
		t.Errorf("kind %s summary %q", e.Kind, e.Summary())
	}
}

func TestUnresolvableHostIsADNSFailure(t *testing.T) {
	t.Parallel()
	e := pollErr(t, "sonarr", "http://discarr-test.invalid", nil)
	if e.Kind != service.DNS {
		t.Errorf("kind %s summary %q, want dns", e.Kind, e.Summary())
	}
	if s := e.Summary(); s != "host not found" && !strings.HasPrefix(s, "DNS lookup failed") {
		t.Errorf("summary %q", s)
	}
}

func TestSelfSignedCertificateNeedsCAFileOrInsecure(t *testing.T) {
	t.Parallel()
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != testKey {
			w.WriteHeader(401)
			return
		}
		arrQueue(nil, -1)(w, r)
	}))
	t.Cleanup(ts.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		tls    service.TLSOptions
		wantOK bool
	}{
		{name: "system roots only", tls: service.TLSOptions{}},
		{name: "ca_file", tls: service.TLSOptions{CAFile: caFile}, wantOK: true},
		{name: "insecure_skip_verify", tls: service.TLSOptions{InsecureSkipVerify: true}, wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hc, err := service.NewHTTPClient(tt.tls)
			if err != nil {
				t.Fatal(err)
			}
			_, err = newClient(t, "sonarr", ts.URL, func(o *service.Options) { o.HTTP = hc }).Poll(context.Background())
			if tt.wantOK {
				if err != nil {
					t.Fatalf("poll: %v", err)
				}
				return
			}
			var e *service.Error
			if !errors.As(err, &e) || e.Kind != service.TLS {
				t.Fatalf("err %v, want a TLS *Error", err)
			}
			want := "untrusted certificate (x509: certificate signed by unknown authority): " +
				"set ca_file or insecure_skip_verify"
			if e.Summary() != want {
				t.Errorf("summary %q, want %q", e.Summary(), want)
			}
		})
	}
}

func TestCAFileWithoutCertificatesIsRejected(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "empty.pem")
	if err := os.WriteFile(bad, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{bad, filepath.Join(t.TempDir(), "missing.pem")} {
		if _, err := service.NewHTTPClient(service.TLSOptions{CAFile: path}); err == nil {
			t.Errorf("NewHTTPClient(%s) succeeded", path)
		}
	}
}

func TestNewRejectsUnknownAndNotYetSupportedKinds(t *testing.T) {
	t.Parallel()
	u := mustURL(t, "http://127.0.0.1:1")
	tests := []struct{ kind, want string }{
		{"lidarr", "kind lidarr is not supported yet"},
		{"transmission", "kind transmission is not supported yet"},
		{"gopher", `unknown kind "gopher"`},
	}
	for _, tt := range tests {
		_, err := service.New(service.Options{Name: "x", Kind: tt.kind, URL: u})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%s) err %v, want %q", tt.kind, err, tt.want)
		}
	}
	if _, err := service.New(service.Options{Name: "x", Kind: "sonarr", URL: mustURL(t, "ftp://h/")}); err == nil {
		t.Error("New accepted an ftp URL")
	}
	if got := service.Kinds(); strings.Join(got, ",") != "qbittorrent,radarr,sonarr" {
		t.Errorf("Kinds() = %v", got)
	}
}
