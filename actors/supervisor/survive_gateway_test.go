package supervisor_test

import (
	"errors"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/discord"
	dt "github.com/discarr/discarr/actors/discord/discordtest"
	"github.com/discarr/discarr/actors/metrics"
)

// TestGatewayFaultsAreSurvived breaks the live gateway connection in each way Discord
// does, and checks that discarr reconnects on its own and answers /downloads.
func TestGatewayFaultsAreSurvived(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault dt.Fault
	}{
		{"drop without close frame", dt.Fault{Kind: dt.FaultDrop, On: dt.OnHeartbeat}},
		{"close 1000", dt.Fault{Kind: dt.FaultClose, Code: 1000, On: dt.OnHeartbeat}},
		{"close 1001", dt.Fault{Kind: dt.FaultClose, Code: 1001, On: dt.OnHeartbeat}},
		{"close 4000", dt.Fault{Kind: dt.FaultClose, Code: 4000, On: dt.OnHeartbeat}},
		{"close 4007", dt.Fault{Kind: dt.FaultClose, Code: 4007, On: dt.OnHeartbeat, Forget: true}},
		{"close 4009", dt.Fault{Kind: dt.FaultClose, Code: 4009, On: dt.OnHeartbeat, Forget: true}},
		{"op 7 reconnect", dt.Fault{Kind: dt.FaultReconnect, On: dt.OnHeartbeat}},
		{"op 9 resumable", dt.Fault{Kind: dt.FaultInvalidSession, On: dt.OnHeartbeat, Resumable: true}},
		{"op 9 not resumable", dt.Fault{Kind: dt.FaultInvalidSession, On: dt.OnHeartbeat}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSurvivor(t)
			events := make(chan any, 16)
			sub := s.system.EventStream.Subscribe(func(evt any) {
				switch evt.(type) {
				case discord.Connected, discord.Disconnected:
					select {
					case events <- evt:
					default: // never block the gateway actor
					}
				}
			})
			defer s.system.EventStream.Unsubscribe(sub)
			since := time.Now()
			id := s.emu.Inject(tt.fault)
			s.fired(t, id, tt.name)
			s.sessionSince(t, since)
			s.ackDownloads(t)
			s.noFatal(t)
			if tt.fault.Kind != dt.FaultInvalidSession {
				// The connection went: Disconnected, then Connected once it is back.
				lostAndBack(t, events)
			}
			if tt.fault.Kind == dt.FaultClose {
				if n := gatewayReconnects(t, strconv.Itoa(tt.fault.Code)); n == 0 {
					t.Errorf("discarr_gateway_reconnects_total has no close_code=%d", tt.fault.Code)
				}
			}
			assertNoViolations(t, s.emu)
		})
	}
}

// lostAndBack waits for Disconnected followed by Connected.
func lostAndBack(t *testing.T, events <-chan any) {
	t.Helper()
	lost := false
	deadline := time.After(settle)
	for {
		select {
		case evt := <-events:
			switch evt.(type) {
			case discord.Disconnected:
				lost = true
			case discord.Connected:
				if lost {
					return
				}
			}
		case <-deadline:
			t.Fatalf("no Disconnected then Connected on the event stream (lost: %v)", lost)
		}
	}
}

