package watchdog_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/discarr/discarr/actors/supervision"
	"github.com/discarr/discarr/messages"
)

// waitLimit bounds every wait for something that must happen.
const waitLimit = 10 * time.Second

// notifySocket is a unixgram socket standing in for systemd's NOTIFY_SOCKET.
type notifySocket struct {
	path string
	conn *net.UnixConn
}

func listenNotify(t *testing.T) *notifySocket {
	t.Helper()
	// Not t.TempDir: its name grows with the test's, and sun_path holds 108 bytes.
	dir, err := os.MkdirTemp("", "sdnotify")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	path := filepath.Join(dir, "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return &notifySocket{path: path, conn: conn}
}

// notify sends one message to the socket as one datagram, the way sd_notify does;
// it is the Notify hook of tests that run in parallel (NOTIFY_SOCKET is global).
func (s *notifySocket) notify(state string) error {
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: s.path, Net: "unixgram"})
	if err != nil {
		return err
	}
	_, err = c.Write([]byte(state))
	return errors.Join(err, c.Close())
}

// read returns the next datagram, or false when none arrives before deadline.
func (s *notifySocket) read(t *testing.T, deadline time.Time) (string, bool) {
	t.Helper()
	if err := s.conn.SetReadDeadline(deadline); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, err := s.conn.Read(buf)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return "", false
	}
	if err != nil {
		t.Fatalf("read notify socket: %v", err)
	}
	return string(buf[:n]), true
}

// next returns the next datagram, failing when none arrives in time.
func (s *notifySocket) next(t *testing.T) string {
	t.Helper()
	msg, ok := s.read(t, time.Now().Add(waitLimit))
	if !ok {
		t.Fatalf("no sd_notify message within %s", waitLimit)
	}
	return msg
}

// waitFor reads datagrams until one equals want and returns those read before it.
func (s *notifySocket) waitFor(t *testing.T, want string) []string {
	t.Helper()
	var before []string
	deadline := time.Now().Add(waitLimit)
	for {
		msg, ok := s.read(t, deadline)
		if !ok {
			t.Fatalf("no %q within %s; got %s", want, waitLimit, summary(before))
		}
		if msg == want {
			return before
		}
		before = append(before, msg)
	}
}

// buffered returns the datagrams already waiting on the socket.
func (s *notifySocket) buffered(t *testing.T) []string {
	t.Helper()
	// Unix datagrams are queued by the time the sender's write returns, so the
	// deadline only ends the reading; it waits for nothing in flight.
	deadline := time.Now().Add(20 * time.Millisecond)
	var got []string
	for {
		msg, ok := s.read(t, deadline)
		if !ok {
			return got
		}
		got = append(got, msg)
	}
}

// summary shows the first few messages and how many there were.
func summary(msgs []string) string {
	if len(msgs) > 5 {
		return fmt.Sprintf("%q and %d more", msgs[:5], len(msgs)-5)
	}
	return fmt.Sprintf("%q", msgs)
}

// waitUntil polls cond until it holds, failing after waitLimit.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, waitLimit)
		}
		<-tick.C
	}
}

// newSystem returns an actor system whose own logs are discarded.
func newSystem() *actor.ActorSystem {
	return supervision.NewSystem(slog.New(slog.DiscardHandler))
}

// wedge makes a pinger block until release is closed, as a deadlocked actor would.
type wedge struct{ release <-chan struct{} }

// pinger answers Ping the way discarr's core actors do.
type pinger struct{}

func (pinger) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case messages.Ping:
		// The watchdog asks whether this actor still processes its mailbox.
		c.Respond(messages.Pong{})
	case wedge:
		// The test wedges the actor; every later Ping waits behind this one.
		<-m.release
	}
}

// impostor answers Ping with something that is not a Pong.
type impostor struct{}

func (impostor) Receive(c actor.Context) {
	if _, ok := c.Message().(messages.Ping); ok {
		c.Respond("pong")
	}
}

// silent takes every Ping and never answers it, signalling pinged instead.
type silent struct{ pinged chan<- struct{} }

func (a silent) Receive(c actor.Context) {
	if _, ok := c.Message().(messages.Ping); ok {
		select {
		case a.pinged <- struct{}{}:
		default:
		}
	}
}

func spawn(system *actor.ActorSystem, a actor.Actor) *actor.PID {
	return system.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return a }))
}

// records keeps every log record, for tests to count.
type records struct {
	mu   sync.Mutex
	list []slog.Record
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }

func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, rec.Clone())
	return nil
}

func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

// count returns how many records have the level and an attribute key=value
// (any value when value is empty).
func (r *records) count(level slog.Level, key, value string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, rec := range r.list {
		rec.Attrs(func(a slog.Attr) bool {
			if rec.Level == level && a.Key == key && (value == "" || a.Value.String() == value) {
				n++
				return false
			}
			return true
		})
	}
	return n
}

// texts returns the message of every record.
func (r *records) texts() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.list))
	for i, rec := range r.list {
		out[i] = rec.Message
	}
	return out
}
