package discordtest_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

var testCommands = []*discordgo.ApplicationCommand{
	{Name: "downloads", Description: "Show downloads", Options: []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionString, Name: "filter", Description: "Kind",
			Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "TV", Value: "tv"}, {Name: "Movies", Value: "movies"}}},
		{Type: discordgo.ApplicationCommandOptionInteger, Name: "page", Description: "Page"},
	}},
	{Name: "health", Description: "Show health", Options: []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionString, Name: "service", Description: "Service", Autocomplete: true},
	}},
}

// botUnderTest connects a real discordgo Session that registers testCommands and
// answers every interaction with answer.
func botUnderTest(t *testing.T, e *discordtest.Emulator, answer func(*discordgo.Session, *discordgo.InteractionCreate)) *discordgo.Session {
	t.Helper()
	s := session(t, e)
	s.AddHandler(answer)
	open(t, e, s)
	if _, err := s.ApplicationCommandBulkOverwrite(e.Info().ApplicationID, e.Info().GuildID, testCommands); err != nil {
		t.Fatalf("register commands: %v", err)
	}
	return s
}

func TestInteractionsWithRealSession(t *testing.T) {
	t.Parallel()
	ephemeral := &discordgo.InteractionResponseData{Content: "only you", Flags: discordgo.MessageFlagsEphemeral}
	tests := []struct {
		name     string
		req      func(board string) discordtest.InteractRequest
		answer   func(*discordgo.Session, *discordgo.InteractionCreate) error
		callback int
		check    func(t *testing.T, e *discordtest.Emulator, res discordtest.InteractResult)
	}{
		{"ephemeral reply to a command",
			func(string) discordtest.InteractRequest {
				return discordtest.InteractRequest{Command: "downloads", Options: map[string]any{"filter": "tv", "page": 2}}
			},
			func(s *discordgo.Session, i *discordgo.InteractionCreate) error {
				d := i.ApplicationCommandData()
				if d.Name != "downloads" || d.Options[0].StringValue() != "tv" || d.Options[1].IntValue() != 2 {
					return errors.New("options arrived wrong")
				}
				if i.Member == nil || i.Member.User.ID != discordtest.DefaultAdminUserID || i.AppPermissions == 0 {
					return errors.New("member or app_permissions missing")
				}
				return s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
					Type: discordgo.InteractionResponseChannelMessageWithSource, Data: ephemeral})
			},
			4,
			func(t *testing.T, e *discordtest.Emulator, res discordtest.InteractResult) {
				ch := e.Info().ChannelID
				if n := len(e.EphemeralMessages(ch, e.Info().AdminUserID)); n != 1 {
					t.Errorf("admin sees %d ephemeral messages", n)
				}
				if n := len(e.EphemeralMessages(ch, e.Info().MemberUserID)); n != 0 {
					t.Errorf("member sees %d ephemeral messages", n)
				}
				if string(res.Message) == "null" {
					t.Error("no @original in the result")
				}
			}},
		{"deferred then edited",
			func(string) discordtest.InteractRequest { return discordtest.InteractRequest{Command: "downloads"} },
			func(s *discordgo.Session, i *discordgo.InteractionCreate) error {
				err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
					Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
					Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}})
				if err != nil {
					return err
				}
				text := "filled in"
				_, err = s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{Content: &text})
				return err
			},
			5,
			func(t *testing.T, e *discordtest.Emulator, res discordtest.InteractResult) {
				var m discordgo.Message
				_ = m.UnmarshalJSON(res.Message)
				if m.Content != "filled in" || m.Flags&(1<<7) != 0 || m.EditedTimestamp != nil {
					t.Errorf("@original after the deferred edit: %s", res.Message)
				}
			}},
		{"button updates its message",
			func(board string) discordtest.InteractRequest {
				return discordtest.InteractRequest{MessageID: board, CustomID: "board:page:2", UserID: discordtest.DefaultMemberUserID}
			},
			func(s *discordgo.Session, i *discordgo.InteractionCreate) error {
				if i.MessageComponentData().CustomID != "board:page:2" || i.Message == nil || len(i.Message.Components) != 1 {
					return errors.New("component data or message missing")
				}
				return s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
					Type: discordgo.InteractionResponseUpdateMessage,
					Data: &discordgo.InteractionResponseData{Content: "page 2"}})
			},
			7,
			func(t *testing.T, e *discordtest.Emulator, res discordtest.InteractResult) {
				m := e.Messages(e.Info().ChannelID)[0]
				if m.Content != "page 2" || len(m.Embeds) != 0 || m.Edits != 1 {
					t.Errorf("board after type 7: %+v", m)
				}
			}},
		{"autocomplete",
			func(string) discordtest.InteractRequest {
				return discordtest.InteractRequest{Command: "health", Autocomplete: true, Focused: "service", Options: map[string]any{"service": "so"}}
			},
			func(s *discordgo.Session, i *discordgo.InteractionCreate) error {
				if i.Type != discordgo.InteractionApplicationCommandAutocomplete || !i.ApplicationCommandData().Options[0].Focused {
					return errors.New("not a focused autocomplete")
				}
				return s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
					Type: discordgo.InteractionApplicationCommandAutocompleteResult,
					Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "sonarr", Value: "sonarr"}}}})
			},
			8, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := discordtest.Start(t, discordtest.Options{})
			errs := make(chan error, 1)
			s := botUnderTest(t, e, func(s *discordgo.Session, i *discordgo.InteractionCreate) { errs <- tt.answer(s, i) })
			board, err := s.ChannelMessageSendComplex(e.Info().ChannelID, &discordgo.MessageSend{
				Embeds: []*discordgo.MessageEmbed{{Title: "Downloads"}},
				Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.Button{Label: "Next", Style: discordgo.PrimaryButton, CustomID: "board:page:2"}}}},
			})
			if err != nil {
				t.Fatal(err)
			}
			res, err := e.Interact(ctx(t), tt.req(board.ID))
			if err != nil {
				t.Fatal(err)
			}
			if err := <-errs; err != nil {
				t.Fatalf("bot: %v", err)
			}
			if res.AckedAt == nil || res.AckMS == nil || res.CallbackType == nil || *res.CallbackType != tt.callback || res.ErrorCode != nil {
				t.Fatalf("result %+v", res)
			}
			if tt.check != nil {
				tt.check(t, e, res)
			}
			if v := e.Violations(); len(v) != 0 {
				t.Errorf("violations: %+v", v)
			}
		})
	}
}

