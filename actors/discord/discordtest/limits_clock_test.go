package discordtest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

func TestGlobalRateLimit(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	e := discordtest.Start(t, discordtest.Options{Now: clk.Now,
		GlobalRateLimit: discordtest.RateLimit{Limit: 3, Window: time.Second}})
	statuses := func(n int) []int {
		var out []int
		for range n {
			resp, _, _ := raw(e, http.DefaultClient, "GET", "/api/v9/users/@me", "")
			out = append(out, resp.StatusCode)
			if resp.StatusCode == 429 && resp.Header.Get("X-RateLimit-Global") != "true" {
				t.Errorf("a global 429 without X-RateLimit-Global")
			}
		}
		return out
	}
	if got := statuses(4); got[2] != 200 || got[3] != 429 {
		t.Fatalf("statuses %v, want the 4th limited", got)
	}
	clk.Advance(time.Second)
	if got := statuses(1); got[0] != 200 {
		t.Errorf("after the window: %v", got)
	}
	var limited int
	for _, v := range e.Violations() {
		if v.Kind == discordtest.ViolationRateLimited {
			limited++
		}
	}
	if limited != 1 {
		t.Errorf("%d rate_limited violations, want 1", limited)
	}
}

func TestOldMessageEditsRunOut(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	e := discordtest.Start(t, discordtest.Options{Now: clk.Now,
		OldMessageEdits: discordtest.RateLimit{Limit: 2, Window: time.Hour}})
	old := post(t, e, "board")
	clk.Advance(61 * time.Minute)
	young := post(t, e, "fresh")
	edit := func(id string) (int, apiError) {
		var got apiError
		r := api(t, e, "PATCH", "/api/v9/channels/"+e.Info().ChannelID+"/messages/"+id, bot(e),
			map[string]any{"content": "edited"}, &got)
		return r.StatusCode, got
	}
	for i := range 2 {
		if st, _ := edit(old); st != 200 {
			t.Fatalf("old edit %d: %d", i, st)
		}
		clk.Advance(2 * time.Second) // stay inside the per-route bucket
	}
	if st, got := edit(old); st != 429 || got.Code != 30046 {
		t.Errorf("third old edit %d %+v, want 429 30046", st, got)
	}
	if st, _ := edit(young); st != 200 {
		t.Errorf("young message edit %d", st)
	}
	clk.Advance(time.Hour)
	if st, _ := edit(old); st != 200 {
		t.Errorf("old edit after the window %d", st)
	}
}

func TestInteractionTokenLifetime(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	e := discordtest.Start(t, discordtest.Options{Now: clk.Now, TokenLifetime: time.Minute})
	tokens := make(chan string, 1)
	botUnderTest(t, e, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		_ = s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
		tokens <- i.Token
	})
	if _, err := e.Interact(ctx(t), discordtest.InteractRequest{Command: "downloads", DeferWait: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	token := <-tokens
	path := "/api/v10/webhooks/" + e.Info().ApplicationID + "/" + token + "/messages/@original"
	clk.Advance(time.Minute)
	if r := api(t, e, "PATCH", path, "", map[string]any{"content": "in time"}, nil); r.StatusCode != 200 {
		t.Fatalf("edit at the lifetime: %d", r.StatusCode)
	}
	clk.Advance(time.Millisecond)
	var got apiError
	if r := api(t, e, "PATCH", path, "", map[string]any{"content": "late"}, &got); r.StatusCode != 401 || got.Code != 50027 {
		t.Errorf("edit past the lifetime: %d %+v", r.StatusCode, got)
	}
}
