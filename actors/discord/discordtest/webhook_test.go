package discordtest_test

import (
	"errors"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

var pager = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
	discordgo.Button{Label: "Next", Style: discordgo.SecondaryButton, CustomID: "view:page:2"},
	discordgo.Button{Label: "Off", Style: discordgo.DangerButton, CustomID: "off", Disabled: true},
}}, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
	discordgo.SelectMenu{CustomID: "pick", Placeholder: "Service", Options: []discordgo.SelectMenuOption{
		{Label: "Sonarr", Value: "sonarr"}, {Label: "Radarr", Value: "radarr"}}},
}}}

// TestPersonalViewPagesItself follows the board flow: a click on the public board
// opens an ephemeral personal view, whose own button edits it with type 7, and a
// select pick answers with a deferred update finished by a follow-up edit.
func TestPersonalViewPagesItself(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{})
	errs := make(chan error, 1)
	s := botUnderTest(t, e, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		errs <- answerView(s, i)
	})
	board, err := s.ChannelMessageSendComplex(e.Info().ChannelID, &discordgo.MessageSend{
		Content: "board", Components: pager[:1]})
	if err != nil {
		t.Fatal(err)
	}
	member := e.Info().MemberUserID

	res, err := e.Interact(ctx(t), discordtest.InteractRequest{UserID: member, MessageID: board.ID, CustomID: "view:page:2"})
	if err != nil || <-errs != nil || res.ErrorCode != nil {
		t.Fatalf("open view: %v %+v", err, res)
	}
	views := e.EphemeralMessages(e.Info().ChannelID, member)
	if len(views) != 1 || views[0].Content != "page 1" {
		t.Fatalf("personal views %+v", views)
	}
	view := views[0].ID

	tests := []struct {
		name    string
		req     discordtest.InteractRequest
		content string
		bad     bool
	}{
		{"page the view", discordtest.InteractRequest{UserID: member, MessageID: view, CustomID: "view:page:2"}, "page 2", false},
		{"pick a service", discordtest.InteractRequest{UserID: member, MessageID: view, CustomID: "pick", Values: []string{"radarr"}}, "radarr", false},
		{"another user cannot see it", discordtest.InteractRequest{MessageID: view, CustomID: "view:page:2"}, "", true},
		{"disabled button", discordtest.InteractRequest{UserID: member, MessageID: view, CustomID: "off"}, "", true},
		{"value not offered", discordtest.InteractRequest{UserID: member, MessageID: view, CustomID: "pick", Values: []string{"plex"}}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Interact(ctx(t), tt.req)
			var badReq *discordtest.BadInteractionError
			if tt.bad {
				if !errors.As(err, &badReq) {
					t.Fatalf("want a refused interaction, got %v", err)
				}
				return
			}
			if err != nil || <-errs != nil {
				t.Fatal(err)
			}
			var m discordgo.Message
			if err := m.UnmarshalJSON(res.Message); err != nil || m.Content != tt.content || m.Flags&discordgo.MessageFlagsEphemeral == 0 {
				t.Fatalf("view after %s: %s", tt.name, res.Message)
			}
		})
	}
	if got := e.Messages(e.Info().ChannelID); len(got) != 1 || got[0].Content != "board" || got[0].Edits != 0 {
		t.Errorf("the public board changed: %+v", got)
	}
	if v := e.Violations(); len(v) != 0 {
		t.Errorf("violations %+v", v)
	}
}

func answerView(s *discordgo.Session, i *discordgo.InteractionCreate) error {
	d := i.MessageComponentData()
	switch {
	case i.Message.Flags&discordgo.MessageFlagsEphemeral == 0: // the public board
		return s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "page 1", Components: pager, Flags: discordgo.MessageFlagsEphemeral}})
	case d.CustomID == "pick":
		err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
		if err != nil {
			return err
		}
		text := d.Values[0]
		_, err = s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{Content: &text})
		return err
	default:
		return s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Content: "page 2", Components: pager}})
	}
}

func TestFollowUps(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{})
	errs := make(chan error, 1)
	botUnderTest(t, e, func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		errs <- func() error {
			if _, err := s.FollowupMessageCreate(i.Interaction, true, &discordgo.WebhookParams{Content: "too early"}); err == nil {
				return errors.New("follow-up before the acknowledgement was accepted")
			}
			err := s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
			if err != nil {
				return err
			}
			first, err := s.FollowupMessageCreate(i.Interaction, true, &discordgo.WebhookParams{Content: "first"})
			if err != nil {
				return err
			}
			second, err := s.FollowupMessageCreate(i.Interaction, true, &discordgo.WebhookParams{Content: "second", Flags: discordgo.MessageFlagsEphemeral})
			if err != nil {
				return err
			}
			if first.ID == second.ID {
				return errors.New("the second follow-up replaced the first")
			}
			if _, err := s.FollowupMessageEdit(i.Interaction, second.ID, &discordgo.WebhookEdit{Content: ptr("second!")}); err != nil {
				return err
			}
			return s.FollowupMessageDelete(i.Interaction, first.ID)
		}()
	})
	res, err := e.Interact(ctx(t), discordtest.InteractRequest{Command: "downloads"})
	if err != nil || <-errs != nil {
		t.Fatalf("%v %v", err, res)
	}
	ch := e.Info().ChannelID
	if pub := e.Messages(ch); len(pub) != 0 {
		t.Errorf("public messages left: %+v", pub)
	}
	if eph := e.EphemeralMessages(ch, e.Info().AdminUserID); len(eph) != 1 || eph[0].Content != "second!" {
		t.Errorf("ephemeral follow-ups %+v", eph)
	}
	if v := e.Violations(); len(v) != 1 || v[0].Kind != discordtest.ViolationUnknownReference {
		t.Errorf("violations %+v, want only the early follow-up", v)
	}
}

func ptr[T any](v T) *T { return &v }