// clock is an injectable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestCallbackRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		respond   func(*clock, *discordgo.Session, *discordgo.InteractionCreate) error
		code      int
		violation string
	}{
		{"after the deadline", func(c *clock, s *discordgo.Session, i *discordgo.InteractionCreate) error {
			c.Advance(3*time.Second + time.Millisecond)
			return reply(s, i)
		}, 10062, discordtest.ViolationLateCallback},
		{"acknowledged twice", func(c *clock, s *discordgo.Session, i *discordgo.InteractionCreate) error {
			if err := reply(s, i); err != nil {
				return err
			}
			return reply(s, i)
		}, 40060, discordtest.ViolationDoubleAck},
		{"deferred update for a command", func(c *clock, s *discordgo.Session, i *discordgo.InteractionCreate) error {
			return s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
		}, 50035, discordtest.ViolationBadCallback},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
			e := discordtest.Start(t, discordtest.Options{Now: c.Now})
			errs := make(chan error, 1)
			botUnderTest(t, e, func(s *discordgo.Session, i *discordgo.InteractionCreate) { errs <- tt.respond(c, s, i) })
			res, err := e.Interact(ctx(t), discordtest.InteractRequest{Command: "downloads"})
			if err != nil {
				t.Fatal(err)
			}
			var rest *discordgo.RESTError
			if err := <-errs; !errors.As(err, &rest) || rest.Message == nil || rest.Message.Code != tt.code {
				t.Fatalf("bot got %v, want Discord code %d", err, tt.code)
			}
			waitUntil(t, "the error to be recorded", func() bool {
				rec, _ := e.Interaction(res.ID)
				return rec.ErrorCode != nil
			})
			if rec, _ := e.Interaction(res.ID); *rec.ErrorCode != tt.code {
				t.Errorf("recorded code %d", *rec.ErrorCode)
			}
			if v := e.Violations(); len(v) != 1 || v[0].Kind != tt.violation {
				t.Errorf("violations %+v, want one %s", v, tt.violation)
			}
		})
	}
}

func reply(s *discordgo.Session, i *discordgo.InteractionCreate) error {
	return s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "ok"}})
}

func TestUserDeleteDispatchesMessageDelete(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{})
	var deleted atomic.Value
	s := botUnderTest(t, e, func(*discordgo.Session, *discordgo.InteractionCreate) {})
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageDelete) { deleted.Store(m.ID) })
	m, err := s.ChannelMessageSend(e.Info().ChannelID, "board")
	if err != nil {
		t.Fatal(err)
	}
	if r := api(t, e, "DELETE", "/_emulator/messages/"+e.Info().ChannelID+"/"+m.ID, "", nil, nil); r.StatusCode != 204 {
		t.Fatalf("control delete: %d", r.StatusCode)
	}
	waitUntil(t, "MESSAGE_DELETE", func() bool { id, _ := deleted.Load().(string); return id == m.ID })
	_, err = s.ChannelMessageEdit(e.Info().ChannelID, m.ID, "again")
	var rest *discordgo.RESTError
	if !errors.As(err, &rest) || rest.Message.Code != discordgo.ErrCodeUnknownMessage {
		t.Fatalf("edit after delete: %v", err)
	}
}
