package discord

import (
	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/messages"
)

// Commands are discarr's guild slash commands, registered by bulk overwrite so that
// a command removed from discarr also disappears from Discord.
func Commands() []*discordgo.ApplicationCommand {
	filters := make([]*discordgo.ApplicationCommandOptionChoice, 0, len(messages.Filters))
	for _, f := range messages.Filters {
		filters = append(filters, &discordgo.ApplicationCommandOptionChoice{Name: filterLabel(f), Value: string(f)})
	}
	return []*discordgo.ApplicationCommand{
		{
			Name:        "downloads",
			Description: "Show what is downloading (only you see the answer)",
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "filter",
				Description: "Which downloads to show", Choices: filters,
			}},
		},
		{
			Name:        "health",
			Description: "Show the health of every service, or of one (only you see the answer)",
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "service",
				Description: "One service by name", Autocomplete: true,
			}},
		},
		{
			Name:        "refresh",
			Description: "Poll every service now and say which answered (admins only)",
		},
	}
}

// filterLabel is how a filter reads in menus.
func filterLabel(f messages.Filter) string {
	switch f {
	case messages.FilterTV:
		return "TV"
	case messages.FilterMovies:
		return "Movies"
	case messages.FilterMusic:
		return "Music"
	case messages.FilterBooks:
		return "Books"
	case messages.FilterActive:
		return "Active"
	case messages.FilterStuck:
		return "Stuck"
	}
	return "All"
}
