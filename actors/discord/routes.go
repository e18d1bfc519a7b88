package discord

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// CreateMessage posts p in channel.
func (r *REST) CreateMessage(ctx context.Context, channel string, p Payload) (*discordgo.Message, error) {
	var m discordgo.Message
	err := r.Do(ctx, http.MethodPost, "/channels/"+channel+"/messages", p, &m)
	return &m, err
}

// EditMessage replaces the content, embeds and components of a message.
func (r *REST) EditMessage(ctx context.Context, channel, id string, p Payload) (*discordgo.Message, error) {
	var m discordgo.Message
	err := r.Do(ctx, http.MethodPatch, "/channels/"+channel+"/messages/"+id, p, &m)
	return &m, err
}

// DeleteMessage deletes a message.
func (r *REST) DeleteMessage(ctx context.Context, channel, id string) error {
	return r.Do(ctx, http.MethodDelete, "/channels/"+channel+"/messages/"+id, nil, nil)
}

// RecentMessages lists up to limit of the newest messages in channel.
func (r *REST) RecentMessages(ctx context.Context, channel string, limit int) ([]*discordgo.Message, error) {
	var ms []*discordgo.Message
	q := url.Values{"limit": {strconv.Itoa(limit)}}
	err := r.Do(ctx, http.MethodGet, "/channels/"+channel+"/messages?"+q.Encode(), nil, &ms)
	return ms, err
}

// Channel fetches a channel.
func (r *REST) Channel(ctx context.Context, id string) (*discordgo.Channel, error) {
	var c discordgo.Channel
	err := r.Do(ctx, http.MethodGet, "/channels/"+id, nil, &c)
	return &c, err
}

// Me fetches the bot's own user: the cheapest proof that the token is accepted.
func (r *REST) Me(ctx context.Context) (*discordgo.User, error) {
	var u discordgo.User
	err := r.Do(ctx, http.MethodGet, "/users/@me", nil, &u)
	return &u, err
}

// Application fetches the bot's application.
func (r *REST) Application(ctx context.Context) (*discordgo.Application, error) {
	var a discordgo.Application
	err := r.Do(ctx, http.MethodGet, "/applications/@me", nil, &a)
	return &a, err
}

// Guild fetches a guild.
func (r *REST) Guild(ctx context.Context, id string) (*discordgo.Guild, error) {
	var g discordgo.Guild
	err := r.Do(ctx, http.MethodGet, "/guilds/"+id, nil, &g)
	return &g, err
}

// Member fetches a member of a guild.
func (r *REST) Member(ctx context.Context, guild, user string) (*discordgo.Member, error) {
	var m discordgo.Member
	err := r.Do(ctx, http.MethodGet, "/guilds/"+guild+"/members/"+user, nil, &m)
	return &m, err
}

// OverwriteCommands replaces every guild command of the application with cmds.
func (r *REST) OverwriteCommands(ctx context.Context, app, guild string,
	cmds []*discordgo.ApplicationCommand) ([]*discordgo.ApplicationCommand, error) {
	var out []*discordgo.ApplicationCommand
	err := r.Do(ctx, http.MethodPut, "/applications/"+app+"/guilds/"+guild+"/commands", wireCommands(cmds), &out)
	return out, err
}

// wireCommand is a command as Discord documents it: discordgo's type sends null for
// options and channel_types on every option, keys the spec does not declare there.
type wireCommand struct {
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Options     []wireOption `json:"options,omitempty"`
}

type wireOption struct {
	Type         discordgo.ApplicationCommandOptionType      `json:"type"`
	Name         string                                      `json:"name"`
	Description  string                                      `json:"description"`
	Required     bool                                        `json:"required,omitempty"`
	Autocomplete bool                                        `json:"autocomplete,omitempty"`
	Choices      []*discordgo.ApplicationCommandOptionChoice `json:"choices,omitempty"`
	Options      []wireOption                                `json:"options,omitempty"`
}

func wireCommands(cmds []*discordgo.ApplicationCommand) []wireCommand {
	out := make([]wireCommand, 0, len(cmds))
	for _, c := range cmds {
		out = append(out, wireCommand{Name: c.Name, Description: c.Description, Options: wireOptions(c.Options)})
	}
	return out
}

func wireOptions(opts []*discordgo.ApplicationCommandOption) []wireOption {
	out := make([]wireOption, 0, len(opts))
	for _, o := range opts {
		out = append(out, wireOption{Type: o.Type, Name: o.Name, Description: o.Description,
			Required: o.Required, Autocomplete: o.Autocomplete, Choices: o.Choices, Options: wireOptions(o.Options)})
	}
	return out
}

// Respond sends the first response to an interaction (its acknowledgement).
func (r *REST) Respond(ctx context.Context, id, token string, resp *InteractionResponse) error {
	return r.Do(ctx, http.MethodPost, "/interactions/"+id+"/"+token+"/callback", resp, nil)
}

// EditOriginal edits the first response to an interaction.
func (r *REST) EditOriginal(ctx context.Context, app, token string, p Payload) error {
	return r.Do(ctx, http.MethodPatch, "/webhooks/"+app+"/"+token+"/messages/@original", p, nil)
}

// InteractionResponse is an interaction callback body. Data is a Payload, or choices
// for an autocomplete answer.
type InteractionResponse struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data any                               `json:"data,omitempty"`
}

// Choices is the data of an autocomplete answer.
type Choices struct {
	Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
}
