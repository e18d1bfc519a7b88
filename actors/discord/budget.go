package discord

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Discord's limits on a message body. Text lengths count runes, so an emoji counts
// as one character however many bytes it takes.
const (
	maxContent     = 2000
	maxEmbeds      = 10
	maxTitle       = 256
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxAuthor      = 256
	// maxEmbedTotal bounds title, description, field names and values, footer and
	// author of all embeds of one message together.
	maxEmbedTotal  = 6000
	maxRows        = 5
	maxRowButtons  = 5
	maxCustomID    = 100
	maxLabel       = 80
	maxOptions     = 25
	maxOptionText  = 100 // an option's label, value and description each
	maxPlaceholder = 150
	maxColour      = 0xFFFFFF
)

func runes(s string) int { return utf8.RuneCountInString(s) }

// checkLimits reports every way p breaks Discord's limits on a message, or nil when
// Discord would accept it.
func checkLimits(p Payload) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	over := func(what, s string, limit int) {
		if n := runes(s); n > limit {
			bad("%s: %d runes over the limit of %d", what, n, limit)
		}
	}

	over("content", p.Content, maxContent)
	if len(p.Embeds) > maxEmbeds {
		bad("embeds: %d over the limit of %d", len(p.Embeds), maxEmbeds)
	}
	total := 0
	for i, e := range p.Embeds {
		if e == nil {
			bad("embeds[%d]: null", i)
			continue
		}
		total += embedRunes(e)
		errs = append(errs, checkEmbed(fmt.Sprintf("embeds[%d]", i), e, over)...)
	}
	if total > maxEmbedTotal {
		bad("embeds: %d runes together, over the limit of %d", total, maxEmbedTotal)
	}
	errs = append(errs, checkComponents(p.Components)...)
	return errors.Join(errs...)
}

// embedRunes is what an embed counts towards the message's total.
func embedRunes(e *discordgo.MessageEmbed) int {
	n := runes(e.Title) + runes(e.Description)
	for _, f := range e.Fields {
		if f != nil {
			n += runes(f.Name) + runes(f.Value)
		}
	}
	if e.Footer != nil {
		n += runes(e.Footer.Text)
	}
	if e.Author != nil {
		n += runes(e.Author.Name)
	}
	return n
}

func checkEmbed(at string, e *discordgo.MessageEmbed, over func(string, string, int)) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	over(at+".title", e.Title, maxTitle)
	over(at+".description", e.Description, maxDescription)
	if e.Footer != nil {
		over(at+".footer.text", e.Footer.Text, maxFooter)
	}
	if e.Author != nil {
		over(at+".author.name", e.Author.Name, maxAuthor)
	}
	if len(e.Fields) > maxFields {
		bad("%s.fields: %d over the limit of %d", at, len(e.Fields), maxFields)
	}
	for j, f := range e.Fields {
		fat := fmt.Sprintf("%s.fields[%d]", at, j)
		switch {
		case f == nil:
			bad("%s: null", fat)
		case f.Name == "" || f.Value == "":
			bad("%s: name and value must not be empty", fat)
		default:
			over(fat+".name", f.Name, maxFieldName)
			over(fat+".value", f.Value, maxFieldValue)
		}
	}
	if e.Timestamp != "" {
		if _, err := time.Parse(time.RFC3339, e.Timestamp); err != nil {
			bad("%s.timestamp: %q is not RFC 3339", at, e.Timestamp)
		}
	}
	if e.Color < 0 || e.Color > maxColour {
		bad("%s.color: %d out of range", at, e.Color)
	}
	return errs
}

// checkComponents checks the action rows: at most five, each holding up to five
// buttons or one select menu, with custom_ids unique within the message.
func checkComponents(rows []discordgo.MessageComponent) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if len(rows) > maxRows {
		bad("components: %d rows over the limit of %d", len(rows), maxRows)
	}
	ids := make(map[string]bool)
	for i, c := range rows {
		row, ok := asRow(c)
		if !ok {
			bad("components[%d]: top-level components must be action rows", i)
			continue
		}
		at := fmt.Sprintf("components[%d]", i)
		if len(row.Components) == 0 || len(row.Components) > maxRowButtons {
			bad("%s: %d components, want 1 to %d", at, len(row.Components), maxRowButtons)
		}
		for j, inner := range row.Components {
			errs = append(errs, checkComponent(fmt.Sprintf("%s.components[%d]", at, j), inner,
				len(row.Components), ids)...)
		}
	}
	return errs
}

func asRow(c discordgo.MessageComponent) (discordgo.ActionsRow, bool) {
	switch r := c.(type) {
	case discordgo.ActionsRow:
		return r, true
	case *discordgo.ActionsRow:
		if r != nil {
			return *r, true
		}
	}
	return discordgo.ActionsRow{}, false
}

func checkComponent(at string, c discordgo.MessageComponent, siblings int, ids map[string]bool) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	id := func(s string) {
		switch {
		case s == "":
			bad("%s.custom_id: empty", at)
		case runes(s) > maxCustomID:
			bad("%s.custom_id: %d runes over the limit of %d", at, runes(s), maxCustomID)
		case ids[s]:
			bad("%s.custom_id: %q used twice in one message", at, s)
		}
		ids[s] = true
	}
	switch x := c.(type) {
	case discordgo.Button:
		if x.Style != discordgo.LinkButton {
			id(x.CustomID)
		}
		if x.Label == "" || runes(x.Label) > maxLabel {
			bad("%s.label: %d runes, want 1 to %d", at, runes(x.Label), maxLabel)
		}
	case discordgo.SelectMenu:
		id(x.CustomID)
		if siblings != 1 {
			bad("%s: a select menu must be alone in its row", at)
		}
		if runes(x.Placeholder) > maxPlaceholder {
			bad("%s.placeholder: over the limit of %d", at, maxPlaceholder)
		}
		if len(x.Options) == 0 || len(x.Options) > maxOptions {
			bad("%s.options: %d, want 1 to %d", at, len(x.Options), maxOptions)
		}
		for k, o := range x.Options {
			if o.Label == "" || o.Value == "" || runes(o.Label) > maxOptionText ||
				runes(o.Value) > maxOptionText || runes(o.Description) > maxOptionText {
				bad("%s.options[%d]: label and value need 1 to %d runes, description up to %d",
					at, k, maxOptionText, maxOptionText)
			}
		}
	default:
		bad("%s: unexpected component %T", at, c)
	}
	return errs
}
