package supervisor_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	dt "github.com/discarr/discarr/actors/discord/discordtest"
)

// TestRepeatedDispatchIsAnsweredOnce delivers an interaction twice, with the same or
// an older sequence number: discarr acknowledges it once (the emulator records a
// second callback as a double_ack violation).
func TestRepeatedDispatchIsAnsweredOnce(t *testing.T) {
	t.Parallel()
	for _, kind := range []dt.FaultKind{dt.FaultDuplicateDispatch, dt.FaultReplayDispatch} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			s := newSurvivor(t)
			s.ackDownloads(t) // so that a replay has an interaction to repeat
			id := s.emu.Inject(dt.Fault{Kind: kind, Event: "INTERACTION_CREATE", Times: 2})
			res := s.ackDownloads(t)
			s.fired(t, id, string(kind))
			s.ackDownloads(t)
			// Give a late second callback the time to arrive before looking.
			waitFor(t, settle, "the interaction to be settled", func() bool {
				rec, ok := s.emu.Interaction(res.ID)
				return ok && len(rec.Callbacks) >= 1
			})
			holdFor(t, 2*time.Second, "a single callback", func() bool {
				rec, _ := s.emu.Interaction(res.ID)
				return len(rec.Callbacks) == 1
			})
			assertNoViolations(t, s.emu)
		})
	}
}

// TestMalformedInteractionKeepsDiscarrRunning sends a button press with an unknown
// component type and app_permissions as a number: nothing crashes, and the next
// interaction is answered.
func TestMalformedInteractionKeepsDiscarrRunning(t *testing.T) {
	t.Parallel()
	s := newSurvivor(t)
	board := s.boards("Downloads")[0]
	id := s.emu.Inject(dt.Fault{Kind: dt.FaultMalformedInteraction})
	_, err := s.emu.Interact(context.Background(), dt.InteractRequest{MessageID: board.ID,
		CustomID: "board:dl:refresh:1:all", Wait: time.Second, DeferWait: time.Millisecond})
	if err != nil {
		t.Fatalf("malformed press: %v", err)
	}
	s.fired(t, id, "malformed interaction")
	s.ackDownloads(t)
	if logs := s.logs.String(); strings.Contains(logs, "panic") || strings.Contains(logs, "crashed") {
		t.Fatalf("a malformed interaction crashed something:\n%s", logs)
	}
	assertNoViolations(t, s.emu)
}

// TestNoReadyLeavesNoGoroutineBehind makes several opens hang before READY; once
// discarr is back, the process runs about as many goroutines as before. It does not
// run in parallel: the count is process-wide.
func TestNoReadyLeavesNoGoroutineBehind(t *testing.T) {
	s := newSurvivor(t)
	s.ackDownloads(t)
	baseline := runtime.NumGoroutine()
	since := time.Now()
	noReady := s.emu.Inject(dt.Fault{Kind: dt.FaultNoReady, Times: 3})
	s.emu.Inject(dt.Fault{Kind: dt.FaultDrop, On: dt.OnHeartbeat, Forget: true})
	waitFor(t, 2*settle, "three opens without READY", func() bool { return s.emu.Fired(noReady) == 3 })
	s.sessionSince(t, since)
	s.ackDownloads(t)
	if n := s.countLines("gateway connection failed", "no READY within"); n < 3 {
		t.Fatalf("%d opens were given up, want 3 (each retried with backoff):\n%s", n, s.logs)
	}
	const tolerance = 10
	deadline := time.Now().Add(settle)
	for runtime.NumGoroutine() > baseline+tolerance {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines after recovery, %d before:\n%s", runtime.NumGoroutine(), baseline,
				buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.noFatal(t)
	assertNoViolations(t, s.emu)
}
