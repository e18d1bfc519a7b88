package supervision

import (
	"context"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// NewSystem returns an actor system that logs through log. protoactor's own chatter
// (dead letters, supervision events) goes out at Debug: discarr logs what matters to
// an admin itself.
func NewSystem(log *slog.Logger) *actor.ActorSystem {
	quiet := slog.New(levelShift{log.Handler()}).With("lib", "protoactor")
	return actor.NewActorSystem(
		actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return quiet }),
		actor.WithDeadLetterThrottleInterval(time.Minute),
		actor.WithDeadLetterThrottleCount(1),
		actor.WithDeadLetterRequestLogging(false),
	)
}

// levelShift lowers every record to Debug.
type levelShift struct{ slog.Handler }

func (h levelShift) Enabled(ctx context.Context, _ slog.Level) bool {
	return h.Handler.Enabled(ctx, slog.LevelDebug)
}

func (h levelShift) Handle(ctx context.Context, r slog.Record) error {
	r.Level = slog.LevelDebug
	return h.Handler.Handle(ctx, r)
}

func (h levelShift) WithAttrs(as []slog.Attr) slog.Handler {
	return levelShift{h.Handler.WithAttrs(as)}
}

func (h levelShift) WithGroup(name string) slog.Handler {
	return levelShift{h.Handler.WithGroup(name)}
}
