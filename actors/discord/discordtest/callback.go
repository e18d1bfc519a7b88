package discordtest

import (
	"encoding/json"
	"fmt"
	"slices"
)

type callbackBody struct {
	Type int             `json:"type"`
	Data json.RawMessage `json:"data"`
}

// callback answers POST /interactions/{id}/{token}/callback. It is authorised by the
// token in the path and is never rate limited.
func (e *Emulator) callback(c *call) {
	var body callbackBody
	_ = json.Unmarshal(c.body, &body)
	e.mu.Lock()
	in := e.interactions[c.param("id")]
	if in == nil || in.token != c.param("token") {
		e.mu.Unlock()
		e.violate(ViolationUnknownReference, c.r.Method, c.r.URL.Path, "unknown interaction")
		c.fail(errUnknownInteraction)
		return
	}
	err := e.callbackRuleLocked(c, in, body)
	e.mu.Unlock()
	if err == nil {
		err = e.checkBody(c, OpInteractionResponse, func(f *formErrors) { checkCallbackData(f, body) })
	}
	if err == nil {
		err = e.applyCallback(c, in, body)
	}

	e.mu.Lock()
	attempt := CallbackAttempt{At: c.at, Type: body.Type, Status: 204}
	if err != nil {
		attempt.Status, attempt.Code = err.Status, err.Code
		if in.errorCode == 0 {
			in.errorCode = err.Code
		}
	}
	if len(in.attempts) == 0 && !in.accepted {
		in.callbackType, in.response = body.Type, append(json.RawMessage(nil), c.body...)
	}
	in.attempts = append(in.attempts, attempt)
	e.notifyLocked()
	e.mu.Unlock()
	if err != nil {
		c.fail(err)
		return
	}
	c.noContent()
}

// callbackRuleLocked applies the acknowledgement rules: one callback only, inside the
// deadline, of a type valid for the interaction.
func (e *Emulator) callbackRuleLocked(c *call, in *interaction, body callbackBody) *APIError {
	m, p := c.r.Method, c.r.URL.Path
	if in.accepted {
		e.violateLocked(ViolationDoubleAck, m, p, fmt.Sprintf("interaction %s acknowledged twice", in.id))
		return errAlreadyAcked
	}
	if late := c.at.Sub(in.dispatchedAt); late > e.opts.AckDeadline {
		e.violateLocked(ViolationLateCallback, m, p,
			fmt.Sprintf("interaction %s answered after %s (deadline %s)", in.id, late, e.opts.AckDeadline))
		return errUnknownInteraction
	}
	if !slices.Contains(validCallbacks[in.kind], body.Type) {
		e.violateLocked(ViolationBadCallback, m, p,
			fmt.Sprintf("callback type %d is not valid for interaction type %d", body.Type, in.kind))
		var f formErrors
		f.add([]string{"type"}, "INTERACTION_CALLBACK_TYPE_INVALID",
			fmt.Sprintf("Interaction callback type %d is not valid for this interaction.", body.Type))
		return f.apiError()
	}
	return nil
}

// checkCallbackData applies the limits of the callback's data, reported under "data".
func checkCallbackData(f *formErrors, body callbackBody) {
	base := []string{"data"}
	switch body.Type {
	case 4, 7:
		m, err := parseMessageFields(orEmpty(body.Data))
		if err != nil {
			f.add(base, "MODEL_TYPE_CONVERT", "Could not interpret data.")
			return
		}
		m.check(f, base)
	case 8:
		var d struct {
			Choices []struct {
				Name  string `json:"name"`
				Value any    `json:"value"`
			} `json:"choices"`
		}
		_ = json.Unmarshal(orEmpty(body.Data), &d)
		f.maxItems(at(base, "choices"), len(d.Choices), maxAutocompleteCh)
		for i, ch := range d.Choices {
			f.required(at(base, "choices", i, "name"), ch.Name)
			f.maxLen(at(base, "choices", i, "name"), ch.Name, maxOptionText)
			if s, ok := ch.Value.(string); ok {
				f.maxLen(at(base, "choices", i, "value"), s, maxOptionText)
			}
		}
	case 9:
		var d struct {
			CustomID   string      `json:"custom_id"`
			Title      string      `json:"title"`
			Components []component `json:"components"`
		}
		_ = json.Unmarshal(orEmpty(body.Data), &d)
		f.required(at(base, "custom_id"), d.CustomID)
		f.maxLen(at(base, "custom_id"), d.CustomID, maxCustomID)
		f.required(at(base, "title"), d.Title)
		f.maxLen(at(base, "title"), d.Title, 45)
		if n := len(d.Components); n == 0 || n > maxActionRows {
			f.add(at(base, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
		}
	}
	if body.Type == 4 || body.Type == 7 {
		m, _ := parseMessageFields(orEmpty(body.Data))
		if body.Type == 4 && m.empty() {
			f.add(base, "BASE_TYPE_REQUIRED", "Cannot send an empty message")
		}
	}
}

func orEmpty(raw json.RawMessage) []byte {
	if len(raw) == 0 || string(raw) == "null" {
		return []byte(`{}`)
	}
	return raw
}

// applyCallback performs an accepted callback on the channel and marks the
// interaction acknowledged.
func (e *Emulator) applyCallback(c *call, in *interaction, body callbackBody) *APIError {
	m, _ := parseMessageFields(orEmpty(body.Data))
	e.mu.Lock()
	var changed *Message
	switch body.Type {
	case 4, 5:
		changed = e.respondLocked(in, body.Type, m)
	case 6, 7:
		msg := e.findLocked(e.opts.ChannelID, in.messageID)
		if msg == nil {
			e.mu.Unlock()
			e.unknownMessage(c)
			return errUnknownMessageAPI
		}
		in.originalID, in.editsAtAck = msg.ID, msg.Edits
		if body.Type == 7 {
			m.apply(msg, c.at, true)
			changed = msg
		}
	}
	t := c.at
	in.accepted, in.ackedAt, in.callbackType = true, &t, body.Type
	in.response = append(json.RawMessage(nil), c.body...)
	var obj map[string]any
	if changed != nil && !changed.Ephemeral() {
		obj = e.apiObject(changed)
	}
	e.notifyLocked()
	e.mu.Unlock()

	if body.Type == 4 || body.Type == 7 {
		e.checkMentions(c, m.Content, m.AllowedMentions)
	}
	if obj != nil {
		event := map[int]string{4: "MESSAGE_CREATE", 5: "MESSAGE_CREATE", 7: "MESSAGE_UPDATE"}[body.Type]
		e.dispatchAll(event, intentGuildMessages, obj)
	}
	return nil
}

// respondLocked creates the @original of a type 4 response, or the "thinking"
// placeholder of a type 5, visible only to the user when flagged ephemeral.
func (e *Emulator) respondLocked(in *interaction, kind int, m messageFields) *Message {
	msg := e.newMessage(e.opts.ChannelID, m, channelFlags|FlagEphemeral)
	if kind == 5 {
		msg = e.newMessage(e.opts.ChannelID, messageFields{}, 0)
		msg.Flags = FlagLoading | m.Flags&FlagEphemeral
	}
	msg.InteractionID, msg.Webhook = in.id, true
	if msg.Ephemeral() {
		msg.VisibleTo = in.userID
	}
	e.addLocked(msg)
	in.originalID = msg.ID
	return msg
}
