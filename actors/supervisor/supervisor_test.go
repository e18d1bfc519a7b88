package supervisor_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/discord/discordtest"
	"github.com/discarr/discarr/actors/service/servicetest"
)

func TestBoardsArePostedOnceAndKeptCurrent(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.start(t, s.config(t, ""))

	s.waitBoards(t)
	waitFor(t, 20*time.Second, "the health board to show every service", func() bool {
		h := s.boards("Health")[0]
		text := embedText(h)
		return strings.Contains(text, "sonarr") && strings.Contains(text, "radarr") &&
			strings.Contains(text, "qbit") && !strings.Contains(text, "Unknown")
	})
	first := s.boards("Downloads")[0].Edits
	waitFor(t, 20*time.Second, "the downloads board to be edited as downloads move", func() bool {
		return s.boards("Downloads")[0].Edits > first
	})
	if n := len(s.boards("Downloads")); n != 1 {
		t.Fatalf("downloads boards = %d, want 1", n)
	}
	assertNoViolations(t, s.emu)
}

func TestCommandsAreAnsweredWhileSonarrHangs(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.sonarr.SetFault(servicetest.Fault{Mode: "hang"})
	s.start(t, s.config(t, ""))
	waitFor(t, 20*time.Second, "the bot to connect and register commands", func() bool {
		return s.emu.Connected() && len(s.emu.Commands()) == 3
	})

	for _, req := range []discordtest.InteractRequest{
		{Command: "downloads"},
		{Command: "downloads", Options: map[string]any{"filter": "movies"}},
		{Command: "health"},
		{Command: "health", Options: map[string]any{"service": "sonarr"}},
	} {
		res, err := s.emu.Interact(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", req.Command, err)
		}
		if res.ErrorCode != nil || res.AckedAt == nil {
			t.Fatalf("%s %v: not acknowledged in time (error %v)", req.Command, req.Options, res.ErrorCode)
		}
		if got := callbackType(res); got != 4 {
			t.Errorf("%s: callback type %d, want 4 (answered at once)", req.Command, got)
		}
		if responseFlags(t, res)&64 == 0 {
			t.Errorf("%s: answer is not ephemeral", req.Command)
		}
	}
	assertNoViolations(t, s.emu)
}

func TestAutocompleteListsServices(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.start(t, s.config(t, ""))
	waitFor(t, 20*time.Second, "commands", func() bool { return len(s.emu.Commands()) == 3 })

	res, err := s.emu.Interact(context.Background(), discordtest.InteractRequest{Command: "health",
		Autocomplete: true, Focused: "service", Options: map[string]any{"service": "ar"}})
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Type int `json:"type"`
		Data struct {
			Choices []struct{ Name, Value string } `json:"choices"`
		} `json:"data"`
	}
	if err := json.Unmarshal(res.Response, &body); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range body.Data.Choices {
		names = append(names, c.Name)
	}
	if body.Type != 8 || strings.Join(names, ",") != "radarr,sonarr" {
		t.Fatalf("autocomplete = type %d %v, want type 8 [radarr sonarr]", body.Type, names)
	}
}

func TestRestartEditsTheSameBoards(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cfg := s.config(t, "")
	stop := s.start(t, cfg)
	s.waitBoards(t)
	before := map[string]discordtest.Message{"Downloads": s.boards("Downloads")[0], "Health": s.boards("Health")[0]}
	stop()
	s.emu.DropSessions()

	s.start(t, cfg)
	defer func() {
		if t.Failed() {
			t.Log(s.logs.String())
		}
	}()
	waitFor(t, 20*time.Second, "the old boards to be edited after the restart", func() bool {
		d, h := s.boards("Downloads"), s.boards("Health")
		return len(d) == 1 && len(h) == 1 && d[0].ID == before["Downloads"].ID &&
			h[0].ID == before["Health"].ID && d[0].Edits > before["Downloads"].Edits
	})
	if n := len(s.emu.Messages(s.emu.Info().ChannelID)); n != 2 {
		t.Fatalf("channel holds %d messages after restart, want the same 2", n)
	}
}

func TestDeletedBoardIsPostedAgainOnce(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.start(t, s.config(t, ""))
	s.waitBoards(t)
	old := s.boards("Downloads")[0].ID
	if err := s.emu.DeleteMessage(s.emu.Info().ChannelID, old); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "a new downloads board", func() bool {
		d := s.boards("Downloads")
		return len(d) == 1 && d[0].ID != old
	})
	if n := len(s.boards("Downloads")); n != 1 {
		t.Fatalf("downloads boards = %d, want 1", n)
	}
}

