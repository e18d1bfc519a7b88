package discordtest

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// Permission sets of the emulated guild.
const (
	// EveryonePermissions are what every member may do in the board channel.
	EveryonePermissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
		discordgo.PermissionReadMessageHistory | discordgo.PermissionAddReactions |
		discordgo.PermissionUseSlashCommands
	// BotPermissions are the bot role's: exactly what discarr needs in its channel.
	BotPermissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
		discordgo.PermissionEmbedLinks | discordgo.PermissionReadMessageHistory
)

type person struct {
	id, username, globalName string
	roles                    []string
}

// people lists the guild's members who can interact: the admin and a plain member.
func (e *Emulator) people() []person {
	return []person{
		{id: e.opts.AdminUserID, username: "admin", globalName: "Admin", roles: []string{e.opts.AdminRoleID}},
		{id: e.opts.MemberUserID, username: "member", globalName: "Member", roles: []string{}},
		{id: DefaultOwnerUserID, username: "owner", globalName: "Owner", roles: []string{}},
	}
}

func (e *Emulator) person(userID string) (person, bool) {
	for _, p := range e.people() {
		if p.id == userID {
			return p, true
		}
	}
	return person{}, false
}

// permissionsOf computes a member's guild permissions as Discord does.
func (e *Emulator) permissionsOf(p person) int64 {
	if p.id == DefaultOwnerUserID {
		return discordgo.PermissionAll
	}
	perms := int64(EveryonePermissions)
	for _, r := range p.roles {
		if r == e.opts.AdminRoleID {
			return discordgo.PermissionAll
		}
	}
	return perms
}

func (e *Emulator) botUser() map[string]any {
	return map[string]any{
		"id": e.opts.BotUserID, "username": botUsername, "discriminator": "0000",
		"global_name": nil, "avatar": nil, "bot": true, "public_flags": 0,
	}
}

func (e *Emulator) userObject(userID string) map[string]any {
	if userID == e.opts.BotUserID {
		return e.botUser()
	}
	p, _ := e.person(userID)
	return map[string]any{
		"id": userID, "username": p.username, "global_name": p.globalName,
		"discriminator": "0", "avatar": nil, "public_flags": 0,
	}
}

func (e *Emulator) memberObject(p person) map[string]any {
	return map[string]any{
		"user": e.userObject(p.id), "roles": p.roles, "nick": nil, "avatar": nil,
		"joined_at": "2024-01-01T00:00:00.000000+00:00", "premium_since": nil,
		"deaf": false, "mute": false, "flags": 0, "pending": false, "is_pending": false,
	}
}

func perm(v int64) string { return strconv.FormatInt(v, 10) }

func (e *Emulator) roleObjects() []map[string]any {
	role := func(id, name string, perms int64, pos int, managed bool) map[string]any {
		return map[string]any{
			"id": id, "name": name, "color": 0, "hoist": false, "icon": nil,
			"unicode_emoji": nil, "position": pos, "permissions": perm(perms),
			"managed": managed, "mentionable": false, "flags": 0,
		}
	}
	return []map[string]any{
		role(e.opts.GuildID, "@everyone", EveryonePermissions, 0, false),
		role(e.opts.AdminRoleID, "Admin", discordgo.PermissionAdministrator, 2, false),
		role(DefaultBotRoleID, botUsername, BotPermissions, 1, true),
	}
}

// channelIDs lists the guild's text channels, the board channel first.
func (e *Emulator) channelIDs() []string {
	return append([]string{e.opts.ChannelID}, e.opts.OtherChannelIDs...)
}

func (e *Emulator) hasChannel(id string) bool {
	return slices.Contains(e.channelIDs(), id)
}

// channelObjects describes every text channel of the guild, in position order.
func (e *Emulator) channelObjects() []map[string]any {
	var out []map[string]any
	for _, id := range e.channelIDs() {
		out = append(out, e.channelObject(id))
	}
	return out
}

// channelObject describes the channel id, one of channelIDs.
func (e *Emulator) channelObject(id string) map[string]any {
	pos := slices.Index(e.channelIDs(), id)
	name := channelName
	if pos > 0 {
		name = fmt.Sprintf("%s-%d", channelName, pos+1)
	}
	return map[string]any{
		"id": id, "type": 0, "guild_id": e.opts.GuildID, "name": name,
		"position": pos, "topic": nil, "nsfw": false, "last_message_id": e.lastMessageID(id),
		"rate_limit_per_user": 0, "parent_id": nil, "flags": 0,
		"permission_overwrites": []map[string]any{
			{"id": e.opts.GuildID, "type": 0, "allow": "0", "deny": "0"},
		},
	}
}

func (e *Emulator) lastMessageID(channelID string) any {
	list := e.messages[channelID]
	for i := len(list) - 1; i >= 0; i-- {
		if !list[i].Ephemeral() {
			return list[i].ID
		}
	}
	return nil
}

func (e *Emulator) guildObject() map[string]any {
	return map[string]any{
		"id": e.opts.GuildID, "name": guildName, "icon": nil, "owner_id": DefaultOwnerUserID,
		"roles": e.roleObjects(), "emojis": []any{}, "features": []any{},
		"verification_level": 0, "default_message_notifications": 1,
		"explicit_content_filter": 0, "mfa_level": 0, "system_channel_id": nil,
		"preferred_locale": "en-US", "premium_tier": 0, "nsfw_level": 0,
		"stickers": []any{},
	}
}

// guildCreate is the GUILD_CREATE payload: the guild plus its channels.
func (e *Emulator) guildCreate() map[string]any {
	g := e.guildObject()
	g["unavailable"] = false
	g["member_count"] = len(e.people()) + 1
	g["large"] = false
	g["joined_at"] = "2024-01-01T00:00:00.000000+00:00"
	g["channels"] = e.channelObjects()
	g["threads"] = []any{}
	g["members"] = []any{}
	g["voice_states"] = []any{}
	g["presences"] = []any{}
	return g
}

func (e *Emulator) applicationObject() map[string]any {
	return map[string]any{
		"id": e.opts.ApplicationID, "name": botUsername, "icon": nil,
		"description": "Media stack boards", "bot_public": false,
		"bot_require_code_grant": false, "verify_key": "0", "flags": 0,
		"bot": e.botUser(), "team": nil,
	}
}
