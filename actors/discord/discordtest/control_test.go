package discordtest_test

import (
	"slices"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

func TestControlSurface(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{Extra: map[string]string{"sonarr_url": "http://x"}})

	var failed map[string]string
	if r := api(t, e, "POST", "/_emulator/interactions", "", map[string]any{"command": "downloads"}, &failed); r.StatusCode != 503 {
		t.Fatalf("without a bot: %d %v", r.StatusCode, failed)
	}
	botUnderTest(t, e, func(s *discordgo.Session, i *discordgo.InteractionCreate) { _ = reply(s, i) })

	tests := []struct {
		name   string
		body   map[string]any
		status int
	}{
		{"command", map[string]any{"command": "downloads", "options": map[string]any{"filter": "movies"}}, 200},
		{"member runs a command", map[string]any{"command": "downloads", "user_id": discordtest.DefaultMemberUserID}, 200},
		{"unknown command", map[string]any{"command": "nope"}, 400},
		{"unknown option", map[string]any{"command": "downloads", "options": map[string]any{"x": 1}}, 400},
		{"choice not offered", map[string]any{"command": "downloads", "options": map[string]any{"filter": "books"}}, 400},
		{"unknown message", map[string]any{"message_id": "1", "custom_id": "a"}, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got map[string]any
			r := api(t, e, "POST", "/_emulator/interactions", "", tt.body, &got)
			if r.StatusCode != tt.status {
				t.Fatalf("status %d, body %v", r.StatusCode, got)
			}
			if tt.status != 200 {
				if got["error"] == "" {
					t.Errorf("no error reason: %v", got)
				}
				return
			}
			keys := []string{"id", "type", "dispatched_at", "acked_at", "ack_ms", "callback_type", "response", "message", "error_code"}
			for _, k := range keys {
				if _, ok := got[k]; !ok {
					t.Errorf("result lacks %q: %v", k, got)
				}
			}
			if _, err := time.Parse(time.RFC3339Nano, got["acked_at"].(string)); err != nil || got["callback_type"] != 4.0 {
				t.Errorf("result %v", got)
			}
		})
	}

	var recs []discordtest.InteractionRecord
	api(t, e, "GET", "/_emulator/interactions", "", nil, &recs)
	if len(recs) != 2 || recs[0].DispatchedAt.After(recs[1].DispatchedAt) {
		t.Errorf("records %+v", recs)
	}
	var info map[string]string
	api(t, e, "GET", "/_emulator/info", "", nil, &info)
	for _, k := range []string{"web", "api_url", "token", "application_id", "guild_id", "channel_id",
		"admin_user_id", "member_user_id", "sonarr_url"} {
		if info[k] == "" {
			t.Errorf("info lacks %q: %v", k, info)
		}
	}
	var st discordtest.State
	api(t, e, "GET", "/_emulator/state", "", nil, &st)
	if !st.Connected || len(st.Messages) != 2 || !slices.ContainsFunc(st.Commands, func(c discordtest.Command) bool { return c.Name == "health" }) {
		t.Errorf("state %+v", st)
	}
}
