package discord

import (
	"bytes"
	"compress/zlib"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// frame is one message a test server sends.
type frame struct {
	kind int // websocket.TextMessage, BinaryMessage or CloseMessage
	data []byte
}

func text(s string) frame { return frame{websocket.TextMessage, []byte(s)} }

func closing(code int) frame {
	return frame{websocket.CloseMessage, websocket.FormatCloseMessage(code, "closing")}
}

func zlibbed(t *testing.T, s string) frame {
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return frame{websocket.BinaryMessage, b.Bytes()}
}

// serveFrames starts a websocket server that sends frames and then waits for the
// client to go; tls selects wss.
func serveFrames(t *testing.T, secure bool, frames []frame) (url string, conf *tls.Config) {
	t.Helper()
	up := websocket.Upgrader{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		for _, f := range frames {
			if err := conn.WriteMessage(f.kind, f.data); err != nil {
				return
			}
		}
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	})
	if !secure {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return "ws" + strings.TrimPrefix(srv.URL, "http"), nil
	}
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return "wss" + strings.TrimPrefix(srv.URL, "https"), &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

// TestWatchedConnection reads what Discord-like servers send through the watch:
// messages arrive unchanged, close codes are seen, and op 7 while a session opens
// fails the read instead of reaching discordgo.
func TestWatchedConnection(t *testing.T) {
	t.Parallel()
	hello := `{"op":10,"d":{"heartbeat_interval":41250}}`
	big := `{"op":0,"t":"GUILD_CREATE","d":{"name":"` + strings.Repeat("x", 70_000) + `"}}`
	mid := `{"op":0,"t":"READY","d":{"v":10,"x":"` + strings.Repeat("y", 300) + `"}}`
	tests := []struct {
		name    string
		secure  bool
		opening bool
		frames  []frame
		want    []string // messages read before the end
		code    int      // the close code the watch must see
		early   bool     // the read must end with errReconnectEarly
	}{
		{"hello then op 7 while opening", false, true,
			[]frame{text(hello), text(`{"op":7,"d":null}`)}, []string{hello}, 0, true},
		{"compressed op 7 while opening", false, true,
			[]frame{text(hello), zlibbed(t, `{"op":7,"d":null}`)}, []string{hello}, 0, true},
		{"op 7 once open goes through", false, false,
			[]frame{text(`{"op":7,"d":null}`), closing(4000)}, []string{`{"op":7,"d":null}`}, 4000, false},
		{"close 4004 after op 9", false, true,
			[]frame{text(hello), text(`{"op":9,"d":false}`), closing(4004)},
			[]string{hello, `{"op":9,"d":false}`}, 4004, false},
		{"every length form, opening", false, true,
			[]frame{text(mid), text(big), text("{}"), closing(1000)}, []string{mid, big, "{}"}, 1000, false},
		{"every length form, open", false, false,
			[]frame{text(mid), text(big), closing(1001)}, []string{mid, big}, 1001, false},
		{"tls: close 4014", true, false,
			[]frame{text(hello), closing(4014)}, []string{hello}, 4014, false},
		{"tls: op 7 while opening", true, true,
			[]frame{text(`{"op":7,"d":null}`)}, nil, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url, conf := serveFrames(t, tt.secure, tt.frames)
			w := &connWatch{}
			w.opening.Store(tt.opening)
			conn, _, err := w.dialer(conf).Dial(url, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			for i, want := range tt.want {
				_, got, err := conn.ReadMessage()
				if err != nil {
					t.Fatalf("message %d: %v", i, err)
				}
				if string(got) != want {
					t.Fatalf("message %d: got %d bytes %.60q, want %d bytes %.60q", i, len(got), got, len(want), want)
				}
			}
			_, _, err = conn.ReadMessage()
			if tt.early != errors.Is(err, errReconnectEarly) {
				t.Fatalf("the last read got %v; errReconnectEarly wanted: %v", err, tt.early)
			}
			var ce *websocket.CloseError
			if tt.code != 0 && (!errors.As(err, &ce) || ce.Code != tt.code) {
				t.Fatalf("the last read got %v, want close %d", err, tt.code)
			}
			if got := w.closeCode(); got != tt.code {
				t.Fatalf("the watch saw close code %d, want %d", got, tt.code)
			}
		})
	}
}

// TestWatchCloseFreesARead closes the raw connection under a read that waits for a
// server that says nothing: the read ends.
func TestWatchCloseFreesARead(t *testing.T) {
	t.Parallel()
	url, _ := serveFrames(t, false, nil)
	w := &connWatch{}
	conn, _, err := w.dialer(nil).Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	done := make(chan error, 1)
	go func() {
		_, _, err := conn.ReadMessage()
		done <- err
	}()
	w.close()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the read ended without an error")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("closing the raw connection did not end the read")
	}
}

// TestWatchPassesARefusedUpgrade has the server refuse the upgrade: the answer,
// body included, reaches the dialer as the server sent it.
func TestWatchPassesARefusedUpgrade(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "gateway unavailable", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	w := &connWatch{}
	_, resp, err := w.dialer(nil).Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if !errors.Is(err, websocket.ErrBadHandshake) || resp == nil {
		t.Fatalf("got %v, want a bad handshake with the answer", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "gateway unavailable") {
		t.Fatalf("got %d %q, want 503 and the server's words", resp.StatusCode, body)
	}
}

// BenchmarkGatewayRead reads 1 KiB dispatches over loopback, through the watch
// (open, and while a session opens, when every message is read whole) and without.
func BenchmarkGatewayRead(b *testing.B) {
	msg := `{"op":0,"t":"MESSAGE_CREATE","d":{"content":"` + strings.Repeat("x", 1000) + `"}}`
	for _, bc := range []struct {
		name           string
		watch, opening bool
	}{{"plain", false, false}, {"watched", true, false}, {"watched-opening", true, true}} {
		b.Run(bc.name, func(b *testing.B) {
			up := websocket.Upgrader{}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				conn, err := up.Upgrade(w, r, nil)
				if err != nil {
					return
				}
				defer conn.Close()
				for {
					if conn.WriteMessage(websocket.TextMessage, []byte(msg)) != nil {
						return
					}
				}
			}))
			defer srv.Close()
			d := websocket.DefaultDialer
			if bc.watch {
				w := &connWatch{}
				w.opening.Store(bc.opening)
				d = w.dialer(nil)
			}
			conn, _, err := d.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := conn.ReadMessage(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestWatchLearnsTheHeartbeatInterval reads HELLO while a session opens.
func TestWatchLearnsTheHeartbeatInterval(t *testing.T) {
	t.Parallel()
	url, _ := serveFrames(t, false, []frame{zlibbed(t, `{"op":10,"d":{"heartbeat_interval":41250}}`)})
	w := &connWatch{}
	w.opening.Store(true)
	conn, _, err := w.dialer(nil).Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, _, err := conn.ReadMessage(); err != nil {
		t.Fatal(err)
	}
	if got := w.heartbeat(); got != 41250*time.Millisecond {
		t.Fatalf("heartbeat interval %s, want 41.25s", got)
	}
}
