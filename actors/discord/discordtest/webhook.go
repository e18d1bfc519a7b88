package discordtest

// webhookInteraction finds the interaction behind /webhooks/{app}/{token}, answering
// Discord's error when the token is unknown or expired.
func (e *Emulator) webhookInteraction(c *call) *interaction {
	e.mu.Lock()
	in := e.tokens[c.param("token")]
	e.mu.Unlock()
	switch {
	case in == nil || c.param("app") != e.opts.ApplicationID:
		e.violate(ViolationUnknownReference, c.r.Method, c.r.URL.Path, "unknown webhook")
		c.fail(errUnknownWebhook)
		return nil
	case c.at.Sub(in.dispatchedAt) > e.opts.TokenLifetime:
		e.violate(ViolationUnknownReference, c.r.Method, c.r.URL.Path, "interaction token expired")
		c.fail(errInvalidToken)
		return nil
	}
	if !e.take(c, RouteWebhook, in.token) {
		return nil
	}
	return in
}

// webhookMessageLocked resolves {message}: "@original" or one of the interaction's
// follow-ups.
func (e *Emulator) webhookMessageLocked(c *call, in *interaction) *Message {
	id := c.param("message")
	if id == "@original" {
		id = in.originalID
	}
	if id == "" {
		return nil
	}
	m := e.findLocked(e.opts.ChannelID, id)
	if m == nil || (m.InteractionID != in.id && m.ID != in.originalID) {
		return nil
	}
	return m
}

func (e *Emulator) getWebhookMessage(c *call) {
	in := e.webhookInteraction(c)
	if in == nil {
		return
	}
	e.mu.Lock()
	m := e.webhookMessageLocked(c, in)
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

// editWebhookMessage edits @original or a follow-up. The first edit of a deferred
// ("thinking") response fills it in and does not mark it edited, as in Discord.
func (e *Emulator) editWebhookMessage(c *call) {
	in := e.webhookInteraction(c)
	if in == nil {
		return
	}
	op := OpUpdateWebhookMessage
	if c.param("message") == "@original" {
		op = OpUpdateOriginal
	}
	fields, ok := e.messageBody(c, op)
	if !ok {
		return
	}
	e.mu.Lock()
	m := e.webhookMessageLocked(c, in)
	var obj map[string]any
	if m != nil {
		loading := m.Flags&FlagLoading != 0
		fields.apply(m, c.at, !loading)
		m.Flags &^= FlagLoading
		e.notifyLocked()
		obj = e.apiObject(m)
	}
	e.mu.Unlock()
	if m == nil {
		e.unknownMessage(c)
		return
	}
	e.checkMentions(c, m.Content, m.AllowedMentions)
	if !m.Ephemeral() {
		e.dispatchAll("MESSAGE_UPDATE", intentGuildMessages, obj)
	}
	c.reply(200, obj)
}

func (e *Emulator) deleteWebhookMessage(c *call) {
	in := e.webhookInteraction(c)
	if in == nil {
		return
	}
	e.mu.Lock()
	m := e.webhookMessageLocked(c, in)
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

// followUp answers POST /webhooks/{app}/{token}: a follow-up message. Discord needs
// the interaction acknowledged first; the first follow-up after a deferred response
// fills in the "thinking" message instead of posting a new one.
func (e *Emulator) followUp(c *call) {
	in := e.webhookInteraction(c)
	if in == nil {
		return
	}
	fields, ok := e.messageBody(c, OpExecuteWebhook)
	if !ok {
		return
	}
	if fields.empty() {
		c.fail(errEmptyMessage)
		return
	}
	e.mu.Lock()
	if !in.accepted {
		e.mu.Unlock()
		e.violate(ViolationUnknownReference, c.r.Method, c.r.URL.Path, "follow-up before acknowledgement")
		c.fail(errUnknownWebhook)
		return
	}
	msg := e.findLocked(e.opts.ChannelID, in.originalID)
	if msg != nil && msg.Flags&FlagLoading != 0 {
		fields.apply(msg, c.at, false)
		msg.Flags &^= FlagLoading
	} else {
		msg = e.newMessage(e.opts.ChannelID, fields, channelFlags|FlagEphemeral)
		msg.InteractionID, msg.Webhook = in.id, true
		if msg.Ephemeral() {
			msg.VisibleTo = in.userID
		}
		e.addLocked(msg)
	}
	e.notifyLocked()
	obj := e.apiObject(msg)
	e.mu.Unlock()

	e.checkMentions(c, fields.Content, fields.AllowedMentions)
	if !msg.Ephemeral() {
		e.dispatchAll("MESSAGE_CREATE", intentGuildMessages, obj)
	}
	if c.r.URL.Query().Get("wait") == "true" {
		c.reply(200, obj)
		return
	}
	c.noContent()
}
