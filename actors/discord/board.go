package discord

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/eventstream"

	"github.com/discarr/discarr/actors/metrics"
	"github.com/discarr/discarr/actors/state"
	"github.com/discarr/discarr/messages"
)

// BoardConfig configures the actor that owns one board message.
type BoardConfig struct {
	Board   Board
	Channel string
	REST    *REST
	Store   *actor.PID
	State   *state.File
	// Interval is how often the board is redrawn from the store.
	Interval time.Duration
	Ctx      context.Context
	Log      *slog.Logger
}

// Refresh asks a board actor to redraw now.
type Refresh struct{}

// Retire tells a board actor that its board moved to another channel: it deletes
// its message, forgets it and stops.
type Retire struct{}

// MessageDeleted is published on the actor system's event stream by the gateway
// when a message disappears from a channel.
type MessageDeleted struct{ ChannelID, MessageID string }

// BoardActor owns one public board message: its ID (persisted), the last content
// sent, and Discord's rate budget for it. It redraws on its interval, skips the edit
// when nothing changed, keeps at most one request in flight with only the newest
// content waiting (never a backlog), and posts the message again when someone
// deleted it.
type BoardActor struct {
	cfg     BoardConfig
	key     string
	msgID   string
	sent    [32]byte // hash of the last content Discord accepted
	pending *Payload
	hash    [32]byte // hash of pending
	busy    bool
	timer   *time.Timer
	holdTil time.Time
	denied  bool // missing permission reported; waiting for a change
	sub     *eventstream.Subscription
	reposts int
	// stale is a board Discord will not let us edit again (30046): it is deleted once
	// its replacement is posted, and never adopted.
	stale string
	// retiring: the board moved away and goes once its request in flight is answered.
	retiring bool
}

type boardTick struct{}

type boardSent struct {
	msgID string
	hash  [32]byte
	err   error
}

// NewBoard returns the producer of a board actor.
func NewBoard(cfg BoardConfig) actor.Producer {
	return func() actor.Actor {
		return &BoardActor{cfg: cfg, key: cfg.Channel + "/" + string(cfg.Board)}
	}
}

// Receive handles the board's messages.
func (b *BoardActor) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		// Pick up the message from the last run, and draw at once.
		b.start(c)
	case boardTick, Refresh:
		// Our interval, or somebody pressed refresh.
		c.Request(b.cfg.Store, b.query())
	case messages.DownloadsBoard:
		// The store answered: draw it.
		b.draw(c, RenderDownloads(m, View{Filter: messages.FilterAll}, time.Time{}))
	case messages.HealthBoard:
		// The store answered: draw it.
		b.draw(c, RenderHealth(m, "", false, time.Time{}))
	case boardSent:
		// Discord answered our create or edit.
		if b.retiring {
			b.retired(c, m)
			return
		}
		b.settle(c, m)
	case MessageDeleted:
		// Someone deleted a message in the channel; ours?
		b.deleted(c, m)
	case Retire:
		// The board moved to another channel.
		b.retire(c)
	case *actor.Stopping, *actor.Restarting:
		b.stop(c)
	}
}

func (b *BoardActor) query() any {
	if b.cfg.Board == BoardHealth {
		return messages.QueryHealth{}
	}
	return messages.QueryDownloads{}
}

func (b *BoardActor) start(c actor.Context) {
	b.msgID = b.cfg.State.Board(b.key)
	self, system := c.Self(), c.ActorSystem()
	b.sub = system.EventStream.Subscribe(func(evt any) {
		switch e := evt.(type) {
		case MessageDeleted:
			system.Root.Send(self, e)
		case RefreshBoards:
			system.Root.Send(self, Refresh{})
		}
	})
	c.Send(self, boardTick{})
}

func (b *BoardActor) stop(c actor.Context) {
	if b.timer != nil {
		b.timer.Stop()
	}
	if b.sub != nil {
		c.ActorSystem().EventStream.Unsubscribe(b.sub)
	}
}

// draw queues p when it differs from what Discord shows, and sends it when nothing
// is in flight. The next redraw is scheduled either way.
func (b *BoardActor) draw(c actor.Context, p Payload) {
	if b.retiring {
		return
	}
	b.schedule(c, b.cfg.Interval)
	h := hashPayload(p)
	if h == b.sent && b.msgID != "" {
		b.pending = nil
		return
	}
	if len(p.Embeds) > 0 {
		p.Embeds[0].Timestamp = time.Now().UTC().Format(time.RFC3339)
	}
	b.pending, b.hash = &p, h
	b.flush(c)
}

