package discordtest_test

import (
	"errors"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

func TestFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		faults discordtest.Faults
		check  func(t *testing.T, e *discordtest.Emulator)
	}{
		{"no hello", discordtest.Faults{NoHello: true}, func(t *testing.T, e *discordtest.Emulator) {
			c := dial(t, e)
			_ = c.c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
			if _, _, err := c.c.ReadMessage(); err == nil {
				t.Error("a frame arrived")
			}
		}},
		{"no ready", discordtest.Faults{NoReady: true}, func(t *testing.T, e *discordtest.Emulator) {
			c := dial(t, e)
			c.read(t)
			c.send(t, map[string]any{"op": 2, "d": map[string]any{"token": e.Info().Token, "intents": 513}})
			c.send(t, map[string]any{"op": 1, "d": nil})
			if f := c.read(t); f["op"] != 11.0 {
				t.Errorf("READY or something else arrived: %v", f)
			}
			if e.Connected() {
				t.Error("a session without READY counts as connected")
			}
		}},
		{"close 4014", discordtest.Faults{CloseCode: 4014}, func(t *testing.T, e *discordtest.Emulator) {
			c := dial(t, e)
			c.read(t)
			c.send(t, map[string]any{"op": 2, "d": map[string]any{"token": e.Info().Token, "intents": 513}})
			_, _, err := c.c.ReadMessage()
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != 4014 {
				t.Errorf("read after IDENTIFY: %v", err)
			}
		}},
		{"REST 502", discordtest.Faults{RESTStatus: 502}, func(t *testing.T, e *discordtest.Emulator) {
			s := session(t, e)
			s.MaxRestRetries = 0
			if _, err := s.User("@me"); err == nil {
				t.Error("GET /users/@me succeeded under a 502 fault")
			}
			reqs := e.Requests()
			if len(reqs) == 0 || reqs[len(reqs)-1].Status != 502 {
				t.Errorf("recorded %+v", reqs)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := discordtest.Start(t, discordtest.Options{})
			e.SetFaults(tt.faults)
			tt.check(t, e)
		})
	}
}

func TestReconnectOpMovesTheSession(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{})
	s := session(t, e)
	// The bot reconnects by itself, as discarr does: discordgo's own reconnect loop
	// races on the Session's connection.
	resumed, gone := make(chan struct{}, 1), make(chan struct{}, 1)
	s.AddHandler(func(*discordgo.Session, *discordgo.Resumed) { resumed <- struct{}{} })
	s.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) {
		select {
		case gone <- struct{}{}:
		default:
		}
	})
	open(t, e, s)
	e.Reconnect()
	select {
	case <-gone:
	case <-time.After(10 * time.Second):
		t.Fatal("the bot never closed its connection after op 7")
	}
	if err := s.Open(); err != nil {
		t.Fatalf("open again: %v", err)
	}
	select {
	case <-resumed:
	case <-time.After(10 * time.Second):
		t.Fatal("the session was not resumed after op 7")
	}
	var reconnects int
	for _, f := range e.Frames() {
		if f.Direction == "out" && f.Op == 7 {
			reconnects++
		}
	}
	if reconnects != 1 || !e.Connected() {
		t.Errorf("op 7 frames %d, connected %v", reconnects, e.Connected())
	}
}

func TestInvalidSessionMakesTheBotIdentifyAgain(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{})
	s := session(t, e)
	readies := make(chan struct{}, 2)
	s.AddHandler(func(*discordgo.Session, *discordgo.Ready) { readies <- struct{}{} })
	open(t, e, s)
	<-readies
	e.InvalidateSessions()
	select {
	case <-readies:
	case <-time.After(5 * time.Second):
		t.Fatal("no second READY after op 9")
	}
	if !e.WaitConnected(5 * time.Second) {
		t.Error("not connected after identifying again")
	}
}

func TestBodyValidatorRejectsThroughOneGate(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{})
	var ops []string
	e.SetBodyValidator(func(op string, body []byte) *discordtest.APIError {
		ops = append(ops, op)
		return &discordtest.APIError{Status: 400, Code: 50035, Message: "Invalid Form Body",
			Errors: map[string]any{"stray": map[string]any{"_errors": []any{}}}}
	})
	var got apiError
	r := api(t, e, "POST", "/api/v10/channels/"+e.Info().ChannelID+"/messages", bot(e), map[string]any{"content": "x"}, &got)
	if r.StatusCode != 400 || got.Code != 50035 || len(ops) != 1 || ops[0] != discordtest.OpCreateMessage {
		t.Fatalf("status %d %+v ops %v", r.StatusCode, got, ops)
	}
	if v := e.Violations(); len(v) != 1 || v[0].Kind != discordtest.ViolationInvalidBody {
		t.Errorf("violations %+v", v)
	}
	if len(e.Messages(e.Info().ChannelID)) != 0 {
		t.Error("a rejected body created a message")
	}
}
