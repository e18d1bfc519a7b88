package discordtest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

type wsClient struct{ c *websocket.Conn }

func dial(t *testing.T, e *discordtest.Emulator) wsClient {
	t.Helper()
	u := "ws://" + strings.TrimSuffix(strings.TrimPrefix(e.URL(), "http://"), "/") + "/gateway?v=10&encoding=json"
	c, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatalf("dial gateway: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return wsClient{c}
}

func (w wsClient) read(t *testing.T) map[string]any {
	t.Helper()
	_ = w.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var f map[string]any
	if err := w.c.ReadJSON(&f); err != nil {
		t.Fatalf("read frame: %v", err)
	}
	return f
}

func (w wsClient) send(t *testing.T, v any) {
	t.Helper()
	if err := w.c.WriteJSON(v); err != nil {
		t.Fatalf("send frame: %v", err)
	}
}
