package discordtest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Discord's limits on a message body, in Unicode code points where they are lengths.
const (
	maxContent        = 2000
	maxEmbeds         = 10
	maxEmbedTitle     = 256
	maxEmbedDesc      = 4096
	maxEmbedFields    = 25
	maxFieldName      = 256
	maxFieldValue     = 1024
	maxFooterText     = 2048
	maxAuthorName     = 256
	maxEmbedTotal     = 6000
	maxActionRows     = 5
	maxButtonsPerRow  = 5
	maxCustomID       = 100
	maxButtonLabel    = 80
	maxSelectOptions  = 25
	maxOptionText     = 100
	maxPlaceholder    = 150
	maxAutocompleteCh = 25
)

// Component types of Discord's message components.
const (
	compActionRow      = 1
	compButton         = 2
	compStringSelect   = 3
	compTextInput      = 4
	compUserSelect     = 5
	compRoleSelect     = 6
	compMentionSelect  = 7
	compChannelSelect  = 8
	buttonStyleLink    = 5
	buttonStylePremium = 6
)

// formErrors collects field errors in Discord's nested "errors" shape.
type formErrors struct{ tree map[string]any }

func (f *formErrors) add(path []string, code, msg string) {
	if f.tree == nil {
		f.tree = map[string]any{}
	}
	node := f.tree
	for _, p := range path {
		next, ok := node[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			node[p] = next
		}
		node = next
	}
	list, _ := node["_errors"].([]map[string]string)
	node["_errors"] = append(list, map[string]string{"code": code, "message": msg})
}

func (f *formErrors) maxLen(path []string, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		f.add(path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", max))
	}
}

