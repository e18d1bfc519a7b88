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
	// FirstAnswer bounds how long a board from the last run keeps its content while
	// no service has answered yet; zero means two minutes.
	FirstAnswer time.Duration
	Ctx         context.Context
	Log         *slog.Logger
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
// deleted it. After a restart it keeps the board as it was until a service answers.
type BoardActor struct {
	cfg     BoardConfig
	key     string
	msgID   string
	sent    [32]byte // hash of the last content Discord accepted
	pending *Payload
	hash    [32]byte // hash of pending
	// waiting: no service had answered when pending was drawn (see hold).
	waiting bool
	// heldSince is when the board began to keep its old content; zero when not.
	heldSince time.Time
	busy      bool
	timer     *time.Timer
	holdTil   time.Time
	denied    bool // missing permission reported; waiting for a change
	sub       *eventstream.Subscription
	reposts   int
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
	// kept: msgID is a board found in the channel and left as it was.
	kept bool
	err  error
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
		// The store answered: draw it, unless no service has answered yet.
		pending, all := downloadsPending(m)
		b.show(c, func() Payload { return RenderDownloads(m, View{}, time.Time{}) }, pending, all)
	case messages.HealthBoard:
		// The store answered: draw it, unless no service has answered yet.
		pending, all := healthPendingCount(m)
		b.show(c, func() Payload { return RenderHealth(m, "", false, time.Time{}) }, pending, all)
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

// show draws a model in which pending of its services (all of them) have not
// answered yet, unless hold keeps the board as it was. While a service has not
// answered, the store is asked again within askAgain.
func (b *BoardActor) show(c actor.Context, render func() Payload, pending, all int) {
	waiting := all > 0 && pending == all
	if b.retiring || b.hold(c, waiting) {
		return
	}
	next := b.cfg.Interval
	if pending > 0 {
		next = min(next, askAgain)
	}
	b.draw(c, render(), waiting, next)
}

// draw queues p when it differs from what Discord shows, and sends it when nothing
// is in flight. The next redraw is scheduled in next either way.
func (b *BoardActor) draw(c actor.Context, p Payload, waiting bool, next time.Duration) {
	b.schedule(c, next)
	h := hashPayload(p)
	if h == b.sent && b.msgID != "" {
		b.pending = nil
		return
	}
	if len(p.Embeds) > 0 {
		p.Embeds[0].Timestamp = time.Now().UTC().Format(time.RFC3339)
	}
	b.pending, b.hash, b.waiting = &p, h, waiting
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
	p, h, id, stale, keep := *b.pending, b.hash, b.msgID, b.stale, b.waiting
	b.pending, b.busy = nil, true

	self, system, cfg, key := c.Self(), c.ActorSystem(), b.cfg, b.key
	go func() {
		ctx, cancel := context.WithTimeout(cfg.Ctx, 20*time.Second)
		defer cancel()
		newID, kept, err := publish(ctx, cfg, key, id, stale, p, keep)
		system.Root.Send(self, boardSent{msgID: newID, hash: h, kept: kept, err: err})
	}()
}

// publish edits message id, or, when id is empty, adopts the board discarr posted
// before (found in the channel, but never stale) or posts a new one. An adopted
// board is left as it was when keep says that p knows nothing yet (kept). The new ID
// is saved at once, before the actor hears of it, so that a stop in between cannot
// lose the board and post a second one.
func publish(ctx context.Context, cfg BoardConfig, key, id, stale string, p Payload,
	keep bool) (newID string, kept bool, err error) {
	if id == "" {
		if id = adopt(ctx, cfg, stale, p); id != "" && keep {
			return id, true, nil
		}
	}
	if id != "" {
		_, err := cfg.REST.EditMessage(ctx, cfg.Channel, id, p)
		if err == nil {
			metrics.CountBoardEdit(cfg.Board.Name())
		}
		return id, false, err
	}
	m, err := cfg.REST.CreateMessage(ctx, cfg.Channel, p)
	if err != nil {
		return "", false, err
	}
	metrics.CountBoardEdit(cfg.Board.Name())
	if err := cfg.State.SetBoard(key, m.ID); err != nil {
		cfg.Log.Error("save board message id", "board", cfg.Board.Name(), "err", err.Error())
	}
	return m.ID, false, nil
}

// settle records Discord's answer and decides what happens next.
func (b *BoardActor) settle(c actor.Context, m boardSent) {
	b.busy = false
	var api *APIError
	switch {
	case m.err == nil && m.kept:
		// Found in the channel, left as it was: the first real content edits it, and
		// content drawn meanwhile that knows nothing either is dropped.
		b.msgID = m.msgID
		b.persist()
		b.dropStale()
		if b.waiting {
			b.pending = nil
		}
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
