package discordtest

import (
	"encoding/json"
	"regexp"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Command is an application command as the bot registered it.
type Command = discordgo.ApplicationCommand

var commandName = regexp.MustCompile(`^[-_\p{L}\p{N}]{1,32}$`)

// Commands returns the registered commands, guild and global, in registration order.
func (e *Emulator) Commands() []Command {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Command(nil), e.commands...)
}

func (e *Emulator) commandByName(name string) (Command, bool) {
	for _, c := range e.commands {
		if c.Name == name && (c.Type == 0 || c.Type == discordgo.ChatApplicationCommand) {
			return c, true
		}
	}
	return Command{}, false
}

// commandScope is the guild of a guild route, "" for global commands.
func (e *Emulator) commandScope(c *call) (string, bool) {
	if c.param("app") != e.opts.ApplicationID {
		c.fail(errUnknownApplication)
		return "", false
	}
	g := c.param("guild")
	if g != "" && g != e.opts.GuildID {
		c.fail(errUnknownGuild)
		return "", false
	}
	return g, true
}

// putCommands is the bulk overwrite: the body replaces every command of its scope;
// a command keeps its ID when its name stays.
func (e *Emulator) putCommands(c *call) {
	guild, ok := e.commandScope(c)
	if !ok {
		return
	}
	var cmds []Command
	perr := json.Unmarshal(c.body, &cmds)
	op := OpBulkSetGlobal
	if guild != "" {
		op = OpBulkSetCommands
	}
	if err := e.checkBody(c, op, func(f *formErrors) {
		if perr != nil {
			f.add(nil, "MODEL_TYPE_CONVERT", "Expected an array of application commands.")
			return
		}
		checkCommands(f, cmds)
	}); err != nil {
		c.fail(err)
		return
	}

	e.mu.Lock()
	old := map[string]string{}
	kept := e.commands[:0:0]
	for _, cmd := range e.commands {
		if cmd.GuildID == guild {
			old[cmd.Name] = cmd.ID
		} else {
			kept = append(kept, cmd)
		}
	}
	for i := range cmds {
		cmds[i].ID = old[cmds[i].Name]
		if cmds[i].ID == "" {
			cmds[i].ID = e.ids.next()
		}
		cmds[i].ApplicationID, cmds[i].GuildID = e.opts.ApplicationID, guild
		cmds[i].Version = e.ids.next()
		if cmds[i].Type == 0 {
			cmds[i].Type = discordgo.ChatApplicationCommand
		}
	}
	e.commands = append(kept, cmds...)
	e.notifyLocked()
	e.mu.Unlock()
	if cmds == nil {
		cmds = []Command{}
	}
	c.reply(200, cmds)
}

func (e *Emulator) getCommands(c *call) {
	guild, ok := e.commandScope(c)
	if !ok {
		return
	}
	out := []Command{}
	for _, cmd := range e.Commands() {
		if cmd.GuildID == guild {
			out = append(out, cmd)
		}
	}
	c.reply(200, out)
}

// checkCommands enforces the command limits that a bot hits in practice.
func checkCommands(f *formErrors, cmds []Command) {
	f.maxItems(nil, len(cmds), 100)
	for i, cmd := range cmds {
		p := at(nil, i)
		if !commandName.MatchString(cmd.Name) {
			f.add(at(p, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
		}
		chat := cmd.Type == 0 || cmd.Type == discordgo.ChatApplicationCommand
		if chat && (cmd.Description == "" || utf8.RuneCountInString(cmd.Description) > 100) {
			f.add(at(p, "description"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
		}
		checkOptions(f, at(p, "options"), cmd.Options)
	}
}

func checkOptions(f *formErrors, p []string, opts []*discordgo.ApplicationCommandOption) {
	f.maxItems(p, len(opts), 25)
	for i, o := range opts {
		if o == nil {
			continue
		}
		op := at(p, i)
		if !commandName.MatchString(o.Name) {
			f.add(at(op, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
		}
		if o.Description == "" || utf8.RuneCountInString(o.Description) > 100 {
			f.add(at(op, "description"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
		}
		f.maxItems(at(op, "choices"), len(o.Choices), 25)
		if o.Autocomplete && len(o.Choices) > 0 {
			f.add(at(op, "autocomplete"), "AUTOCOMPLETE_AND_CHOICES",
				"Autocomplete cannot be set with choices")
		}
		checkOptions(f, at(op, "options"), o.Options)
	}
}
