package discord_test

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/discord"
)

func okPayload() discord.Payload {
	return discord.Payload{
		Embeds: []*discordgo.MessageEmbed{{Title: "Downloads", Description: "d",
			Timestamp: "2026-03-01T12:00:00Z", Color: 0x2ECC71,
			Fields: []*discordgo.MessageEmbedField{{Name: "n", Value: "v"}},
			Footer: &discordgo.MessageEmbedFooter{Text: "f"}}},
		Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "a", CustomID: "a"}, discordgo.Button{Label: "b", CustomID: "b"}}},
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.SelectMenu{CustomID: "m", Options: []discordgo.SelectMenuOption{{Label: "x", Value: "x"}}}}},
		},
	}
}

func TestCheckLimitsRejectsWhatDiscordRejects(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("é", n) } // 2 bytes, 1 rune each
	tests := []struct {
		name   string
		change func(p *discord.Payload)
		want   string // part of the error; "" means accepted
	}{
		{"accepted", func(*discord.Payload) {}, ""},
		{"description counted in runes fits", func(p *discord.Payload) { p.Embeds[0].Description = long(4096) }, ""},
		{"description", func(p *discord.Payload) { p.Embeds[0].Description = long(4097) }, "description"},
		{"title", func(p *discord.Payload) { p.Embeds[0].Title = long(257) }, "title"},
		{"footer", func(p *discord.Payload) { p.Embeds[0].Footer.Text = long(2049) }, "footer"},
		{"author", func(p *discord.Payload) {
			p.Embeds[0].Author = &discordgo.MessageEmbedAuthor{Name: long(257)}
		}, "author"},
		{"field value (12 queue lines of 90)", func(p *discord.Payload) {
			p.Embeds[0].Fields[0].Value = strings.Repeat(long(89)+"\n", 12)
		}, "fields[0].value"},
		{"field name", func(p *discord.Payload) { p.Embeds[0].Fields[0].Name = long(257) }, "fields[0].name"},
		{"empty field value", func(p *discord.Payload) { p.Embeds[0].Fields[0].Value = "" }, "empty"},
		{"26 fields", func(p *discord.Payload) {
			for range 25 {
				p.Embeds[0].Fields = append(p.Embeds[0].Fields, &discordgo.MessageEmbedField{Name: "n", Value: "v"})
			}
		}, "fields: 26"},
		{"25 fields of 340 runes", func(p *discord.Payload) {
			p.Embeds[0].Fields = nil
			for range 25 {
				p.Embeds[0].Fields = append(p.Embeds[0].Fields,
					&discordgo.MessageEmbedField{Name: long(40), Value: long(300)})
			}
		}, "together"},
		{"total across embeds", func(p *discord.Payload) {
			p.Embeds[0].Description = long(4000)
			p.Embeds = append(p.Embeds, &discordgo.MessageEmbed{Description: long(2001)})
		}, "together"},
		{"11 embeds", func(p *discord.Payload) {
			for range 10 {
				p.Embeds = append(p.Embeds, &discordgo.MessageEmbed{Title: "x"})
			}
		}, "embeds: 11"},
		{"timestamp", func(p *discord.Payload) { p.Embeds[0].Timestamp = "yesterday" }, "timestamp"},
		{"6 rows", func(p *discord.Payload) {
			for range 4 {
				p.Components = append(p.Components, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.Button{Label: "z", CustomID: "z" + long(len(p.Components))}}})
			}
		}, "6 rows"},
		{"custom_id twice", func(p *discord.Payload) {
			p.Components[0] = discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "a", CustomID: "m"}}}
		}, "used twice"},
		{"custom_id length", func(p *discord.Payload) {
			p.Components[0] = discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "a", CustomID: long(101)}}}
		}, "custom_id"},
		{"label length", func(p *discord.Payload) {
			p.Components[0] = discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: long(81), CustomID: "a"}}}
		}, "label"},
		{"select not alone", func(p *discord.Payload) {
			p.Components[1] = discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.SelectMenu{CustomID: "m", Options: []discordgo.SelectMenuOption{{Label: "x", Value: "x"}}},
				discordgo.Button{Label: "a", CustomID: "q"}}}
		}, "alone"},
		{"content", func(p *discord.Payload) { p.Content = long(2001) }, "content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := okPayload()
			tt.change(&p)
			err := discord.CheckLimits(p)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("rejected: %v", err)
			case tt.want != "" && err == nil:
				t.Errorf("accepted, want an error about %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}
