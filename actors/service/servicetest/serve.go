package servicetest

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Serve starts h on a 127.0.0.1 port for the test and stops it on cleanup. When h is an
// io.Closer (every simulator here is) it is closed first, so hanging requests end and the
// server's shutdown does not wait for them.
func Serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(func() {
		if c, ok := h.(io.Closer); ok {
			_ = c.Close()
		}
		ts.Close()
	})
	return ts
}

// Listen serves h on addr (e.g. "127.0.0.1:0") until closeFn is called, for the demo and
// the benchmark. It returns the base URL ("http://127.0.0.1:port"). closeFn closes h when
// it is an io.Closer, then the server and every open connection; calling it again returns
// the first result.
func Listen(addr string, h http.Handler) (url string, closeFn func() error, err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var once sync.Once
	var closeErr error
	closeFn = func() error {
		once.Do(func() {
			if c, ok := h.(io.Closer); ok {
				_ = c.Close()
			}
			if err := srv.Close(); err != nil {
				closeErr = fmt.Errorf("close simulator server: %w", err)
				return
			}
			if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
				closeErr = fmt.Errorf("serve simulator: %w", err)
			}
		})
		return closeErr
	}
	return "http://" + ln.Addr().String(), closeFn, nil
}
