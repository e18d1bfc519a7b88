package discordtest_test

import (
	"testing"
	"time"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

func identify(t *testing.T, e *discordtest.Emulator, c wsClient) {
	t.Helper()
	c.read(t) // HELLO
	c.send(t, map[string]any{"op": 2, "d": map[string]any{"token": e.Info().Token, "intents": 513}})
}

func TestInjectedGatewayFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault discordtest.Fault
		check func(t *testing.T, e *discordtest.Emulator)
	}{
		{"drop after READY", discordtest.Fault{Kind: discordtest.FaultDrop, On: discordtest.OnReady},
			func(t *testing.T, e *discordtest.Emulator) {
				c := dial(t, e)
				identify(t, e, c)
				if f := c.read(t); f["t"] != "READY" {
					t.Fatalf("got %v", f)
				}
				if code := closeCode(t, c); code != 0 {
					t.Errorf("close frame %d on a dropped connection", code)
				}
			}},
		{"op 7 as the first frame after IDENTIFY", discordtest.Fault{Kind: discordtest.FaultReconnect},
			func(t *testing.T, e *discordtest.Emulator) {
				c := dial(t, e)
				identify(t, e, c)
				if f := c.read(t); f["op"] != 7.0 {
					t.Errorf("got %v", f)
				}
			}},
		{"op 9 true instead of READY", discordtest.Fault{Kind: discordtest.FaultInvalidSession, Resumable: true},
			func(t *testing.T, e *discordtest.Emulator) {
				c := dial(t, e)
				identify(t, e, c)
				if f := c.read(t); f["op"] != 9.0 || f["d"] != true {
					t.Errorf("got %v", f)
				}
			}},
		{"op 7 on a heartbeat", discordtest.Fault{Kind: discordtest.FaultReconnect, On: discordtest.OnHeartbeat},
			func(t *testing.T, e *discordtest.Emulator) {
				c, _ := identified(t, e)
				c.send(t, map[string]any{"op": 1, "d": 2})
				if f := c.read(t); f["op"] != 7.0 {
					t.Errorf("got %v", f)
				}
			}},
		{"heartbeats go unanswered", discordtest.Fault{Kind: discordtest.FaultNoHeartbeatAck, Times: 2},
			func(t *testing.T, e *discordtest.Emulator) {
				c, _ := identified(t, e)
				for range 3 {
					c.send(t, map[string]any{"op": 1, "d": 2})
				}
				if f := c.read(t); f["op"] != 11.0 {
					t.Errorf("third heartbeat answered %v", f)
				}
				// the frame is recorded just after it is written
				waitUntil(t, "the ACK to be recorded", func() bool { return countOut(e, 11) > 0 })
				if n := countOut(e, 11); n != 1 {
					t.Errorf("%d ACKs for 3 heartbeats with 2 unanswered", n)
				}
			}},
		{"resume refused", discordtest.Fault{Kind: discordtest.FaultRefuseResume},
			func(t *testing.T, e *discordtest.Emulator) {
				first, sid := identified(t, e)
				_ = first.c.Close()
				c := dial(t, e)
				c.read(t)
				c.send(t, map[string]any{"op": 6, "d": map[string]any{"token": e.Info().Token, "session_id": sid, "seq": 2}})
				if f := c.read(t); f["op"] != 9.0 || f["d"] != false {
					t.Errorf("got %v", f)
				}
			}},
		{"dispatch duplicated", discordtest.Fault{Kind: discordtest.FaultDuplicateDispatch, Event: "MESSAGE_CREATE"},
			func(t *testing.T, e *discordtest.Emulator) {
				c, _ := identified(t, e)
				post(t, e, "one")
				a, b := c.read(t), c.read(t)
				if a["t"] != "MESSAGE_CREATE" || b["t"] != "MESSAGE_CREATE" || a["s"] != b["s"] {
					t.Errorf("got %v then %v", a, b)
				}
			}},
		{"dispatch replayed", discordtest.Fault{Kind: discordtest.FaultReplayDispatch, Event: "MESSAGE_DELETE"},
			func(t *testing.T, e *discordtest.Emulator) {
				c, _ := identified(t, e)
				id := post(t, e, "one")
				created := c.read(t)
				api(t, e, "DELETE", "/api/v9/channels/"+e.Info().ChannelID+"/messages/"+id, bot(e), nil, nil)
				again, deleted := c.read(t), c.read(t)
				if again["s"] != created["s"] || again["t"] != "MESSAGE_CREATE" || deleted["t"] != "MESSAGE_DELETE" {
					t.Errorf("got %v then %v after %v", again, deleted, created)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := discordtest.Start(t, discordtest.Options{})
			id := e.Inject(tt.fault)
			tt.check(t, e)
			if e.Fired(id) == 0 {
				t.Error("the fault never fired")
			}
		})
	}
}

func TestCloseCodeFaults(t *testing.T) {
	t.Parallel()
	for _, code := range []int{1000, 1001, 4000, 4004, 4007, 4009, 4014} {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			e := discordtest.Start(t, discordtest.Options{})
			id := e.Inject(discordtest.Fault{Kind: discordtest.FaultClose, Code: code})
			c := dial(t, e)
			identify(t, e, c)
			if got := closeCode(t, c); got != code || e.Fired(id) != 1 {
				t.Errorf("close code %d, fired %d; want %d once", got, e.Fired(id), code)
			}
		})
	}
}

func countOut(e *discordtest.Emulator, op int) int {
	n := 0
	for _, f := range e.Frames() {
		if f.Direction == "out" && f.Op == op {
			n++
		}
	}
	return n
}

// post creates a channel message through REST and returns its ID.
func post(t *testing.T, e *discordtest.Emulator, content string) string {
	t.Helper()
	var m struct{ ID string }
	api(t, e, "POST", "/api/v9/channels/"+e.Info().ChannelID+"/messages", bot(e), map[string]any{"content": content}, &m)
	if m.ID == "" {
		t.Fatal("message not created")
	}
	return m.ID
}

func TestMalformedInteraction(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{})
	id := e.Inject(discordtest.Fault{Kind: discordtest.FaultMalformedInteraction})
	c, _ := identified(t, e)
	var m struct{ ID string }
	api(t, e, "POST", "/api/v9/channels/"+e.Info().ChannelID+"/messages", bot(e), map[string]any{
		"content": "board", "components": []any{map[string]any{"type": 1, "components": buttons(1)}}}, &m)
	c.read(t) // MESSAGE_CREATE
	go func() {
		_, _ = e.Interact(ctx(t), discordtest.InteractRequest{MessageID: m.ID, CustomID: "ba", Wait: time.Millisecond})
	}()
	f := c.read(t)
	d, _ := f["d"].(map[string]any)
	data, _ := d["data"].(map[string]any)
	if f["t"] != "INTERACTION_CREATE" || data["component_type"] != 99.0 {
		t.Errorf("interaction %v", f)
	}
	if _, ok := d["app_permissions"].(float64); !ok {
		t.Errorf("app_permissions %T %v, want a number", d["app_permissions"], d["app_permissions"])
	}
	if e.Fired(id) != 1 {
		t.Errorf("fired %d", e.Fired(id))
	}
}
