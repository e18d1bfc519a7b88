package main

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/discord"
	"github.com/discarr/discarr/config"
)

// codeUnknownGuild is Discord's error code for a guild that does not exist, or
// that the bot is not in.
const codeUnknownGuild = 10004

// channelNeed is one permission discarr needs in its channels.
type channelNeed struct {
	bit  int64
	name string // as Discord's server settings name it
}

// channelNeeds are exactly what discarr needs in a board or alerts channel: see the
// boards, post and edit them with embeds, and find its own boards after a restart.
var channelNeeds = []channelNeed{
	{discordgo.PermissionViewChannel, "View Channel"},
	{discordgo.PermissionSendMessages, "Send Messages"},
	{discordgo.PermissionEmbedLinks, "Embed Links"},
	{discordgo.PermissionReadMessageHistory, "Read Message History"},
}

// neededBits is the permissions integer of channelNeeds, for the invite URL.
func neededBits() int64 {
	var bits int64
	for _, n := range channelNeeds {
		bits |= n.bit
	}
	return bits
}

// inviteURL is the link that adds the bot to a server with its slash commands and
// exactly the permissions discarr needs.
func inviteURL(appID string) string {
	return "https://discord.com/oauth2/authorize?client_id=" + appID +
		"&scope=bot+applications.commands&permissions=" + strconv.FormatInt(neededBits(), 10)
}

// checkDiscord checks the token, the guild, each configured channel and the bot's
// permissions there, one row each. Without an accepted token nothing else is tried.
func checkDiscord(ctx context.Context, cfg *config.Config) []checkRow {
	d := cfg.Discord
	rest := discord.NewREST(d.APIURL, d.Token.Reveal(), nil, version)
	me, err := rest.Me(ctx)
	if err != nil {
		return []checkRow{tokenFailure(err, d)}
	}
	appID := applicationID(ctx, rest, cfg, me)
	rows := []checkRow{{what: "discord token", ok: true,
		result: "accepted: bot " + me.Username + ", application " + appID}}
	if d.ApplicationID != "" && d.ApplicationID != appID {
		rows = append(rows, checkRow{what: "discord application",
			result: "discord.application_id is " + d.ApplicationID + ", the token's application is " + appID,
			advice: "set discord.application_id to " + appID + ", or leave it out"})
	}
	invite := "invite the bot with " + inviteURL(appID)

	g, err := rest.Guild(ctx, d.GuildID)
	if err != nil {
		row := checkRow{what: "discord guild", result: err.Error(),
			advice: "check discord.guild_id (Copy Server ID)"}
		if apiCode(err, discord.CodeMissingAccess, codeUnknownGuild) || apiStatus(err, http.StatusForbidden) {
			row.result = "the bot is not a member of server " + d.GuildID
			row.advice = "check discord.guild_id, or " + invite
		}
		return append(rows, row)
	}
	rows = append(rows, checkRow{what: "discord guild", result: g.Name, ok: true})
	member, err := rest.Member(ctx, d.GuildID, me.ID)
	if err != nil {
		return append(rows, checkRow{what: "discord member", result: err.Error(), advice: invite})
	}

	channels := []struct{ what, key, id string }{{"discord channel", "discord.channel_id", d.ChannelID}}
	if d.AlertsChannelID != "" && d.AlertsChannelID != d.ChannelID {
		channels = append(channels, struct{ what, key, id string }{
			"discord alerts channel", "discord.alerts_channel_id", d.AlertsChannelID})
	}
	for _, c := range channels {
		rows = append(rows, checkChannel(ctx, rest, g, member, me.ID, c.what, c.key, c.id, invite)...)
	}
	return rows
}

// tokenFailure is the token row when GET /users/@me failed.
func tokenFailure(err error, d config.Discord) checkRow {
	row := checkRow{what: "discord token", result: err.Error()}
	switch {
	case apiStatus(err, http.StatusUnauthorized):
		row.result = "refused by Discord (401)"
		row.advice = "set discord.token (or token_file) to the bot token: " +
			"Developer Portal > your application > Bot > Reset Token"
	case errors.As(err, new(*discord.APIError)):
		row.advice = "Discord is refusing requests; try again later"
	default:
		row.advice = "cannot reach " + d.APIURL.String() + ": check the network and discord.api_url"
	}
	return row
}

// applicationID asks Discord for the token's application; failing that it falls
// back to the configuration, then to the bot user's ID (the same for every bot
// created since 2016).
func applicationID(ctx context.Context, rest *discord.REST, cfg *config.Config, me *discordgo.User) string {
	if app, err := rest.Application(ctx); err == nil && app.ID != "" {
		return app.ID
	}
	if cfg.Discord.ApplicationID != "" {
		return cfg.Discord.ApplicationID
	}
	return me.ID
}

// checkChannel checks that a channel exists in the guild, holds messages, and that
// the bot has every permission discarr needs there: two rows.
func checkChannel(ctx context.Context, rest *discord.REST, g *discordgo.Guild, member *discordgo.Member,
	botID, what, key, id, invite string) []checkRow {
	ch, err := rest.Channel(ctx, id)
	switch {
	case apiCode(err, discord.CodeUnknownChannel):
		return []checkRow{{what: what, result: "no channel " + id, advice: "check " + key + " (Copy Channel ID)"}}
	case apiCode(err, discord.CodeMissingAccess) || apiStatus(err, http.StatusForbidden):
		return []checkRow{{what: what, result: "the bot cannot see channel " + id,
			advice: "allow View Channel to the bot's role in that channel, or " + invite}}
	case err != nil:
		return []checkRow{{what: what, result: err.Error(), advice: "check " + key}}
	case ch.GuildID != g.ID:
		return []checkRow{{what: what, result: "#" + ch.Name + " belongs to another server",
			advice: "set " + key + " to a channel of " + g.Name + ", or discord.guild_id to its server"}}
	case ch.Type != discordgo.ChannelTypeGuildText && ch.Type != discordgo.ChannelTypeGuildNews:
		return []checkRow{{what: what, result: "#" + ch.Name + " is not a text channel",
			advice: "set " + key + " to a text channel"}}
	}
	rows := []checkRow{{what: what, result: "#" + ch.Name, ok: true}}

	missing := missingNeeds(channelPermissions(g, member, botID, ch))
	perm := checkRow{what: "permissions in #" + ch.Name, ok: len(missing) == 0}
	if perm.ok {
		perm.result = "has " + needNames(channelNeeds)
	} else {
		perm.result = "missing " + needNames(missing)
		perm.advice = "allow them to the bot's role in #" + ch.Name +
			" (Edit Channel > Permissions), or " + invite
	}
	return append(rows, perm)
}

// apiCode reports whether err is a Discord refusal with one of codes.
func apiCode(err error, codes ...int) bool {
	var ae *discord.APIError
	if !errors.As(err, &ae) {
		return false
	}
	for _, c := range codes {
		if ae.Code == c {
			return true
		}
	}
	return false
}

// apiStatus reports whether err is a Discord refusal with HTTP status.
func apiStatus(err error, status int) bool {
	var ae *discord.APIError
	return errors.As(err, &ae) && ae.Status == status && !ae.Held
}

// missingNeeds lists the channelNeeds that perms lacks.
func missingNeeds(perms int64) []channelNeed {
	var out []channelNeed
	for _, n := range channelNeeds {
		if perms&n.bit == 0 {
			out = append(out, n)
		}
	}
	return out
}

func needNames(ns []channelNeed) string {
	names := make([]string, len(ns))
	for i, n := range ns {
		names[i] = n.name
	}
	return strings.Join(names, ", ")
}
