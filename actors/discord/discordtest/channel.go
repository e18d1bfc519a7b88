package discordtest

import (
	"slices"
	"strconv"
)

// channelFlags are the flags a bot may set on a channel message.
const channelFlags = FlagSuppressEmbeds | 1<<12 // SUPPRESS_NOTIFICATIONS

// knownChannel answers 10003 for any channel but the board channel and the other
// channels of Options.OtherChannelIDs.
func (e *Emulator) knownChannel(c *call) bool {
	if e.hasChannel(c.param("channel")) {
		return true
	}
	e.violate(ViolationUnknownReference, c.r.Method, c.r.URL.Path, "unknown channel")
	c.fail(errUnknownChannel)
	return false
}

func (e *Emulator) createMessage(c *call) {
	if !e.knownChannel(c) || !e.take(c, RouteMessageCreate, c.param("channel")) {
		return
	}
	m, ok := e.messageBody(c, OpCreateMessage)
	if !ok {
		return
	}
	if m.empty() {
		c.fail(errEmptyMessage)
		return
	}
	e.checkMentions(c, m.Content, m.AllowedMentions)
	msg := e.newMessage(c.param("channel"), m, channelFlags)
	e.mu.Lock()
	e.addLocked(msg)
	obj := e.apiObject(msg)
	e.mu.Unlock()
	e.dispatchAll("MESSAGE_CREATE", intentGuildMessages, obj)
	c.reply(200, obj)
}

// listMessages answers newest first, as Discord does, honouring limit, before and after.
func (e *Emulator) listMessages(c *call) {
	if !e.knownChannel(c) {
		return
	}
	q := c.r.URL.Query()
	limit := 50
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			var f formErrors
			f.add([]string{"limit"}, "NUMBER_TYPE_MAX", "int value should be less than or equal to 100.")
			c.fail(f.apiError())
			return
		}
		limit = n
	}
	before, after := snowflake(q.Get("before")), snowflake(q.Get("after"))
	e.mu.Lock()
	var out []map[string]any
	list := slices.Clone(e.messages[c.param("channel")])
	for i := len(list) - 1; i >= 0; i-- {
		m := list[i]
		id := snowflake(m.ID)
		if m.Ephemeral() || (before > 0 && id >= before) || (after > 0 && id <= after) {
			continue
		}
		out = append(out, e.apiObject(m))
	}
	e.mu.Unlock()
	if after > 0 && len(out) > limit {
		out = out[len(out)-limit:] // the oldest after the cursor
	} else if len(out) > limit {
		out = out[:limit]
	}
	if out == nil {
		out = []map[string]any{}
	}
	c.reply(200, out)
}

func snowflake(s string) uint64 {
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}

// publicMessage finds a public message of the path's channel or answers 10008.
func (e *Emulator) publicMessage(c *call) *Message {
	m := e.findLocked(c.param("channel"), c.param("message"))
	if m == nil || m.Ephemeral() {
		return nil
	}
	return m
}

func (e *Emulator) getMessage(c *call) {
	if !e.knownChannel(c) {
		return
	}
	e.mu.Lock()
	m := e.publicMessage(c)
	var obj map[string]any
	if m != nil {
		obj = e.apiObject(m)
	}
	e.mu.Unlock()
	if m == nil {
		e.unknownMessage(c)
		return
	}
	c.reply(200, obj)
}

func (e *Emulator) unknownMessage(c *call) {
	e.violate(ViolationUnknownReference, c.r.Method, c.r.URL.Path, "unknown message")
	c.fail(errUnknownMessageAPI)
}

func (e *Emulator) editMessage(c *call) {
	if !e.knownChannel(c) || !e.take(c, RouteMessageEdit, c.param("channel")) {
		return
	}
	fields, ok := e.messageBody(c, OpUpdateMessage)
	if !ok {
		return
	}
	e.mu.Lock()
	m := e.publicMessage(c)
	var old Message
	if m != nil {
		old = m.clone()
	}
	e.mu.Unlock()
	if m == nil {
		e.unknownMessage(c)
		return
	}
	if !e.takeOldEdit(c, &old) {
		return
	}
	e.mu.Lock()
	fields.apply(m, c.at, true)
	e.notifyLocked()
	obj := e.apiObject(m)
	e.mu.Unlock()
	if fields.present["content"] {
		e.checkMentions(c, m.Content, m.AllowedMentions)
	}
	e.dispatchAll("MESSAGE_UPDATE", intentGuildMessages, obj)
	c.reply(200, obj)
}

func (e *Emulator) deleteMessage(c *call) {
	if !e.knownChannel(c) || !e.take(c, RouteMessageDelete, c.param("channel")) {
		return
	}
	e.mu.Lock()
	m := e.publicMessage(c)
	if m != nil {
		e.removeLocked(m.ChannelID, m.ID)
	}
	e.mu.Unlock()
	if m == nil {
		e.unknownMessage(c)
		return
	}
	e.announceDelete(m)
	c.noContent()
}
