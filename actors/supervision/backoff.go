package supervision

import (
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// Restarts counts every restart a Backoff strategy has scheduled.
var Restarts atomic.Int64

// Backoff is a one-for-one restart strategy: a crashed child is restarted after a
// delay that doubles with each crash inside Window, from Initial up to Max. A child
// whose name GiveUp accepts is stopped instead once it crashed more than Limit times
// inside Window, and OnGiveUp is told; the others are restarted for ever, slowly.
//
// protoactor's own "exponential" strategy grows linearly and never gives up, which is
// why discarr has this one.
type Backoff struct {
	Initial, Max, Window time.Duration
	Limit                int
	GiveUp               func(child *actor.PID) bool
	OnGiveUp             func(child *actor.PID, reason any)
	Log                  *slog.Logger
}

// HandleFailure implements actor.SupervisorStrategy.
func (b *Backoff) HandleFailure(_ *actor.ActorSystem, sup actor.Supervisor, child *actor.PID,
	rs *actor.RestartStatistics, reason any, _ any) {
	if rs.NumberOfFailures(b.Window) == 0 {
		rs.Reset()
	}
	rs.Fail()
	n := rs.FailureCount()

	if b.Limit > 0 && n > b.Limit && b.GiveUp != nil && b.GiveUp(child) {
		b.Log.Error("actor kept crashing; giving up on it",
			"actor", child.GetId(), "crashes", n, "window", b.Window.String())
		sup.StopChildren(child)
		if b.OnGiveUp != nil {
			b.OnGiveUp(child, reason)
		}
		return
	}

	delay := b.delay(n)
	Restarts.Add(1)
	b.Log.Warn("restarting actor", "actor", child.GetId(), "crashes", n, "delay", delay.String())
	time.AfterFunc(delay, func() { sup.RestartChildren(child) })
}

// delay is Initial·2^(n-1), capped at Max.
func (b *Backoff) delay(n int) time.Duration {
	d := b.Initial
	for i := 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}