// gatewayReconnects reads discarr_gateway_reconnects_total for one close code.
func gatewayReconnects(t *testing.T, code string) float64 {
	t.Helper()
	families, err := metrics.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "discarr_gateway_reconnects_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "close_code" && l.GetValue() == code {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// TestRefusedTokenIsFatal has Discord refuse the token, on the live session or on
// the identify that follows an op 9 (a close that discordgo's reader sees, not
// Open), and refuse every resume and identify after: discarr confirms with GET
// /users/@me, gives up with ErrTokenRefused without retrying, and says so once.
func TestRefusedTokenIsFatal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault dt.Fault
	}{
		{"close 4004 on the live session", dt.Fault{Kind: dt.FaultClose, Code: 4004, On: dt.OnHeartbeat}},
		{"op 9, then 4004 on the identify", dt.Fault{Kind: dt.FaultInvalidSession, On: dt.OnHeartbeat}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSurvivor(t)
			rest := s.emu.Inject(dt.Fault{Kind: dt.FaultError, Status: 401, Code: 0, Route: dt.RouteOther,
				Method: "GET", Times: dt.Always})
			for _, on := range []dt.Trigger{dt.OnIdentify, dt.OnResume} {
				s.emu.Inject(dt.Fault{Kind: dt.FaultClose, Code: 4004, On: on, Times: dt.Always})
			}
			s.fired(t, s.emu.Inject(tt.fault), tt.name)
			waitFor(t, settle, "OnFatal", func() bool { return len(s.fatal()) > 0 })
			if s.emu.Fired(rest) == 0 {
				t.Fatal("4004 was not confirmed through GET /users/@me")
			}
			if err := s.fatal()[0]; !errors.Is(err, discord.ErrTokenRefused) {
				t.Fatalf("OnFatal got %v, want ErrTokenRefused", err)
			}
			if n := s.countLines("level=ERROR", "discord refused the bot token", "discord.token"); n != 1 {
				t.Fatalf("%d error lines say the token was refused, want 1:\n%s", n, s.logs)
			}
			if n := s.countLines("gateway connection failed; retrying"); n != 0 {
				t.Fatalf("discarr retried a refused token:\n%s", s.logs)
			}
			assertNoViolations(t, s.emu)
		})
	}
}

// TestDisallowedIntentsAreFatal has Discord close every connection with a code that
// no retry can cure: discarr stops, saying what the code means, once.
func TestDisallowedIntentsAreFatal(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		code int
		says string
	}{
		{4011, "sharded"},
		{4012, "gateway version"},
		{4014, "intents"},
	} {
		t.Run(strconv.Itoa(tt.code), func(t *testing.T) {
			t.Parallel()
			s := newSurvivor(t)
			for _, on := range []dt.Trigger{dt.OnIdentify, dt.OnResume} {
				s.emu.Inject(dt.Fault{Kind: dt.FaultClose, Code: tt.code, On: on, Times: dt.Always})
			}
			live := s.emu.Inject(dt.Fault{Kind: dt.FaultClose, Code: tt.code, On: dt.OnHeartbeat})
			s.fired(t, live, "close "+strconv.Itoa(tt.code))
			waitFor(t, settle, "OnFatal", func() bool { return len(s.fatal()) > 0 })
			if err := s.fatal()[0]; !strings.Contains(err.Error(), tt.says) ||
				!strings.Contains(err.Error(), strconv.Itoa(tt.code)) {
				t.Fatalf("OnFatal got %v, want it to name %d and say %q", err, tt.code, tt.says)
			}
			if n := s.countLines("level=ERROR", tt.says); n != 1 {
				t.Fatalf("%d error lines say %q, want 1:\n%s", n, tt.says, s.logs)
			}
			assertNoViolations(t, s.emu)
		})
	}
}

