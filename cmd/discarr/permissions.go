package main

import "github.com/bwmarrin/discordgo"

// channelPermissions computes what a member may do in a channel, the way Discord
// does: the guild's owner may do everything; otherwise the @everyone role's
// permissions and those of each of the member's roles are combined, ADMINISTRATOR
// grants everything, and then the channel's overwrites apply in order: @everyone's,
// the member's roles' (all denies, then all allows), the member's own. Finally the
// implicit rules: without View Channel nothing is possible in the channel, and
// without Send Messages no embed can be sent either.
func channelPermissions(g *discordgo.Guild, m *discordgo.Member, userID string, ch *discordgo.Channel) int64 {
	if g.OwnerID != "" && g.OwnerID == userID {
		return discordgo.PermissionAll
	}
	base := basePermissions(g, m)
	if base&discordgo.PermissionAdministrator != 0 {
		return discordgo.PermissionAll
	}

	perms := base
	overwrites := map[string]*discordgo.PermissionOverwrite{}
	for _, o := range ch.PermissionOverwrites {
		if o != nil {
			overwrites[o.ID] = o
		}
	}
	if o, ok := overwrites[g.ID]; ok {
		perms = perms&^o.Deny | o.Allow
	}
	var allow, deny int64
	for _, r := range m.Roles {
		if o, ok := overwrites[r]; ok && r != g.ID && o.Type == discordgo.PermissionOverwriteTypeRole {
			allow |= o.Allow
			deny |= o.Deny
		}
	}
	perms = perms&^deny | allow
	if o, ok := overwrites[userID]; ok && o.Type == discordgo.PermissionOverwriteTypeMember {
		perms = perms&^o.Deny | o.Allow
	}
	return implicit(perms)
}

// basePermissions are the member's guild-level permissions: @everyone's (the role
// whose ID is the guild's) combined with each of the member's roles.
func basePermissions(g *discordgo.Guild, m *discordgo.Member) int64 {
	mine := map[string]bool{g.ID: true}
	for _, r := range m.Roles {
		mine[r] = true
	}
	var perms int64
	for _, r := range g.Roles {
		if r != nil && mine[r.ID] {
			perms |= r.Permissions
		}
	}
	return perms
}

// implicit drops the permissions Discord ignores when their base action is denied.
func implicit(perms int64) int64 {
	if perms&discordgo.PermissionViewChannel == 0 {
		return 0
	}
	if perms&discordgo.PermissionSendMessages == 0 {
		perms &^= discordgo.PermissionMentionEveryone | discordgo.PermissionSendTTSMessages |
			discordgo.PermissionAttachFiles | discordgo.PermissionEmbedLinks
	}
	return perms
}
