package supervisor_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/discord/discordtest"
	"github.com/discarr/discarr/actors/supervisor"
)

// survivor is a whole discarr stack for the fault tests: its emulator heartbeats
// every second, so faults armed on a heartbeat strike the live session within a
// second, and OnFatal is recorded instead of failing the test.
type survivor struct {
	*stack
	mu      sync.Mutex
	fatals  []error
	pressed time.Time // last refresh press, see press
}

// survivorOpenTimeout bounds a gateway connection attempt in these tests.
const survivorOpenTimeout = 3 * time.Second

// newSurvivor starts discarr against a fresh emulator and waits for both boards.
func newSurvivor(t *testing.T) *survivor {
	t.Helper()
	return newSurvivorBeating(t, time.Second)
}

// newSurvivorBeating is newSurvivor with the emulator asking for heartbeats every.
func newSurvivorBeating(t *testing.T, every time.Duration) *survivor {
	t.Helper()
	s := &survivor{stack: newStackOn(t, discordtest.Start(t, discordtest.Options{HeartbeatInterval: every}))}
	s.startWith(t, s.config(t, ""), func(o *supervisor.Options) {
		o.GatewayOpenTimeout = survivorOpenTimeout
		o.OnFatal = func(err error) {
			s.mu.Lock()
			s.fatals = append(s.fatals, err)
			s.mu.Unlock()
		}
	})
	s.waitBoards(t)
	waitFor(t, settle, "the bot to register its commands", func() bool {
		return s.emu.Connected() && len(s.emu.Commands()) == 3
	})
	return s
}

// fatal returns what OnFatal was called with, in order.
func (s *survivor) fatal() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.fatals...)
}

// noFatal fails the test if OnFatal was called.
func (s *survivor) noFatal(t *testing.T) {
	t.Helper()
	if f := s.fatal(); len(f) > 0 {
		t.Fatalf("OnFatal called with %v; the fault is one discarr must survive", f[0])
	}
}

// fired waits until the fault took effect at least once.
func (s *survivor) fired(t *testing.T, id discordtest.FaultID, what string) {
	t.Helper()
	waitFor(t, settle, what+" to fire", func() bool { return s.emu.Fired(id) > 0 })
}

// sessionSince waits for a READY or RESUMED sent after since, and a bound session.
func (s *survivor) sessionSince(t *testing.T, since time.Time) {
	t.Helper()
	waitFor(t, settle, "a READY or RESUMED after the fault", func() bool {
		return s.sessionStarted(since) && s.emu.Connected()
	})
}

func (s *survivor) sessionStarted(since time.Time) bool {
	for _, f := range s.emu.Frames() {
		if f.Direction == "out" && !f.At.Before(since) && (f.Type == "READY" || f.Type == "RESUMED") {
			return true
		}
	}
	return false
}

// ackDownloads runs /downloads and requires a message answer, in time and once.
func (s *survivor) ackDownloads(t *testing.T) discordtest.InteractResult {
	t.Helper()
	var res discordtest.InteractResult
	var err error
	// A session may be bound an instant before discarr's connection is: retry only
	// when the emulator itself says nobody is connected.
	waitFor(t, settle, "/downloads to be dispatched", func() bool {
		res, err = s.emu.Interact(context.Background(), discordtest.InteractRequest{Command: "downloads"})
		return !errors.Is(err, discordtest.ErrNotConnected)
	})
	if err != nil {
		t.Fatalf("/downloads: %v", err)
	}
	if res.ErrorCode != nil || res.AckedAt == nil || callbackType(res) != 4 {
		t.Fatalf("/downloads: callback type %d, error code %v, acked %v; want 4 in time, no error",
			callbackType(res), res.ErrorCode, res.AckedAt != nil)
	}
	return res
}

// violationsExcept fails the test on any violation that allowed does not accept.
func violationsExcept(t *testing.T, emu *discordtest.Emulator, allowed func(discordtest.Violation) bool) {
	t.Helper()
	for _, v := range emu.Violations() {
		if allowed == nil || !allowed(v) {
			t.Fatalf("the emulator recorded a violation the fault does not explain: %+v", v)
		}
	}
}

// rateLimitedOn accepts the 429s answered on a path holding part.
func rateLimitedOn(part string) func(discordtest.Violation) bool {
	return func(v discordtest.Violation) bool {
		return v.Kind == discordtest.ViolationRateLimited && strings.Contains(v.Path, part)
	}
}

// countLines counts the log lines holding every one of words.
func (s *survivor) countLines(words ...string) int {
	n := 0
	for _, l := range strings.Split(s.logs.String(), "\n") {
		if containsAll(l, words) {
			n++
		}
	}
	return n
}