// TestReconnectAsFirstFrameIsThrownAway makes a fresh connection get op 7 instead of
// READY. discordgo's Open would deadlock on it (it handles the op holding the lock it
// then takes to close); discarr fails that read instead, reconnects at once on the
// same Session, and leaves no goroutine stuck inside discordgo.
func TestReconnectAsFirstFrameIsThrownAway(t *testing.T) {
	t.Parallel()
	s := newSurvivor(t)
	since := time.Now()
	op7 := s.emu.Inject(dt.Fault{Kind: dt.FaultReconnect, On: dt.OnIdentify})
	// Make discarr build a fresh session: drop the live one and refuse its resume
	// with a close, so Open fails and the next attempt identifies.
	s.emu.Inject(dt.Fault{Kind: dt.FaultClose, Code: 4000, On: dt.OnResume})
	s.emu.Inject(dt.Fault{Kind: dt.FaultDrop, On: dt.OnHeartbeat})
	s.fired(t, op7, "op 7 after IDENTIFY")
	waitFor(t, settle, "a READY after the op 7", func() bool {
		for _, f := range s.emu.Frames() {
			if f.Direction == "out" && f.At.After(since) && f.Type == "READY" {
				return s.emu.Connected()
			}
		}
		return false
	})
	s.ackDownloads(t)
	s.noFatal(t)
	if n := s.countLines("gateway asked to reconnect while connecting"); n == 0 {
		t.Fatalf("the log does not say Discord asked for a reconnect:\n%s", s.logs)
	}
	if n := s.countLines("no READY within"); n != 0 {
		t.Fatalf("discarr waited out its open timeout instead of reconnecting:\n%s", s.logs)
	}
	if stuck := stuckInOpen(); stuck != "" {
		t.Fatalf("a goroutine is stuck inside discordgo's Open:\n%s", stuck)
	}
	assertNoViolations(t, s.emu)
}

// stuckInOpen returns the stack of a goroutine that waits inside discordgo's Open
// for a lock Open itself holds, or "".
func stuckInOpen() string {
	var b strings.Builder
	_ = pprof.Lookup("goroutine").WriteTo(&b, 2)
	for _, g := range strings.Split(b.String(), "\n\n") {
		if strings.Contains(g, "discordgo.(*Session).Open(") && strings.Contains(g, "discordgo.(*Session).CloseWithCode(") {
			return g
		}
	}
	return ""
}

// TestSilentGatewayIsRetried covers a gateway that accepts and never says HELLO, one
// that never answers IDENTIFY, and one that stops ACKing heartbeats.
func TestSilentGatewayIsRetried(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		faults []dt.Fault // the first is the one under test
	}{
		{"no HELLO", []dt.Fault{{Kind: dt.FaultNoHello}, {Kind: dt.FaultDrop, On: dt.OnHeartbeat}}},
		{"no READY", []dt.Fault{{Kind: dt.FaultNoReady},
			{Kind: dt.FaultDrop, On: dt.OnHeartbeat, Forget: true}}},
		{"refused resume", []dt.Fault{{Kind: dt.FaultRefuseResume}, {Kind: dt.FaultDrop, On: dt.OnHeartbeat}}},
		{"no heartbeat ACK", []dt.Fault{{Kind: dt.FaultNoHeartbeatAck, Times: 8}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSurvivor(t)
			var first dt.FaultID
			for i, f := range tt.faults {
				if id := s.emu.Inject(f); i == 0 {
					first = id
				}
			}
			since := time.Now()
			s.fired(t, first, tt.name)
			s.sessionSince(t, since)
			s.ackDownloads(t)
			s.noFatal(t)
			assertNoViolations(t, s.emu)
		})
	}
}

// TestZombieConnectionIsDroppedAtOnce stops acknowledging heartbeats on a live
// connection: discarr drops it after one interval and a little, long before
// discordgo's own check (five intervals), and resumes.
func TestZombieConnectionIsDroppedAtOnce(t *testing.T) {
	t.Parallel()
	const every = 4 * time.Second
	s := newSurvivorBeating(t, every)
	since := time.Now()
	id := s.emu.Inject(dt.Fault{Kind: dt.FaultNoHeartbeatAck, Times: 3})
	s.fired(t, id, "an unacknowledged heartbeat")
	s.sessionSince(t, since)
	if n := s.countLines("level=WARN", "discord stopped acknowledging heartbeats"); n != 1 {
		t.Fatalf("%d lines say the heartbeats went unacknowledged, want 1:\n%s", n, s.logs)
	}
	s.ackDownloads(t)
	s.noFatal(t)
	assertNoViolations(t, s.emu)
}
