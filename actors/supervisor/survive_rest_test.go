package supervisor_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	dt "github.com/discarr/discarr/actors/discord/discordtest"
)

// boardEdits returns the board edits (PATCH of a channel message) since since.
func (s *survivor) boardEdits(since time.Time) []dt.Request {
	var out []dt.Request
	for _, r := range s.emu.Requests() {
		if r.Method == "PATCH" && strings.HasPrefix(r.Path, "/api/v10/channels/") && !r.At.Before(since) {
			out = append(out, r)
		}
	}
	return out
}

// press asks the boards to redraw, as the refresh button does, so that a test does
// not wait for the services to change.
func (s *survivor) press(t *testing.T) {
	t.Helper()
	if time.Since(s.pressed) < 500*time.Millisecond {
		return
	}
	s.pressed = time.Now()
	board := s.boards("Downloads")[0]
	res, err := s.emu.Interact(context.Background(), dt.InteractRequest{MessageID: board.ID,
		CustomID: "board:dl:refresh:1:all", DeferWait: time.Millisecond})
	if err != nil || callbackType(res) != 6 {
		t.Fatalf("refresh press: %v, callback %d", err, callbackType(res))
	}
}

// pressUntilFired presses refresh until fault id fired times times (at least once),
// failing the test after wait.
func (s *survivor) pressUntilFired(t *testing.T, id dt.FaultID, times int, wait time.Duration, what string) {
	t.Helper()
	waitFor(t, wait, what, func() bool {
		if s.emu.Fired(id) < max(times, 1) {
			s.press(t)
			return false
		}
		return true
	})
}

// catchesUp waits until a board edit succeeds after the fault last fired, with one
// board of each kind in the channel.
func (s *survivor) catchesUp(t *testing.T, since time.Time) {
	t.Helper()
	waitFor(t, settle, "a board edit that succeeds after the fault", func() bool {
		edits := s.boardEdits(since)
		return len(edits) > 0 && edits[len(edits)-1].Status == 200 &&
			len(s.boards("Downloads")) == 1 && len(s.boards("Health")) == 1
	})
}

// TestRateLimitedEditsWaitRetryAfter answers board edits 429 (for the route, for
// the global limit, and as Cloudflare's HTML page): the board waits what Discord
// said, sends nothing meanwhile, and then shows the newest content.
func TestRateLimitedEditsWaitRetryAfter(t *testing.T) {
	t.Parallel()
	const retry = 2 * time.Second
	tests := []struct {
		name  string
		fault dt.Fault
	}{
		{"route bucket", dt.Fault{Kind: dt.FaultRateLimit, Route: dt.RouteMessageEdit, Times: 3, RetryAfter: retry}},
		{"global", dt.Fault{Kind: dt.FaultRateLimit, Global: true, Times: 2, RetryAfter: retry}},
		{"html body", dt.Fault{Kind: dt.FaultRateLimitHTML, Route: dt.RouteMessageEdit, Times: 2, RetryAfter: retry}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSurvivor(t)
			since := time.Now()
			id := s.emu.Inject(tt.fault)
			s.pressUntilFired(t, id, tt.fault.Times, 2*settle, "the whole burst of 429s")
			s.press(t)
			s.catchesUp(t, since)
			var limited []time.Time
			for _, r := range s.emu.Requests() {
				if r.At.Before(since) {
					continue
				}
				if r.Status == 429 {
					t.Logf("429 on %s %s at %s", r.Method, r.Path, r.At.Format("15:04:05.000"))
					limited = append(limited, r.At)
					continue
				}
				// Nothing on the boards' client while Discord asked it to wait, but
				// what the other board had in flight already.
				if gap := r.At.Sub(lastOf(limited)); isBoardRequest(r) && len(limited) > 0 &&
					gap > inFlight && gap < retry-100*time.Millisecond {
					t.Errorf("%s %s sent %s after a 429 that asked for %s", r.Method, r.Path,
						r.At.Sub(limited[len(limited)-1]).Round(time.Millisecond), retry)
				}
			}
			if len(limited) != s.emu.Fired(id) {
				t.Fatalf("%d requests answered 429, the fault made %d: discarr hit a limit itself",
					len(limited), s.emu.Fired(id))
			}
			violationsExcept(t, s.emu, func(v dt.Violation) bool { return v.Kind == dt.ViolationRateLimited })
		})
	}
}

// inFlight is how soon after a 429 a request still counts as sent before it.
const inFlight = 250 * time.Millisecond

func lastOf(ts []time.Time) time.Time {
	if len(ts) == 0 {
		return time.Time{}
	}
	return ts[len(ts)-1]
}

// isBoardRequest reports whether a request came from the boards' REST client.
func isBoardRequest(r dt.Request) bool {
	return strings.HasPrefix(r.Path, "/api/v10/channels/") || strings.HasPrefix(r.Path, "/api/v10/users/@me")
}

