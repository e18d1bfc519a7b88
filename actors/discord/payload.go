package discord

import "github.com/bwmarrin/discordgo"

// Payload is the body of a message discarr sends or edits: exactly the keys Discord
// documents, so that an edit never carries stray fields and a components-only update
// never wipes the embeds.
type Payload struct {
	Content         string                            `json:"content"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds"`
	Components      []discordgo.MessageComponent      `json:"components"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions,omitempty"`
	Flags           discordgo.MessageFlags            `json:"flags,omitempty"`
}

// noMentions lets a message mention nobody, whatever its text contains.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}
