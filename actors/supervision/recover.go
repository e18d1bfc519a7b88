package supervision

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
)

// Panics counts every panic the middleware has seen, for metrics and tests.
var Panics atomic.Int64

// Recover returns receiver middleware that logs a panic with the actor, the message
// type and the stack, then panics again so that the actor's supervisor still decides
// what happens next. protoactor itself never logs a panic's stack.
func Recover(log *slog.Logger) actor.ReceiverMiddleware {
	return func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(c actor.ReceiverContext, env *actor.MessageEnvelope) {
			defer func() {
				if r := recover(); r != nil {
					Panics.Add(1)
					log.Error("actor crashed; its supervisor restarts it",
						"actor", c.Self().GetId(),
						"message", fmt.Sprintf("%T", env.Message),
						"panic", fmt.Sprint(r),
						"stack", string(debug.Stack()))
					panic(r)
				}
			}()
			next(c, env)
		}
	}
}

// Props wraps a producer with discarr's middleware: every actor gets Recover.
func Props(log *slog.Logger, p actor.Producer, opts ...actor.PropsOption) *actor.Props {
	opts = append([]actor.PropsOption{actor.WithReceiverMiddleware(Recover(log))}, opts...)
	return actor.PropsFromProducer(p, opts...)
}
