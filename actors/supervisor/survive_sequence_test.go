package supervisor_test

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	dt "github.com/discarr/discarr/actors/discord/discordtest"
)

// sequenceFaults are the faults a seeded run draws from.
var sequenceFaults = []dt.Fault{
	{Kind: dt.FaultDrop, On: dt.OnHeartbeat},
	{Kind: dt.FaultClose, Code: 4000, On: dt.OnHeartbeat},
	{Kind: dt.FaultReconnect, On: dt.OnHeartbeat},
	{Kind: dt.FaultInvalidSession, On: dt.OnHeartbeat},
	{Kind: dt.FaultRefuseResume},
	{Kind: dt.FaultRateLimit, Route: dt.RouteMessageEdit, RetryAfter: time.Second},
	{Kind: dt.FaultStatus, Status: 502, Route: dt.RouteMessageEdit},
	{Kind: dt.FaultReset, Route: dt.RouteMessageEdit},
	{Kind: dt.FaultError, Code: 10008, Route: dt.RouteMessageEdit},
	{Kind: dt.FaultError, Code: 30046, Route: dt.RouteMessageEdit},
	{Kind: dt.FaultDuplicateDispatch, Event: "INTERACTION_CREATE"},
}

// TestFaultSequenceNeverDuplicatesBoards injects seeded random sequences of faults
// while commands and refresh presses go on, and checks that the channel ends with
// exactly one board of each kind.
func TestFaultSequenceNeverDuplicatesBoards(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{1, 2} {
		t.Run("seed "+strconv.FormatUint(seed, 10), func(t *testing.T) {
			t.Parallel()
			s := newSurvivor(t)
			rng := rand.New(rand.NewPCG(seed, seed))
			for range 5 {
				f := sequenceFaults[rng.IntN(len(sequenceFaults))]
				id := s.emu.Inject(f)
				// A fault on a resume fires only once something resumes: don't wait.
				deadline := time.Now().Add(5 * time.Second)
				for s.emu.Fired(id) == 0 && time.Now().Before(deadline) && f.On != dt.OnResume {
					s.pressQuietly()
					_, _ = s.emu.Interact(context.Background(), dt.InteractRequest{Command: "downloads",
						Wait: time.Second})
					time.Sleep(100 * time.Millisecond)
				}
				if s.emu.Fired(id) == 0 {
					s.emu.Remove(id)
				}
			}
			s.emu.ClearFaults()
			waitFor(t, settle, "discarr to be connected", s.emu.Connected)
			s.ackDownloads(t)
			waitFor(t, settle, "one board of each kind", func() bool {
				return len(s.boards("Downloads")) == 1 && len(s.boards("Health")) == 1
			})
			holdFor(t, 4*time.Second, "one board of each kind", func() bool {
				return len(s.boards("Downloads")) == 1 && len(s.boards("Health")) == 1
			})
			s.noFatal(t)
			violationsExcept(t, s.emu, func(v dt.Violation) bool {
				// Interactions dispatched into a dying connection may be answered late.
				return v.Kind == dt.ViolationRateLimited || v.Kind == dt.ViolationLateCallback
			})
		})
	}
}

// pressQuietly presses the downloads board's refresh button, ignoring the outcome.
func (s *survivor) pressQuietly() {
	if b := s.boards("Downloads"); len(b) == 1 {
		_, _ = s.emu.Interact(context.Background(), dt.InteractRequest{MessageID: b[0].ID,
			CustomID: "board:dl:refresh:1:all", Wait: time.Second, DeferWait: time.Millisecond})
	}
}
