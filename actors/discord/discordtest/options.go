package discordtest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// commandData builds the data of a command or autocomplete interaction, typing each
// option as the registered command declares it.
func (e *Emulator) commandData(r InteractRequest) (map[string]any, error) {
	path := strings.Fields(strings.TrimPrefix(strings.TrimSpace(r.Command), "/"))
	if len(path) == 0 {
		return nil, bad("empty command")
	}
	e.mu.Lock()
	cmd, ok := e.commandByName(path[0])
	e.mu.Unlock()
	if !ok {
		return nil, bad("unknown command %q", path[0])
	}

	defs := cmd.Options
	var chain []*discordgo.ApplicationCommandOption // subcommand groups and subcommands
	for _, name := range path[1:] {
		o := findOption(defs, name)
		if o == nil || (o.Type != discordgo.ApplicationCommandOptionSubCommand &&
			o.Type != discordgo.ApplicationCommandOptionSubCommandGroup) {
			return nil, bad("command %q has no subcommand %q", cmd.Name, name)
		}
		chain = append(chain, o)
		defs = o.Options
	}
	opts, err := typedOptions(defs, r)
	if err != nil {
		return nil, fmt.Errorf("command %q: %w", r.Command, err)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		opts = []map[string]any{{"name": chain[i].Name, "type": chain[i].Type, "options": opts}}
	}
	data := map[string]any{"id": cmd.ID, "name": cmd.Name, "type": 1, "options": opts}
	if cmd.GuildID != "" {
		data["guild_id"] = cmd.GuildID
	}
	if res := e.resolved(defs, r.Options); len(res) > 0 {
		data["resolved"] = res
	}
	return data, nil
}

func findOption(defs []*discordgo.ApplicationCommandOption, name string) *discordgo.ApplicationCommandOption {
	for _, o := range defs {
		if o != nil && o.Name == name {
			return o
		}
	}
	return nil
}

// typedOptions converts the request's options in the declared order.
func typedOptions(defs []*discordgo.ApplicationCommandOption, r InteractRequest) ([]map[string]any, error) {
	for name := range r.Options {
		if findOption(defs, name) == nil {
			return nil, bad("unknown option %q", name)
		}
	}
	if r.Autocomplete {
		if o := findOption(defs, r.Focused); o == nil || !o.Autocomplete {
			return nil, bad("option %q does not autocomplete", r.Focused)
		}
	}
	out := []map[string]any{}
	for _, d := range defs {
		raw, given := r.Options[d.Name]
		focused := r.Autocomplete && d.Name == r.Focused
		if !given && !focused {
			if d.Required && !r.Autocomplete {
				return nil, bad("option %q is required", d.Name)
			}
			continue
		}
		opt := map[string]any{"name": d.Name, "type": d.Type}
		if focused {
			opt["value"], opt["focused"] = fmt.Sprint(orBlank(raw)), true
			out = append(out, opt)
			continue
		}
		v, err := convertOption(d, raw)
		if err != nil {
			return nil, err
		}
		opt["value"] = v
		out = append(out, opt)
	}
	return out, nil
}

func orBlank(v any) any {
	if v == nil {
		return ""
	}
	return v
}

// convertOption gives a value the JSON type Discord uses for the option type.
func convertOption(d *discordgo.ApplicationCommandOption, v any) (any, error) {
	s := fmt.Sprint(v)
	var out any
	switch d.Type {
	case discordgo.ApplicationCommandOptionInteger:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil || n != float64(int64(n)) {
			return nil, bad("option %q needs an integer, got %q", d.Name, s)
		}
		out = int64(n)
	case discordgo.ApplicationCommandOptionNumber:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, bad("option %q needs a number, got %q", d.Name, s)
		}
		out = n
	case discordgo.ApplicationCommandOptionBoolean:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, bad("option %q needs true or false, got %q", d.Name, s)
		}
		out = b
	default:
		out = s
	}
	if len(d.Choices) > 0 && !slices.ContainsFunc(d.Choices, func(c *discordgo.ApplicationCommandOptionChoice) bool {
		return fmt.Sprint(c.Value) == fmt.Sprint(out)
	}) {
		return nil, bad("option %q has no choice %q", d.Name, s)
	}
	return out, nil
}

