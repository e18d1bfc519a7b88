//go:build soak

package supervisor_test

import (
	"context"
	"errors"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

// TestSoakUnderRandomDiscordFaults runs discarr for a few minutes (SOAK_DURATION,
// default 3m) while random gateway and REST faults fire and a script runs commands
// and presses buttons. Every interaction dispatched must be acknowledged inside
// Discord's 3 s; at the end both boards are current, none is duplicated and no
// goroutines are left over. It runs with `make soak`, not in `make test`.
func TestSoakUnderRandomDiscordFaults(t *testing.T) {
	d := 3 * time.Minute
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatalf("SOAK_DURATION: %v", err)
		}
	}
	s := newStack(t)
	// A short heartbeat, so that heartbeat-time faults get their chances.
	// Spec checks are left to the other tests: under -race they lag far behind a soak.
	s.emu = discordtest.Start(t, discordtest.Options{HeartbeatInterval: time.Second, NoSpec: true})
	s.start(t, s.config(t, ""))
	s.waitBoards(t)
	baseline := runtime.NumGoroutine()

	faults := soakFaults()
	ids := make([]discordtest.FaultID, len(faults))
	for i, f := range faults {
		ids[i] = s.emu.Inject(f)
	}

	r := runSoakLoad(t, s, d)

	s.emu.ClearFaults()
	for i, f := range faults {
		t.Logf("fault %-22s %-16s fired %d times", f.Kind, f.Route+f.Event, s.emu.Fired(ids[i]))
	}
	t.Logf("interactions: %d sent, %d acknowledged, %d late or unanswered, %d while the bot was away; "+
		"p50 %.1f ms, p99 %.1f ms, max %.1f ms", r.sent, r.acked, len(r.missed), r.away,
		r.percentile(0.5), r.percentile(0.99), r.percentile(1))
	if len(r.missed) > 0 {
		t.Errorf("%d interactions were not acknowledged inside 3 s, first: %+v", len(r.missed), r.missed[0])
	}

	// After the faults: the boards catch up, once each.
	waitFor(t, 60*time.Second, "both boards current and single", func() bool {
		h := s.boards("Health")
		return len(s.boards("Downloads")) == 1 && len(h) == 1 && !strings.Contains(embedText(h[0]), "Unknown")
	})
	// The emulator checks requests against the spec in goroutines of its own; let
	// them finish, and the requests be clean, before counting ours.
	assertNoViolations(t, s.emu)
	deadline := time.Now().Add(30 * time.Second)
	for runtime.NumGoroutine() > baseline+25 {
		if time.Now().After(deadline) {
			_ = pprof.Lookup("goroutine").WriteTo(os.Stderr, 1)
			t.Fatalf("goroutines: %d at the start, %d at the end", baseline, runtime.NumGoroutine())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// soakFaults are the faults of the soak: each fires now and then, seeded so a failing
// run can be repeated.
func soakFaults() []discordtest.Fault {
	always := discordtest.Always
	return []discordtest.Fault{
		{Kind: discordtest.FaultDrop, On: discordtest.OnHeartbeat, Times: always, Probability: 0.05, Seed: 1},
		{Kind: discordtest.FaultReconnect, On: discordtest.OnHeartbeat, Times: always, Probability: 0.05, Seed: 2},
		{Kind: discordtest.FaultInvalidSession, On: discordtest.OnHeartbeat, Times: always, Probability: 0.02, Seed: 3},
		{Kind: discordtest.FaultDuplicateDispatch, On: discordtest.OnDispatch, Event: "INTERACTION_CREATE",
			Times: always, Probability: 0.1, Seed: 4},
		{Kind: discordtest.FaultRateLimit, Route: discordtest.RouteMessageEdit, Times: always,
			Probability: 0.3, Seed: 5, RetryAfter: 2 * time.Second},
		{Kind: discordtest.FaultStatus, Status: 503, Route: discordtest.RouteMessageEdit, Times: always,
			Probability: 0.2, Seed: 6},
		{Kind: discordtest.FaultError, Code: 10008, Route: discordtest.RouteMessageEdit, Times: always,
			Probability: 0.1, Seed: 7},
		{Kind: discordtest.FaultDelay, Delay: 4 * time.Second, Route: discordtest.RouteMessageEdit,
			Times: always, Probability: 0.1, Seed: 8},
	}
}

type soakResult struct {
	mu          sync.Mutex
	sent, acked int
	away        int
	ackMS       []float64
	missed      []discordtest.InteractResult
}

func (r *soakResult) percentile(q float64) float64 {
	if len(r.ackMS) == 0 {
		return 0
	}
	s := slices.Clone(r.ackMS)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// runSoakLoad sends an interaction every 100 ms, each in its own goroutine, for d.
func runSoakLoad(t *testing.T, s *stack, d time.Duration) *soakResult {
	r := &soakResult{}
	reqs := []discordtest.InteractRequest{
		{Command: "downloads"}, {Command: "health"}, {Command: "downloads", Options: map[string]any{"filter": "tv"}},
		{Command: "health", Options: map[string]any{"service": "sonarr"}},
	}
	var wg sync.WaitGroup
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	end := time.Now().Add(d)
	for i := 0; time.Now().Before(end); i++ {
		<-tick.C
		req := reqs[i%len(reqs)]
		if i%3 == 0 {
			if b := s.boards("Downloads"); len(b) == 1 {
				req = discordtest.InteractRequest{MessageID: b[0].ID, CustomID: "board:dl:filter",
					Values: []string{"movies"}}
			}
		}
		req.Wait, req.DeferWait = 3500*time.Millisecond, 10*time.Millisecond
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := s.emu.Interact(context.Background(), req)
			r.mu.Lock()
			defer r.mu.Unlock()
			switch {
			case errors.Is(err, discordtest.ErrNotConnected):
				r.away++ // nothing was dispatched: the bot was reconnecting
			case err != nil:
				t.Errorf("interact: %v", err)
			case res.ErrorCode == nil && res.AckMS != nil && *res.AckMS < 3000:
				r.sent++
				r.acked++
				r.ackMS = append(r.ackMS, *res.AckMS)
			default:
				r.sent++
				r.missed = append(r.missed, res)
			}
		}()
	}
	wg.Wait()
	return r
}