func TestBoardButtonsOpenAPersonalView(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cfg := s.config(t, "")
	stop := s.start(t, cfg)
	waitFor(t, 20*time.Second, "the downloads board", func() bool { return len(s.boards("Downloads")) == 1 })
	board := s.boards("Downloads")[0]
	stop()
	s.emu.DropSessions()
	s.start(t, cfg)
	waitFor(t, 20*time.Second, "the bot back", func() bool { return s.emu.Connected() })

	// A button of the board posted before the restart still works after it.
	res, err := s.emu.Interact(context.Background(), discordtest.InteractRequest{
		MessageID: board.ID, CustomID: "board:dl:refresh:1:all"})
	if err != nil {
		t.Fatal(err)
	}
	if got := callbackType(res); got != 6 {
		t.Fatalf("refresh button: callback type %d, want 6", got)
	}
	res, err = s.emu.Interact(context.Background(), discordtest.InteractRequest{
		MessageID: board.ID, CustomID: "board:dl:filter", Values: []string{"tv"}})
	if err != nil {
		t.Fatal(err)
	}
	if callbackType(res) != 4 || responseFlags(t, res)&64 == 0 {
		t.Fatalf("filter menu: callback %d flags %d, want an ephemeral message (4, 64)",
			callbackType(res), responseFlags(t, res))
	}
	assertNoViolations(t, s.emu)
}

func TestRefreshSaysWhichServicesTimedOut(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.sonarr.SetFault(servicetest.Fault{Mode: "hang"})
	s.start(t, s.config(t, ""))
	waitFor(t, 20*time.Second, "commands", func() bool { return len(s.emu.Commands()) == 3 })

	res, err := s.emu.Interact(context.Background(), discordtest.InteractRequest{Command: "refresh",
		DeferWait: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if got := callbackType(res); got != 5 {
		t.Fatalf("/refresh: callback type %d, want 5 (deferred)", got)
	}
	text := string(res.Message)
	if !strings.Contains(text, "**sonarr**: timed out after 2s") ||
		!strings.Contains(text, "radarr** answered") {
		t.Fatalf("/refresh report does not name the hung service: %s", text)
	}

	member := s.emu.Info().MemberUserID
	res, err = s.emu.Interact(context.Background(), discordtest.InteractRequest{UserID: member, Command: "refresh"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.Response), "Only discarr admins") {
		t.Fatalf("/refresh by a member: %s, want a refusal", res.Response)
	}
}

func TestSecretsNeverReachLogsOrDiscord(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.sonarr.SetFault(servicetest.Fault{Mode: "fail"})
	s.start(t, s.config(t, "log: { level: debug }"))
	s.waitBoards(t)
	_, _ = s.emu.Interact(context.Background(), discordtest.InteractRequest{Command: "health"})

	everything := s.logs.String()
	for _, m := range s.emu.Messages(s.emu.Info().ChannelID) {
		raw, _ := json.Marshal(m)
		everything += string(raw)
	}
	for _, secret := range []string{sonarrKey, radarrKey, qbitPass, s.emu.Info().Token} {
		if strings.Contains(everything, secret) {
			t.Errorf("a secret (%.6s…) appears in the logs or in Discord", secret)
		}
	}
}

func embedText(m discordtest.Message) string {
	raw, _ := json.Marshal(m.Embeds)
	return string(raw)
}

func assertNoViolations(t *testing.T, emu *discordtest.Emulator) {
	t.Helper()
	if v := emu.Violations(); len(v) > 0 {
		t.Fatalf("the emulator recorded %d violations, first: %+v", len(v), v[0])
	}
}

func TestLostStateFindsTheBoardsInTheChannel(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	cfg := s.config(t, "")
	stop := s.start(t, cfg)
	s.waitBoards(t)
	stop()
	s.emu.DropSessions()
	if err := os.RemoveAll(cfg.StateDir); err != nil {
		t.Fatal(err)
	}

	s.start(t, cfg)
	edits := s.boards("Health")[0].Edits
	waitFor(t, 20*time.Second, "the old health board to be edited", func() bool {
		h := s.boards("Health")
		return len(h) == 1 && h[0].Edits > edits
	})
	if n := len(s.emu.Messages(s.emu.Info().ChannelID)); n != 2 {
		t.Fatalf("channel holds %d messages, want the same 2 boards", n)
	}
}

func TestRefreshButtonCannotHammerTheBackends(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.start(t, s.config(t, ""))
	s.waitBoards(t)
	waitFor(t, 20*time.Second, "the bot connected", func() bool { return s.emu.Connected() })
	board := s.boards("Downloads")[0]
	before := s.sonarr.Requests("/api/v3/queue")

	member := s.emu.Info().MemberUserID
	began := time.Now()
	for range 20 {
		res, err := s.emu.Interact(context.Background(), discordtest.InteractRequest{UserID: member,
			MessageID: board.ID, CustomID: "board:dl:refresh:1:all", DeferWait: time.Millisecond})
		if err != nil || callbackType(res) != 6 {
			t.Fatalf("refresh press: %v, callback %d", err, callbackType(res))
		}
	}
	// Twenty presses cost no more polls than the interval makes anyway, plus one
	// (the first press, and a poll per 5 s MinPollGap): not twenty.
	elapsed := time.Since(began)
	allowed := int(elapsed/(5*time.Second)) + 2
	if n := s.sonarr.Requests("/api/v3/queue") - before; n > allowed {
		t.Fatalf("20 refresh presses over %s made %d queue requests to Sonarr, want at most %d",
			elapsed.Round(time.Second), n, allowed)
	}
}
