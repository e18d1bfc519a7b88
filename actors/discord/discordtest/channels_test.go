package discordtest_test

import (
	"testing"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

func TestOtherChannelsHoldMessagesOfTheirOwn(t *testing.T) {
	t.Parallel()
	const other = "1100000000000000201"
	e := discordtest.Start(t, discordtest.Options{OtherChannelIDs: []string{other}})
	board := e.Info().ChannelID

	var listed []struct{ ID, Name string }
	api(t, e, "GET", "/api/v10/guilds/"+e.Info().GuildID+"/channels", bot(e), nil, &listed)
	if len(listed) != 2 || listed[0].ID != board || listed[1].ID != other || listed[0].Name == listed[1].Name {
		t.Fatalf("guild channels %+v, want the board channel then %s, named apart", listed, other)
	}
	var ch struct{ ID string }
	if r := api(t, e, "GET", "/api/v10/channels/"+other, bot(e), nil, &ch); r.StatusCode != 200 || ch.ID != other {
		t.Fatalf("GET the other channel: %d %+v", r.StatusCode, ch)
	}

	var m struct {
		ID        string
		ChannelID string `json:"channel_id"`
	}
	api(t, e, "POST", "/api/v10/channels/"+other+"/messages", bot(e), map[string]any{"content": "moved"}, &m)
	if m.ChannelID != other || len(e.Messages(other)) != 1 || len(e.Messages(board)) != 0 {
		t.Fatalf("posted %+v: %d messages in the other channel, %d in the board channel",
			m, len(e.Messages(other)), len(e.Messages(board)))
	}
	if r := api(t, e, "DELETE", "/api/v10/channels/"+other+"/messages/"+m.ID, bot(e), nil, nil); r.StatusCode != 204 {
		t.Fatalf("DELETE in the other channel: %d", r.StatusCode)
	}

	var unknown apiError
	r := api(t, e, "GET", "/api/v10/channels/1100000000000000299", bot(e), nil, &unknown)
	if r.StatusCode != 404 || unknown.Code != 10003 {
		t.Fatalf("GET an unknown channel: %d %+v, want 404 with 10003", r.StatusCode, unknown)
	}
}
