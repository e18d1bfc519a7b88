package discord

import (
	"context"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

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

// deny reports a permission problem once, and stops sending until a restart or a
// reload brings a new configuration.
func (b *BoardActor) deny(api *APIError) {
	b.denied = true
	b.cfg.Log.Error("discarr may not post in the board channel: grant it View Channel, "+
		"Send Messages, Embed Links and Read Message History there",
		"board", b.cfg.Board.Name(), "channel", b.cfg.Channel, "code", api.Code, "err", api.Message)
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
