package discordtest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Operations whose request bodies pass checkBody. Each value is the operationId of
// Discord's OpenAPI spec, so a BodyValidator can look up the matching schema.
const (
	OpCreateMessage        = "create_message"
	OpUpdateMessage        = "update_message"
	OpInteractionResponse  = "create_interaction_response"
	OpExecuteWebhook       = "execute_webhook"
	OpUpdateWebhookMessage = "update_webhook_message"
	OpUpdateOriginal       = "update_original_webhook_message"
	OpBulkSetCommands      = "bulk_set_guild_application_commands"
	OpBulkSetGlobal        = "bulk_set_application_commands"
)

// BodyValidator checks a request body for an operation (a Discord OpenAPI operationId)
// and returns the error Discord would answer, or nil.
type BodyValidator func(op string, body []byte) *APIError

// SetBodyValidator adds a check that runs, after the emulator's own, on every request
// body; a nil validator removes it.
func (e *Emulator) SetBodyValidator(v BodyValidator) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.validator = v
}

// checkBody is the single gate every request body passes: JSON syntax, then the
// operation's own rules, then the optional external validator. A rejection is
// recorded as a violation.
func (e *Emulator) checkBody(c *call, op string, rules func(*formErrors)) *APIError {
	if !json.Valid(c.body) {
		e.violate(ViolationInvalidBody, c.r.Method, c.r.URL.Path, "body is not JSON")
		return errInvalidJSON
	}
	var f formErrors
	if rules != nil {
		rules(&f)
	}
	err := f.apiError()
	e.mu.Lock()
	v := e.validator
	e.mu.Unlock()
	if err == nil && v != nil {
		err = v(op, c.body)
	}
	if err != nil {
		detail, _ := json.Marshal(err)
		e.violate(ViolationInvalidBody, c.r.Method, c.r.URL.Path, op+": "+string(detail))
	}
	return err
}

// messageBody parses and checks a message create or edit body, answering the error
// itself when it is refused.
func (e *Emulator) messageBody(c *call, op string) (messageFields, bool) {
	m, perr := parseMessageFields(c.body)
	err := e.checkBody(c, op, func(f *formErrors) {
		if perr == nil {
			m.check(f, nil)
		} else if tree, ok := perr.Errors.(map[string]any); ok {
			f.tree = tree
		} else {
			f.add(nil, "MODEL_TYPE_CONVERT", "Expected a JSON object.")
		}
	})
	if err != nil {
		c.fail(err)
		return m, false
	}
	return m, true
}

// messageFields is a message create or edit body; present says which keys it held,
// since an edit changes only those.
type messageFields struct {
	present         map[string]bool
	Content         string
	Embeds          []*discordgo.MessageEmbed
	Components      []component
	ComponentsRaw   json.RawMessage
	Flags           int
	AllowedMentions json.RawMessage
}

func parseMessageFields(raw []byte) (messageFields, *APIError) {
	var keys map[string]json.RawMessage
	m := messageFields{present: map[string]bool{}}
	if err := json.Unmarshal(raw, &keys); err != nil {
		return m, errInvalidJSON
	}
	var f formErrors
	decode := func(key string, into any) {
		v, ok := keys[key]
		if !ok {
			return
		}
		m.present[key] = true
		if string(v) == "null" {
			return
		}
		if err := json.Unmarshal(v, into); err != nil {
			f.add([]string{key}, "MODEL_TYPE_CONVERT", fmt.Sprintf("Could not interpret %s.", v))
		}
	}
	decode("content", &m.Content)
	decode("embeds", &m.Embeds)
	decode("components", &m.Components)
	decode("flags", &m.Flags)
	decode("allowed_mentions", &m.AllowedMentions)
	if m.present["components"] && string(keys["components"]) != "null" {
		m.ComponentsRaw = keys["components"]
	}
	return m, f.apiError()
}

// check applies Discord's message limits, reporting under base (for example "data").
func (m messageFields) check(f *formErrors, base []string) {
	f.maxLen(at(base, "content"), m.Content, maxContent)
	checkEmbeds(f, base, m.Embeds)
	checkComponents(f, base, m.Components)
}

func (m messageFields) empty() bool {
	return m.Content == "" && len(m.Embeds) == 0 && len(m.Components) == 0
}

// newMessage builds a message from a create body.
func (e *Emulator) newMessage(channelID string, m messageFields, flagMask int) *Message {
	return &Message{
		ID: e.ids.next(), ChannelID: channelID, AuthorID: e.opts.BotUserID,
		Content: m.Content, Embeds: m.Embeds, Components: m.ComponentsRaw,
		Flags: m.Flags & flagMask, Timestamp: e.now(), AllowedMentions: m.AllowedMentions,
	}
}

// apply merges the present fields of an edit into msg, as Discord does.
func (m messageFields) apply(msg *Message, now time.Time, countEdit bool) {
	if m.present["content"] {
		msg.Content = m.Content
	}
	if m.present["embeds"] {
		msg.Embeds = m.Embeds
	}
	if m.present["components"] {
		msg.Components = m.ComponentsRaw
	}
	if m.present["flags"] {
		// Only SUPPRESS_EMBEDS may change on an existing message.
		msg.Flags = msg.Flags&^FlagSuppressEmbeds | m.Flags&FlagSuppressEmbeds
	}
	if m.present["allowed_mentions"] {
		msg.AllowedMentions = m.AllowedMentions
	}
	msg.Edits++
	if countEdit {
		t := now
		msg.EditedTimestamp = &t
	}
}

var (
	massMention = regexp.MustCompile(`@(everyone|here)`)
	userMention = regexp.MustCompile(`<@!?(\d+)>`)
	roleMention = regexp.MustCompile(`<@&(\d+)>`)
)

type allowedMentions struct {
	Parse []string `json:"parse"`
	Users []string `json:"users"`
	Roles []string `json:"roles"`
}

// mentionProblem says how content could ping people, or "" when it cannot. Pings
// allowed by naming the exact role or user are deliberate and accepted; @everyone,
// @here and blanket parse permissions are not.
func mentionProblem(content string, raw json.RawMessage) string {
	hasMass := massMention.MatchString(content)
	users := userMention.FindAllStringSubmatch(content, -1)
	roles := roleMention.FindAllStringSubmatch(content, -1)
	if !hasMass && len(users) == 0 && len(roles) == 0 {
		return ""
	}
	if len(raw) == 0 || string(raw) == "null" {
		return "content mentions someone and allowed_mentions is absent"
	}
	var am allowedMentions
	_ = json.Unmarshal(raw, &am)
	if hasMass && slices.Contains(am.Parse, "everyone") {
		return "allowed_mentions lets @everyone/@here ping"
	}
	if len(users) > 0 && slices.Contains(am.Parse, "users") {
		return "allowed_mentions parses every user mention"
	}
	if len(roles) > 0 && slices.Contains(am.Parse, "roles") {
		return "allowed_mentions parses every role mention"
	}
	return ""
}

// checkMentions records a violation when a message could ping more than intended.
func (e *Emulator) checkMentions(c *call, content string, am json.RawMessage) {
	if p := mentionProblem(content, am); p != "" {
		e.violate(ViolationMention, c.r.Method, c.r.URL.Path, p)
	}
}
