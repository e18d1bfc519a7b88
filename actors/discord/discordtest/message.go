package discordtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Message flags the emulator gives meaning to.
const (
	FlagSuppressEmbeds = 1 << 2
	FlagEphemeral      = 1 << 6
	FlagLoading        = 1 << 7
)

// ErrUnknownMessage is returned for a message the channel does not hold.
var ErrUnknownMessage = errors.New("unknown message")

// Message is one message in the emulated channel, public or ephemeral.
type Message struct {
	ID        string `json:"id"`
	ChannelID string `json:"channel_id"`
	AuthorID  string `json:"author_id"`
	Content   string `json:"content"`
	// Embeds are decoded into discordgo's types.
	Embeds []*discordgo.MessageEmbed `json:"embeds"`
	// Components is the components array exactly as the bot sent it.
	Components      json.RawMessage `json:"components"`
	Flags           int             `json:"flags"`
	Timestamp       time.Time       `json:"timestamp"`
	EditedTimestamp *time.Time      `json:"edited_timestamp"`
	// Edits counts accepted edits.
	Edits int `json:"edits"`
	// VisibleTo is the only user who sees an ephemeral message.
	VisibleTo string `json:"visible_to,omitempty"`
	// InteractionID names the interaction this message answers, if any.
	InteractionID string `json:"interaction_id,omitempty"`
	// Webhook marks messages created through an interaction's webhook.
	Webhook bool `json:"webhook,omitempty"`
	// AllowedMentions is the last allowed_mentions object the bot sent.
	AllowedMentions json.RawMessage `json:"allowed_mentions,omitempty"`
}

// Ephemeral reports whether only VisibleTo sees the message.
func (m *Message) Ephemeral() bool { return m.Flags&FlagEphemeral != 0 }

func (m *Message) clone() Message {
	c := *m
	c.Embeds = slices.Clone(m.Embeds)
	c.Components = slices.Clone(m.Components)
	return c
}

// apiObject renders the message the way Discord's REST API and gateway return it.
func (e *Emulator) apiObject(m *Message) map[string]any {
	comps := json.RawMessage(`[]`)
	if len(m.Components) > 0 && string(m.Components) != "null" {
		comps = m.Components
	}
	embeds := m.Embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	var edited any
	if m.EditedTimestamp != nil {
		edited = discordTime(*m.EditedTimestamp)
	}
	obj := map[string]any{
		"id": m.ID, "type": 0, "channel_id": m.ChannelID, "content": m.Content,
		"author":    e.botUser(),
		"timestamp": discordTime(m.Timestamp), "edited_timestamp": edited,
		"tts": false, "mention_everyone": false, "mentions": []any{}, "mention_roles": []any{},
		"attachments": []any{}, "embeds": embeds, "components": comps, "flags": m.Flags,
		"pinned": false,
	}
	if !m.Ephemeral() {
		obj["guild_id"] = e.opts.GuildID
	}
	if m.Webhook {
		obj["webhook_id"] = e.opts.ApplicationID
		obj["application_id"] = e.opts.ApplicationID
	}
	if m.InteractionID != "" {
		obj["type"] = 20
		if in := e.interactions[m.InteractionID]; in != nil {
			obj["interaction_metadata"] = map[string]any{
				"id": in.id, "type": in.kind, "user": e.userObject(in.userID),
			}
			if in.kind == discordgo.InteractionMessageComponent {
				obj["type"] = 19
			}
		}
	}
	return obj
}

// discordTime formats t the way Discord does: microseconds and an explicit offset.
func discordTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000+00:00")
}

// Messages returns the channel's public messages, oldest first.
func (e *Emulator) Messages(channelID string) []Message {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Message
	for _, m := range e.messages[channelID] {
		if !m.Ephemeral() {
			out = append(out, m.clone())
		}
	}
	return out
}

// EphemeralMessages returns the ephemeral messages userID sees in channelID, oldest first.
func (e *Emulator) EphemeralMessages(channelID, userID string) []Message {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Message
	for _, m := range e.messages[channelID] {
		if m.Ephemeral() && m.VisibleTo == userID {
			out = append(out, m.clone())
		}
	}
	return out
}

// Message returns one message of channelID, public or ephemeral.
func (e *Emulator) Message(channelID, messageID string) (Message, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := e.findLocked(channelID, messageID)
	if m == nil {
		return Message{}, false
	}
	return m.clone(), true
}

func (e *Emulator) findLocked(channelID, messageID string) *Message {
	for _, m := range e.messages[channelID] {
		if m.ID == messageID {
			return m
		}
	}
	return nil
}

func (e *Emulator) addLocked(m *Message) {
	e.messages[m.ChannelID] = append(e.messages[m.ChannelID], m)
	e.notifyLocked()
}

// removeLocked deletes a message and reports whether it existed.
func (e *Emulator) removeLocked(channelID, messageID string) (*Message, bool) {
	list := e.messages[channelID]
	for i, m := range list {
		if m.ID == messageID {
			e.messages[channelID] = slices.Delete(list, i, i+1)
			e.notifyLocked()
			return m, true
		}
	}
	return nil, false
}

// DeleteMessage deletes a message as a user would and tells the bot through
// MESSAGE_DELETE.
func (e *Emulator) DeleteMessage(channelID, messageID string) error {
	e.mu.Lock()
	m, ok := e.removeLocked(channelID, messageID)
	e.mu.Unlock()
	if !ok {
		return fmt.Errorf("delete message %s in channel %s: %w", messageID, channelID, ErrUnknownMessage)
	}
	e.announceDelete(m)
	return nil
}

// announceDelete dispatches MESSAGE_DELETE for a public message.
func (e *Emulator) announceDelete(m *Message) {
	if m.Ephemeral() {
		return
	}
	e.dispatchAll("MESSAGE_DELETE", intentGuildMessages, map[string]any{
		"id": m.ID, "channel_id": m.ChannelID, "guild_id": e.opts.GuildID,
	})
}
