package discordtest_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

// specPath finds Discord's OpenAPI description or skips (fails under CI) without it.
func specPath(t *testing.T) string {
	t.Helper()
	p, ok := discordtest.FindSpec()
	if !ok {
		if os.Getenv("CI") == "true" {
			t.Fatalf("discord spec %s is missing", discordtest.SpecFile)
		}
		t.Skipf("discord spec %s is missing beside the repository", discordtest.SpecFile)
	}
	return p
}

func specViolations(e *discordtest.Emulator) []discordtest.Violation {
	var out []discordtest.Violation
	for _, v := range e.Violations() {
		if v.Kind == discordtest.ViolationSpec {
			out = append(out, v)
		}
	}
	return out
}

func TestSpecRejectsMistypedBodies(t *testing.T) {
	t.Parallel()
	spec := specPath(t)
	tests := []struct {
		name, method, path string
		body               any
		want               string // part of the recorded detail
	}{
		{"embed colour is a string", "POST", "/api/v9/channels/{c}/messages",
			map[string]any{"embeds": []any{map[string]any{"title": "t", "color": "green"}}}, "$.embeds[0].color"},
		{"embed title is a number", "PATCH", "/api/v10/channels/{c}/messages/1100000000000000999",
			map[string]any{"embeds": []any{map[string]any{"title": 7}}}, "$.embeds[0].title"},
		{"callback type is a string", "POST", "/api/v10/interactions/1100000000000000999/tok/callback",
			map[string]any{"type": "four"}, "request body"},
		{"limit above 100", "GET", "/api/v9/channels/{c}/messages?limit=500", nil, "limit"},
		{"channel id is not a snowflake", "GET", "/api/v9/channels/general", nil, "channel_id"},
		{"unknown path", "GET", "/api/v9/nothing/here", nil, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := discordtest.Start(t, discordtest.Options{Spec: spec})
			path := strings.ReplaceAll(tt.path, "{c}", e.Info().ChannelID)
			api(t, e, tt.method, path, bot(e), tt.body, nil)
			got := specViolations(e)
			if len(got) == 0 {
				t.Fatalf("no spec violation; all: %+v", e.Violations())
			}
			if !strings.Contains(got[0].Detail, tt.want) {
				t.Errorf("detail %q lacks %q", got[0].Detail, tt.want)
			}
		})
	}
}

func TestSpecPassesDiscordgoBodies(t *testing.T) {
	t.Parallel()
	spec := specPath(t)
	e := discordtest.Start(t, discordtest.Options{Spec: spec, SpecUndeclared: true})
	s := session(t, e)
	ch := e.Info().ChannelID
	embed := &discordgo.MessageEmbed{Title: "Downloads", Description: "2 active", Color: 0x2ecc71,
		Fields: []*discordgo.MessageEmbedField{{Name: "a", Value: "b", Inline: true}},
		Footer: &discordgo.MessageEmbedFooter{Text: "updated"}}
	row := discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Refresh", Style: discordgo.SecondaryButton, CustomID: "board:refresh"},
	}}
	none := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	msg, err := s.ChannelMessageSendComplex(ch, &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{embed},
		Components: []discordgo.MessageComponent{row}, AllowedMentions: none})
	if err != nil {
		t.Fatal(err)
	}
	embeds := []*discordgo.MessageEmbed{embed}
	if _, err := s.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: msg.ID, Channel: ch, Embeds: &embeds}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChannelMessages(ch, 50, "", "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplicationCommandBulkOverwrite(e.Info().ApplicationID, e.Info().GuildID, []*discordgo.ApplicationCommand{
		{Name: "downloads", Description: "Show downloads", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionInteger, Name: "page", Description: "Page", MinValue: new(float64)},
		}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.ChannelMessageDelete(ch, msg.ID); err != nil {
		t.Fatal(err)
	}
	var undeclared []string
	for _, v := range e.Violations() {
		switch v.Kind {
		case discordtest.ViolationSpec:
			t.Errorf("%s %s: %s", v.Method, v.Path, v.Detail)
		case discordtest.ViolationSpecUndeclared:
			undeclared = append(undeclared, v.Method+" "+v.Detail)
		}
	}
	// discordgo's own stray keys: the edit's routing fields and the unused fields of
	// a command option. Discord ignores them; the spec does not declare them.
	want := []string{
		"PATCH request property 'ID' at '$.body.ID' is not declared in schema",
		"PATCH request property 'Channel' at '$.body.Channel' is not declared in schema",
		"PUT request property 'channel_types' at '$.body[0].options[0].channel_types' is not declared in schema",
		"PUT request property 'options' at '$.body[0].options[0].options' is not declared in schema",
	}
	slices.Sort(undeclared)
	slices.Sort(want)
	if strings.Join(undeclared, "\n") != strings.Join(want, "\n") {
		t.Errorf("undeclared keys:\n%s\nwant:\n%s", strings.Join(undeclared, "\n"), strings.Join(want, "\n"))
	}
}

func TestSpecUndeclaredKeysAreOptIn(t *testing.T) {
	t.Parallel()
	spec := specPath(t)
	for _, optIn := range []bool{false, true} {
		e := discordtest.Start(t, discordtest.Options{Spec: spec, SpecUndeclared: optIn})
		api(t, e, "POST", "/api/v9/channels/"+e.Info().ChannelID+"/messages", bot(e),
			map[string]any{"content": "x", "Channel": "stray"}, nil)
		got := e.Violations()
		if want := map[bool]int{false: 0, true: 1}[optIn]; len(got) != want {
			t.Errorf("SpecUndeclared %v: violations %+v, want %d", optIn, got, want)
		}
	}
}