func (f *formErrors) maxItems(path []string, n, max int) {
	if n > max {
		f.add(path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", max))
	}
}

func (f *formErrors) required(path []string, s string) {
	if s == "" {
		f.add(path, "BASE_TYPE_REQUIRED", "This field is required")
	}
}

// apiError is nil when no field failed.
func (f *formErrors) apiError() *APIError {
	if len(f.tree) == 0 {
		return nil
	}
	return &APIError{Status: 400, Code: 50035, Message: "Invalid Form Body", Errors: f.tree}
}

func at(base []string, more ...any) []string {
	out := append([]string(nil), base...)
	for _, m := range more {
		switch v := m.(type) {
		case int:
			out = append(out, strconv.Itoa(v))
		case string:
			out = append(out, v)
		}
	}
	return out
}

// component is any message component, decoded loosely for checking and lookup.
type component struct {
	Type        int             `json:"type"`
	CustomID    string          `json:"custom_id"`
	Label       string          `json:"label"`
	Style       int             `json:"style"`
	URL         string          `json:"url"`
	Disabled    bool            `json:"disabled"`
	Emoji       json.RawMessage `json:"emoji"`
	Placeholder string          `json:"placeholder"`
	Options     []selectOption  `json:"options"`
	MinValues   *int            `json:"min_values"`
	MaxValues   *int            `json:"max_values"`
	Components  []component     `json:"components"`
}

type selectOption struct {
	Label       string          `json:"label"`
	Value       string          `json:"value"`
	Description string          `json:"description"`
	Emoji       json.RawMessage `json:"emoji"`
	Default     bool            `json:"default"`
}

// checkEmbeds enforces the per-embed limits and the 6000 total across the message.
func checkEmbeds(f *formErrors, base []string, embeds []*discordgo.MessageEmbed) {
	f.maxItems(at(base, "embeds"), len(embeds), maxEmbeds)
	total := 0
	for i, em := range embeds {
		if em == nil {
			continue
		}
		p := at(base, "embeds", i)
		f.maxLen(at(p, "title"), em.Title, maxEmbedTitle)
		f.maxLen(at(p, "description"), em.Description, maxEmbedDesc)
		f.maxItems(at(p, "fields"), len(em.Fields), maxEmbedFields)
		total += utf8.RuneCountInString(em.Title) + utf8.RuneCountInString(em.Description)
		for j, fl := range em.Fields {
			if fl == nil {
				continue
			}
			fp := at(p, "fields", j)
			f.required(at(fp, "name"), fl.Name)
			f.required(at(fp, "value"), fl.Value)
			f.maxLen(at(fp, "name"), fl.Name, maxFieldName)
			f.maxLen(at(fp, "value"), fl.Value, maxFieldValue)
			total += utf8.RuneCountInString(fl.Name) + utf8.RuneCountInString(fl.Value)
		}
		if em.Footer != nil {
			f.maxLen(at(p, "footer", "text"), em.Footer.Text, maxFooterText)
			total += utf8.RuneCountInString(em.Footer.Text)
		}
		if em.Author != nil {
			f.maxLen(at(p, "author", "name"), em.Author.Name, maxAuthorName)
			total += utf8.RuneCountInString(em.Author.Name)
		}
	}
	if total > maxEmbedTotal {
		f.add(at(base, "embeds"), "MAX_EMBED_SIZE_EXCEEDED",
			fmt.Sprintf("Embed size exceeds maximum size of %d", maxEmbedTotal))
	}
}

// checkComponents enforces the layout: at most 5 action rows, each holding up to five
// buttons or exactly one select menu, with unique custom IDs.
func checkComponents(f *formErrors, base []string, rows []component) {
	p := at(base, "components")
	f.maxItems(p, len(rows), maxActionRows)
	seen := map[string]bool{}
	for i, row := range rows {
		rp := at(p, i)
		if row.Type != compActionRow {
			f.add(at(rp, "type"), "UNION_TYPE_CHOICES", "Value of field \"type\" must be one of (1,).")
			continue
		}
		f.maxItems(at(rp, "components"), len(row.Components), maxButtonsPerRow)
		selects, buttons := 0, 0
		for j, c := range row.Components {
			cp := at(rp, "components", j)
			switch c.Type {
			case compButton:
				buttons++
				checkButton(f, cp, c)
			case compStringSelect, compUserSelect, compRoleSelect, compMentionSelect, compChannelSelect:
				selects++
				checkSelect(f, cp, c)
			default:
				f.add(at(cp, "type"), "UNION_TYPE_CHOICES",
					"Value of field \"type\" must be one of (2, 3, 5, 6, 7, 8).")
			}
			if c.CustomID != "" && seen[c.CustomID] {
				f.add(at(cp, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED",
					"Component custom id cannot be duplicated")
			}
			seen[c.CustomID] = c.CustomID != ""
		}
		if selects > 1 || (selects == 1 && buttons > 0) {
			f.add(at(rp, "components"), "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
				"The specified component exceeds the maximum width")
		}
	}
}

func checkButton(f *formErrors, p []string, c component) {
	f.maxLen(at(p, "label"), c.Label, maxButtonLabel)
	f.maxLen(at(p, "custom_id"), c.CustomID, maxCustomID)
	switch c.Style {
	case buttonStyleLink:
		f.required(at(p, "url"), c.URL)
	case buttonStylePremium:
	case 1, 2, 3, 4:
		f.required(at(p, "custom_id"), c.CustomID)
	default:
		f.add(at(p, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}.")
	}
	if c.Style != buttonStylePremium && c.Label == "" && len(c.Emoji) == 0 {
		f.add(at(p, "label"), "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED",
			"A label or an emoji is required")
	}
}

func checkSelect(f *formErrors, p []string, c component) {
	f.required(at(p, "custom_id"), c.CustomID)
	f.maxLen(at(p, "custom_id"), c.CustomID, maxCustomID)
	f.maxLen(at(p, "placeholder"), c.Placeholder, maxPlaceholder)
	if c.Type != compStringSelect {
		return
	}
	if len(c.Options) == 0 {
		f.add(at(p, "options"), "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
	}
	f.maxItems(at(p, "options"), len(c.Options), maxSelectOptions)
	for i, o := range c.Options {
		op := at(p, "options", i)
		f.required(at(op, "label"), o.Label)
		f.required(at(op, "value"), o.Value)
		f.maxLen(at(op, "label"), o.Label, maxOptionText)
		f.maxLen(at(op, "value"), o.Value, maxOptionText)
		f.maxLen(at(op, "description"), o.Description, maxOptionText)
	}
	if c.MaxValues != nil && *c.MaxValues > len(c.Options) {
		f.add(at(p, "max_values"), "BASE_TYPE_MAX", fmt.Sprintf("int value should be less than or equal to %d.", len(c.Options)))
	}
}