// TestFailingEditsCatchUp answers board edits with 5xx, resets the connection, or
// answers 10008: the board catches up later, and stays one board.
func TestFailingEditsCatchUp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault dt.Fault
	}{
		{"500", dt.Fault{Kind: dt.FaultStatus, Status: 500, Route: dt.RouteMessageEdit, Times: 2}},
		{"502", dt.Fault{Kind: dt.FaultStatus, Status: 502, Route: dt.RouteMessageEdit, Times: 2}},
		{"503", dt.Fault{Kind: dt.FaultStatus, Status: 503, Route: dt.RouteMessageEdit, Times: 2}},
		{"504", dt.Fault{Kind: dt.FaultStatus, Status: 504, Route: dt.RouteMessageEdit, Times: 2}},
		{"connection reset", dt.Fault{Kind: dt.FaultReset, Route: dt.RouteMessageEdit, Times: 2}},
		{"10008 unknown message", dt.Fault{Kind: dt.FaultError, Code: 10008, Route: dt.RouteMessageEdit}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSurvivor(t)
			before := s.boards("Downloads")[0].ID
			since := time.Now()
			id := s.emu.Inject(tt.fault)
			s.pressUntilFired(t, id, tt.fault.Times, settle, "the fault to fire on every try")
			s.press(t)
			s.catchesUp(t, since)
			if got := s.boards("Downloads"); len(got) != 1 || got[0].ID != before {
				t.Fatalf("downloads boards after the fault: %d (first %s), want the one board %s",
					len(got), got[0].ID, before)
			}
			s.noFatal(t)
			assertNoViolations(t, s.emu)
		})
	}
}

// TestSlowEditsDoNotDelayCallbacks holds board edits (for 5 s, or until the client
// gives up) while commands are used: every command is acknowledged in time, and the
// board catches up once Discord answers again.
func TestSlowEditsDoNotDelayCallbacks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault dt.Fault
	}{
		{"slow", dt.Fault{Kind: dt.FaultDelay, Delay: 5 * time.Second, Route: dt.RouteMessageEdit, Times: dt.Always}},
		{"hanging", dt.Fault{Kind: dt.FaultHang, Route: dt.RouteMessageEdit, Times: dt.Always}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSurvivor(t)
			id := s.emu.Inject(tt.fault)
			s.pressUntilFired(t, id, 1, settle, "an edit to be held")
			for range 3 {
				s.ackDownloads(t)
				s.press(t)
			}
			s.emu.Remove(id)
			removed := time.Now()
			s.press(t)
			s.catchesUp(t, removed)
			s.noFatal(t)
			assertNoViolations(t, s.emu)
		})
	}
}

// TestRefusedChannelIsReportedOnce answers board edits 10003 or 50013 for good: the
// log names the problem (a channel that does not exist, or the permissions to
// grant) and the channel once, not on every redraw.
func TestRefusedChannelIsReportedOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code int
		says string
	}{{10003, "discord.channel_id"}, {50013, "Send Messages"}} {
		code := tc.code
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			t.Parallel()
			s := newSurvivor(t)
			id := s.emu.Inject(dt.Fault{Kind: dt.FaultError, Code: code, Route: dt.RouteMessageEdit, Times: dt.Always})
			s.pressUntilFired(t, id, 1, settle, "the refusal")
			channel := s.emu.Info().ChannelID
			words := []string{"level=ERROR", "board=downloads", tc.says, "channel=" + channel}
			waitFor(t, settle, "the refusal in the log", func() bool { return s.countLines(words...) == 1 })
			// Several board intervals (2 s) and refresh presses later, still one line.
			for deadline := time.Now().Add(7 * time.Second); time.Now().Before(deadline); {
				s.press(t)
				if n := s.countLines(words...); n != 1 {
					t.Fatalf("%d log lines report the refusal, want 1:\n%s", n, s.logs)
				}
				time.Sleep(100 * time.Millisecond)
			}
			s.ackDownloads(t)
			s.noFatal(t)
			assertNoViolations(t, s.emu)
		})
	}
}

// TestTooOldBoardIsReplaced answers an edit with 30046: a fresh board is posted, the
// old one deleted, and the channel holds one board of each kind.
func TestTooOldBoardIsReplaced(t *testing.T) {
	t.Parallel()
	s := newSurvivor(t)
	old := map[string]string{"Downloads": s.boards("Downloads")[0].ID, "Health": s.boards("Health")[0].ID}
	id := s.emu.Inject(dt.Fault{Kind: dt.FaultError, Code: 30046, Route: dt.RouteMessageEdit,
		Method: "PATCH"})
	s.pressUntilFired(t, id, 1, settle, "the 30046")
	// The fault strikes whichever board edits first.
	waitFor(t, settle, "a fresh board and the old one gone", func() bool {
		for title, oldID := range old {
			d := s.boards(title)
			_, kept := s.emu.Message(s.emu.Info().ChannelID, oldID)
			if len(d) == 1 && d[0].ID != oldID && !kept {
				return len(s.boards("Downloads")) == 1 && len(s.boards("Health")) == 1
			}
		}
		return false
	})
	holdFor(t, 3*time.Second, "one board of each kind", func() bool {
		return len(s.boards("Downloads")) == 1 && len(s.boards("Health")) == 1
	})
	s.noFatal(t)
	violationsExcept(t, s.emu, rateLimitedOn("/messages/"))
}