// resolved describes the users, roles and channels that options name.
func (e *Emulator) resolved(defs []*discordgo.ApplicationCommandOption, given map[string]any) map[string]any {
	res := map[string]map[string]any{}
	put := func(kind, id string, v any) {
		if res[kind] == nil {
			res[kind] = map[string]any{}
		}
		res[kind][id] = v
	}
	for _, d := range defs {
		v, ok := given[d.Name]
		if !ok {
			continue
		}
		id := fmt.Sprint(v)
		switch d.Type {
		case discordgo.ApplicationCommandOptionUser, discordgo.ApplicationCommandOptionMentionable:
			if p, ok := e.person(id); ok {
				put("users", id, e.userObject(id))
				m := e.memberObject(p)
				delete(m, "user")
				m["permissions"] = perm(e.permissionsOf(p))
				put("members", id, m)
			}
		case discordgo.ApplicationCommandOptionRole:
			for _, r := range e.roleObjects() {
				if r["id"] == id {
					put("roles", id, r)
				}
			}
		case discordgo.ApplicationCommandOptionChannel:
			if id == e.opts.ChannelID {
				e.mu.Lock()
				put("channels", id, e.channelObject(e.opts.ChannelID))
				e.mu.Unlock()
			}
		}
	}
	out := map[string]any{}
	for k, v := range res {
		out[k] = v
	}
	return out
}

// componentData builds the data of a component interaction and adds the message.
func (e *Emulator) componentData(r InteractRequest, payload map[string]any) (map[string]any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := e.findLocked(e.opts.ChannelID, r.MessageID)
	if m == nil || (m.Ephemeral() && m.VisibleTo != r.UserID) {
		return nil, bad("unknown message %q", r.MessageID)
	}
	var rows []component
	_ = json.Unmarshal(orEmptyArray(m.Components), &rows)
	c := findComponent(rows, r.CustomID)
	if c == nil {
		return nil, bad("message %s has no component with custom_id %q", m.ID, r.CustomID)
	}
	if c.Disabled {
		return nil, bad("component %q is disabled", r.CustomID)
	}
	data := map[string]any{"custom_id": c.CustomID, "component_type": c.Type}
	if c.Type != compButton {
		if err := checkPicks(*c, r.Values); err != nil {
			return nil, err
		}
		data["values"] = append([]string{}, r.Values...)
	} else if len(r.Values) > 0 {
		return nil, bad("a button takes no values")
	}
	payload["message"] = e.apiObject(m)
	return data, nil
}

func orEmptyArray(raw json.RawMessage) []byte {
	if len(raw) == 0 {
		return []byte(`[]`)
	}
	return raw
}

func findComponent(rows []component, customID string) *component {
	for i := range rows {
		for j := range rows[i].Components {
			if c := &rows[i].Components[j]; c.CustomID == customID && customID != "" {
				return c
			}
		}
	}
	return nil
}

// checkPicks applies a select menu's rules to the picked values.
func checkPicks(c component, values []string) error {
	lo, hi := 1, 1
	if c.MinValues != nil {
		lo = *c.MinValues
	}
	if c.MaxValues != nil {
		hi = *c.MaxValues
	}
	if len(values) < lo || len(values) > hi {
		return bad("select %q takes %d to %d values, got %d", c.CustomID, lo, hi, len(values))
	}
	if c.Type != compStringSelect {
		return nil
	}
	for _, v := range values {
		if !slices.ContainsFunc(c.Options, func(o selectOption) bool { return o.Value == v }) {
			return bad("select %q has no option %q", c.CustomID, v)
		}
	}
	return nil
}