// flush sends the pending content unless a request is in flight or Discord asked
// us to wait.
func (b *BoardActor) flush(c actor.Context) {
	if b.busy || b.pending == nil || b.denied {
		return
	}
	if wait := time.Until(b.holdTil); wait > 0 {
		b.schedule(c, wait)
		return
	}
	p, h, id, stale := *b.pending, b.hash, b.msgID, b.stale
	b.pending, b.busy = nil, true

	self, system, cfg, key := c.Self(), c.ActorSystem(), b.cfg, b.key
	go func() {
		ctx, cancel := context.WithTimeout(cfg.Ctx, 20*time.Second)
		defer cancel()
		newID, err := publish(ctx, cfg, key, id, stale, p)
		system.Root.Send(self, boardSent{msgID: newID, hash: h, err: err})
	}()
}

// publish edits message id, or, when id is empty, adopts the board discarr posted
// before (found in the channel, but never stale) or posts a new one. The new ID is
// saved at once, before the actor hears of it, so that a stop in between cannot lose
// the board and post a second one.
func publish(ctx context.Context, cfg BoardConfig, key, id, stale string, p Payload) (string, error) {
	if id == "" {
		id = adopt(ctx, cfg, stale, p)
	}
	if id != "" {
		_, err := cfg.REST.EditMessage(ctx, cfg.Channel, id, p)
		if err == nil {
			metrics.CountBoardEdit(cfg.Board.Name())
		}
		return id, err
	}
	m, err := cfg.REST.CreateMessage(ctx, cfg.Channel, p)
	if err != nil {
		return "", err
	}
	metrics.CountBoardEdit(cfg.Board.Name())
	if err := cfg.State.SetBoard(key, m.ID); err != nil {
		cfg.Log.Error("save board message id", "board", cfg.Board.Name(), "err", err.Error())
	}
	return m.ID, nil
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

// settle records Discord's answer and decides what happens next.
func (b *BoardActor) settle(c actor.Context, m boardSent) {
	b.busy = false
	var api *APIError
	switch {
	case m.err == nil:
		b.cfg.Log.Debug("board updated", "board", b.cfg.Board.Name(), "message_id", m.msgID)
		b.sent, b.reposts = m.hash, 0
		if m.msgID != b.msgID {
			b.cfg.Log.Info("board posted", "board", b.cfg.Board.Name(), "channel", b.cfg.Channel,
				"message_id", m.msgID)
			b.msgID = m.msgID
			b.persist()
		}
		b.dropStale()
	case errors.As(m.err, &api) && (api.Code == CodeUnknownMessage || api.Code == CodeMaxOldEdits):
		// 30046 comes as a 429, but waiting does not help: the message must go.
		b.replace(c, m, api)
	case errors.As(m.err, &api) && api.Status == 429:
		// Wait what Discord said, then send only the newest content.
		b.holdTil = time.Now().Add(api.RetryAfter)
		b.requeue(m)
	case errors.As(m.err, &api) && (api.Code == CodeMissingPermissions || api.Code == CodeMissingAccess ||
		api.Code == CodeUnknownChannel):
		b.deny(api)
	default:
		b.cfg.Log.Warn("board update refused; retrying at the next redraw", "board",
			b.cfg.Board.Name(), "channel", b.cfg.Channel, "err", m.err.Error())
		b.sent = [32]byte{}
	}
	b.flush(c)
}

// requeue keeps the content that was refused unless newer content is waiting.
func (b *BoardActor) requeue(m boardSent) {
	if b.pending == nil {
		b.sent = [32]byte{} // force a redraw on the next tick
	}
}

func (b *BoardActor) persist() {
	if err := b.cfg.State.SetBoard(b.key, b.msgID); err != nil {
		b.cfg.Log.Error("save board message id", "board", b.cfg.Board.Name(), "err", err.Error())
	}
}

func (b *BoardActor) schedule(c actor.Context, d time.Duration) {
	if b.timer != nil {
		b.timer.Stop()
	}
	self, system := c.Self(), c.ActorSystem()
	b.timer = time.AfterFunc(d, func() { system.Root.Send(self, boardTick{}) })
}

func hashPayload(p Payload) [32]byte {
	raw, _ := json.Marshal(p)
	return sha256.Sum256(raw)
}
