package discordtest_test

import (
	"errors"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

// identified dials the gateway, identifies, reads READY and GUILD_CREATE and returns
// the client and READY's session ID.
func identified(t *testing.T, e *discordtest.Emulator) (wsClient, string) {
	t.Helper()
	c := dial(t, e)
	c.read(t) // HELLO
	c.send(t, map[string]any{"op": 2, "d": map[string]any{"token": e.Info().Token, "intents": 513}})
	ready := c.read(t)
	if ready["t"] != "READY" {
		t.Fatalf("after IDENTIFY: %v", ready)
	}
	c.read(t) // GUILD_CREATE
	return c, ready["d"].(map[string]any)["session_id"].(string)
}

// closeCode reads until the connection ends and returns its close code, or 0 when it
// ended without a close frame (gorilla reports that as 1006).
func closeCode(t *testing.T, c wsClient) int {
	t.Helper()
	_ = c.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, _, err := c.c.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) && ce.Code != websocket.CloseAbnormalClosure {
			return ce.Code
		}
		return 0
	}
}

func TestHeartbeatDeadlineCloses4009(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		advance time.Duration
		beat    bool // heartbeat before the clock moves
		closed  int
	}{
		{"overdue", 41250*time.Millisecond + 5*time.Second + time.Millisecond, false, 1},
		{"within the grace", 41250*time.Millisecond + 5*time.Second, false, 0},
		{"a heartbeat moves the deadline", 30 * time.Second, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clk := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
			e := discordtest.Start(t, discordtest.Options{Now: clk.Now})
			c, _ := identified(t, e)
			if tt.beat {
				clk.Advance(30 * time.Second)
				c.send(t, map[string]any{"op": 1, "d": 2})
				if f := c.read(t); f["op"] != 11.0 {
					t.Fatalf("heartbeat answered %v", f)
				}
			}
			clk.Advance(tt.advance)
			if n := e.ExpireHeartbeats(); n != tt.closed {
				t.Fatalf("closed %d connections, want %d", n, tt.closed)
			}
			if tt.closed == 1 {
				if code := closeCode(t, c); code != 4009 {
					t.Errorf("close code %d, want 4009", code)
				}
			}
		})
	}
}

func TestGatewaySendLimitCloses4008(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{
		GatewaySendLimit: discordtest.RateLimit{Limit: 3, Window: time.Minute}})
	c, _ := identified(t, e) // IDENTIFY is the first of the three
	for range 3 {
		c.send(t, map[string]any{"op": 3, "d": map[string]any{"status": "online", "afk": false}})
	}
	if code := closeCode(t, c); code != 4008 {
		t.Errorf("close code %d, want 4008", code)
	}
}

func TestResumeRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		seq   float64
		code  int  // close code expected, 0 for none
		valid bool // RESUMED expected
	}{
		{"sequence from the future", 99, 4007, false},
		{"known sequence", 2, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := discordtest.Start(t, discordtest.Options{})
			first, sid := identified(t, e)
			_ = first.c.Close()
			c := dial(t, e)
			c.read(t)
			c.send(t, map[string]any{"op": 6, "d": map[string]any{"token": e.Info().Token, "session_id": sid, "seq": tt.seq}})
			if tt.code != 0 {
				if code := closeCode(t, c); code != tt.code {
					t.Errorf("close code %d, want %d", code, tt.code)
				}
				return
			}
			if f := c.read(t); f["t"] != "RESUMED" {
				t.Errorf("RESUME answered %v", f)
			}
		})
	}
}

func TestInvalidSessionResumable(t *testing.T) {
	t.Parallel()
	for _, resumable := range []bool{true, false} {
		t.Run(map[bool]string{true: "resumable", false: "not resumable"}[resumable], func(t *testing.T) {
			t.Parallel()
			e := discordtest.Start(t, discordtest.Options{})
			c, sid := identified(t, e)
			e.InvalidSession(resumable)
			if f := c.read(t); f["op"] != 9.0 || f["d"] != resumable {
				t.Fatalf("got %v", f)
			}
			c.send(t, map[string]any{"op": 6, "d": map[string]any{"token": e.Info().Token, "session_id": sid, "seq": 2}})
			f := c.read(t)
			if got := f["t"] == "RESUMED"; got != resumable {
				t.Errorf("RESUME after op 9 %v answered %v", resumable, f)
			}
		})
	}
}

func TestCloseSessionsSendsTheCode(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{})
	c, _ := identified(t, e)
	e.CloseSessions(4000)
	if code := closeCode(t, c); code != 4000 {
		t.Errorf("close code %d, want 4000", code)
	}
}
