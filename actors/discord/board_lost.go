package discord

import (
	"cmp"
	"context"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// The waits of a board while services have not answered yet.
const (
	// firstAnswerWait is how long a board from the last run keeps its content at
	// most, for services that never answer (their actors did not start, say).
	firstAnswerWait = 2 * time.Minute
	// askAgain is how soon the board asks the store again while a service has not
	// answered: the store answers at once, and only a change is sent to Discord.
	askAgain = time.Second
)

// hold keeps a board from the last run (its ID saved, or found in the channel) as it
// was while no service has answered yet, rather than replace what it showed with a
// board that knows nothing. As soon as one service answered, or a failed poll said
// why it did not, the board is drawn and names the services still awaited: a hung
// service cannot freeze it, and when every service hangs, their polls fail at the
// end of their budget. Services that neither answer nor fail (their actors did not
// start, say) are waited for FirstAnswer at most.
func (b *BoardActor) hold(c actor.Context, waiting bool) bool {
	if !waiting || b.msgID == "" {
		b.heldSince = time.Time{}
		return false
	}
	if b.heldSince.IsZero() {
		b.heldSince = time.Now()
		b.cfg.Log.Debug("board keeps its content until a service answers", "board", b.cfg.Board.Name())
	}
	if time.Since(b.heldSince) >= cmp.Or(b.cfg.FirstAnswer, firstAnswerWait) {
		return false
	}
	b.schedule(c, min(b.cfg.Interval, askAgain))
	return true
}

// replace forgets a message that is gone (deleted underneath, or too old to edit
// again) and posts a new one at once, once.
func (b *BoardActor) replace(c actor.Context, m boardSent, api *APIError) {
	old := b.msgID
	b.msgID, b.sent = "", [32]byte{}
	b.persist()
	b.reposts++
	if b.reposts > 3 {
		b.cfg.Log.Warn("board keeps disappearing; trying again at the next redraw", "board", b.cfg.Board.Name())
		return
	}
	if api.Code == CodeMaxOldEdits && old != "" {
		// Post the fresh one first, then delete this one: never no board, never two.
		b.cfg.Log.Info("board is too old to edit again; posting a fresh one", "board", b.cfg.Board.Name())
		b.stale = old
	} else {
		b.cfg.Log.Info("board message is gone; posting it again", "board", b.cfg.Board.Name(),
			"channel", b.cfg.Channel)
	}
	c.Send(c.Self(), Refresh{})
}

// deny reports once that the board channel does not exist or discarr may not post
// there, and stops sending until a restart or a reload brings a new configuration.
func (b *BoardActor) deny(api *APIError) {
	b.denied = true
	attrs := []any{"board", b.cfg.Board.Name(), "channel", b.cfg.Channel, "code", api.Code, "err", api.Message}
	if api.Code == CodeUnknownChannel {
		b.cfg.Log.Error("the board channel does not exist: check discord.channel_id", attrs...)
		return
	}
	b.cfg.Log.Error("discarr may not post in the board channel: grant it View Channel, "+
		"Send Messages, Embed Links and Read Message History there", attrs...)
}

// dropStale deletes the board that a fresh one replaced.
func (b *BoardActor) dropStale() {
	old := b.stale
	if old == "" || old == b.msgID {
		return
	}
	b.stale = ""
	b.deleteLater(old)
}

func (b *BoardActor) deleted(c actor.Context, m MessageDeleted) {
	if m.ChannelID != b.cfg.Channel || m.MessageID != b.msgID || b.msgID == "" {
		return
	}
	b.cfg.Log.Info("board message was deleted; posting it again", "board", b.cfg.Board.Name())
	b.msgID, b.sent = "", [32]byte{}
	b.persist()
	c.Send(c.Self(), Refresh{})
}

// retire deletes the board's messages, forgets them and stops. With a request in
// flight it waits for the answer, which may name a message just posted.
func (b *BoardActor) retire(c actor.Context) {
	b.retiring, b.pending = true, nil
	if b.busy {
		return
	}
	for _, id := range []string{b.msgID, b.stale} {
		if id != "" {
			b.deleteLater(id)
		}
	}
	b.msgID, b.stale = "", ""
	b.persist()
	c.Stop(c.Self())
}

// retired takes the answer that a retiring board waited for.
func (b *BoardActor) retired(c actor.Context, m boardSent) {
	b.busy = false
	if m.err == nil && m.msgID != "" {
		b.msgID = m.msgID
	}
	b.retire(c)
}

// deleteLater deletes a message of the board's channel in the background.
func (b *BoardActor) deleteLater(id string) {
	rest, ch, ctx := b.cfg.REST, b.cfg.Channel, b.cfg.Ctx
	go func() {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_ = rest.DeleteMessage(ctx, ch, id)
	}()
}

// adopt finds this board among the channel's recent messages by its author and
// title, for a state directory that was lost or never written. Errors mean "none".
func adopt(ctx context.Context, cfg BoardConfig, stale string, p Payload) string {
	if len(p.Embeds) == 0 {
		return ""
	}
	me, err := cfg.REST.Me(ctx)
	if err != nil {
		return ""
	}
	recent, err := cfg.REST.RecentMessages(ctx, cfg.Channel, 50)
	if err != nil {
		return ""
	}
	for _, m := range recent {
		if m.ID != stale && m.Author != nil && m.Author.ID == me.ID && len(m.Embeds) > 0 &&
			m.Embeds[0].Title == p.Embeds[0].Title {
			cfg.Log.Info("found the board in the channel", "board", cfg.Board.Name(), "message_id", m.ID)
			return m.ID
		}
	}
	return ""
}
