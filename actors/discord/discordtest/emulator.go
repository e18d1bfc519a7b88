// Package discordtest owns the Discord emulator: one HTTP handler that speaks Discord's
// gateway (WebSocket) and REST API toward a bot closely enough for a real discordgo
// Session, enforces Discord's rules (the 3 s interaction deadline, single acknowledgement,
// message limits, rate limits), records every request, frame and interaction, and shows
// the channel as a web page a person can click.
//
// Tests start it with Start; the demo and the benchmark use New and Listen. The control
// surface under /_emulator lets a test, a script or the web page act as a Discord user.
package discordtest

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"
)

// Emulator is a Discord stand-in: gateway, REST, control surface and web view.
type Emulator struct {
	opts Options
	log  *slog.Logger
	mux  *http.ServeMux
	ids  idSource

	mu           sync.Mutex
	changed      chan struct{} // closed and replaced whenever state changes
	messages     map[string][]*Message
	commands     []Command
	sessions     map[string]*session
	conns        map[*gwConn]struct{}
	interactions map[string]*interaction // by ID
	tokens       map[string]*interaction // by token, for the webhook routes
	order        []*interaction
	buckets      map[string]*bucket
	requests     []Request
	frames       []Frame
	violations   []Violation
	validator    BodyValidator
	reqValidator RequestValidator
	specPending  int    // request checks still running
	specReport   string // file that collects spec findings, from SpecReportEnv
	injected     []*activeFault
	lastFault    FaultID
	firedGone    map[FaultID]int // Fired counts of removed faults
	setFaultIDs  []FaultID       // the faults armed by SetFaults

	srvMu sync.Mutex
	srv   *http.Server
	ln    net.Listener
}

// New builds an Emulator without listening; serve Handler() or call Listen. When
// Options.Spec names a file that cannot be loaded, the emulator logs why and runs
// without the spec check.
func New(opts Options) *Emulator {
	e, err := newEmulator(opts)
	if err != nil {
		e.log.Warn("discord emulator runs without its spec check", "err", err)
	}
	return e
}

func newEmulator(opts Options) (*Emulator, error) {
	opts = withDefaults(opts)
	e := &Emulator{
		opts:         opts,
		log:          opts.Logger,
		changed:      make(chan struct{}),
		messages:     map[string][]*Message{opts.ChannelID: nil},
		sessions:     map[string]*session{},
		conns:        map[*gwConn]struct{}{},
		interactions: map[string]*interaction{},
		tokens:       map[string]*interaction{},
		buckets:      map[string]*bucket{},
	}
	e.ids.now = opts.Now
	e.mux = e.routes()
	if opts.Spec == "" {
		return e, nil
	}
	v, err := NewSpecValidator(opts.Spec)
	if err != nil {
		return e, err
	}
	e.reqValidator = v
	return e, nil
}

// Start runs an Emulator on 127.0.0.1 with a random port and closes it when t ends.
// Unless Options.NoSpec is set it checks every REST request against Discord's OpenAPI
// description, found with FindSpec; when the file is absent it runs without that check.
func Start(t testing.TB, opts Options) *Emulator {
	t.Helper()
	if opts.Spec == "" && !opts.NoSpec {
		if p, ok := FindSpec(); ok {
			opts.Spec = p
		}
	}
	if os.Getenv("DISCORDTEST_SPEC_UNDECLARED") == "1" {
		opts.SpecUndeclared = true
	}
	e, err := newEmulator(opts)
	if err != nil {
		t.Fatalf("start discord emulator: %v", err)
	}
	e.specReport = os.Getenv(SpecReportEnv)
	if err := e.Listen("127.0.0.1:0"); err != nil {
		t.Fatalf("start discord emulator: %v", err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// Handler serves the gateway, REST under /api/v9 and /api/v10, the control surface
// under /_emulator and the web view at /.
func (e *Emulator) Handler() http.Handler { return e.mux }

// Listen starts serving on addr (for example "127.0.0.1:0") in the background.
func (e *Emulator) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: e.mux, ReadHeaderTimeout: 10 * time.Second}
	e.srvMu.Lock()
	e.srv, e.ln = srv, ln
	e.srvMu.Unlock()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.log.Warn("discord emulator stopped serving", "err", err)
		}
	}()
	e.log.Debug("discord emulator listening", "addr", ln.Addr().String())
	return nil
}

// URL is the base address of a listening Emulator, like "http://127.0.0.1:4321/";
// empty before Listen.
func (e *Emulator) URL() string {
	e.srvMu.Lock()
	defer e.srvMu.Unlock()
	if e.ln == nil {
		return ""
	}
	return "http://" + e.ln.Addr().String() + "/"
}

// Close stops the listener and drops every gateway connection.
func (e *Emulator) Close() error {
	e.DropSessions()
	e.srvMu.Lock()
	srv := e.srv
	e.srvMu.Unlock()
	if srv == nil {
		return nil
	}
	if err := srv.Close(); err != nil {
		return fmt.Errorf("close discord emulator: %w", err)
	}
	return nil
}

// Options returns the effective options, defaults filled in.
func (e *Emulator) Options() Options { return e.opts }

func (e *Emulator) now() time.Time { return e.opts.Now() }

// notifyLocked wakes everyone waiting for a state change; e.mu must be held.
func (e *Emulator) notifyLocked() {
	close(e.changed)
	e.changed = make(chan struct{})
}

// waitFor blocks until cond (evaluated with e.mu held) is true or the timeout passes,
// and reports whether cond became true.
func (e *Emulator) waitFor(timeout time.Duration, cond func() bool) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		e.mu.Lock()
		ok := cond()
		ch := e.changed
		e.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-timer.C:
			return false
		}
	}
}
