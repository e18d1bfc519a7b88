package service

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/discarr/discarr/actors/metrics"
	"github.com/discarr/discarr/actors/supervision"
	"github.com/discarr/discarr/messages"
)

// ActorConfig configures the actor that owns one service's queue polling.
type ActorConfig struct {
	Name, Kind string
	Client     Client
	// Interval between the end of one poll and the start of the next; Timeout bounds
	// each poll.
	Interval, Timeout time.Duration
	// Store receives every Snapshot.
	Store *actor.PID
	// Ctx is cancelled when discarr stops: every call in flight ends with it.
	Ctx context.Context
	Log *slog.Logger
}

// Actor polls one service's queue and sends each Snapshot to the store. The call runs
// in a goroutine of its own under a deadline, so the actor keeps answering while a
// backend hangs; one call is in flight at a time, and the next is scheduled when it
// ends, further apart while the service keeps failing.
type Actor struct {
	cfg      ActorConfig
	inFlight *poll
	timer    *time.Timer
	failures int
	polls    int
	errs     int
	waiters  []*actor.PID
	last     *lastPoll
	// again: fresh data was asked for while a poll was in flight; when that poll
	// fails, the next starts at once instead of after the back-off.
	again bool
}

// lastPoll is the outcome of the last poll, for askers within MinPollGap.
type lastPoll struct {
	end     time.Time
	outcome messages.Polled
}

// poll is the call in flight.
type poll struct {
	id      uint64
	started time.Time
	cancel  context.CancelFunc
}

// tick starts a poll when none is in flight.
type tick struct{}

// pollDone carries a poll's outcome back into the actor.
type pollDone struct {
	id   uint64
	snap messages.Snapshot
	err  error
}

var pollIDs atomic.Uint64

// NewActor returns the producer of a service actor.
func NewActor(cfg ActorConfig) actor.Producer {
	return func() actor.Actor { return &Actor{cfg: cfg} }
}

// Receive handles the actor's messages.
func (a *Actor) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *actor.Started:
		// First poll at once: the boards want data as soon as discarr starts.
		a.start(c)
	case tick:
		// Our own timer: time for the next poll.
		a.start(c)
	case pollDone:
		// A poll ended, well or badly.
		a.finish(c, m)
	case messages.PollNow:
		// Somebody (/refresh, a button, a probe that saw recovery) wants fresh data.
		a.pollNow(c)
	case supervision.Crashed:
		// The client panicked in its goroutine: crash here, so we are restarted.
		panic(m)
	case messages.ServiceStatus:
		// Answered at once, even while a poll hangs.
		c.Respond(a.status())
	case *actor.Stopping, *actor.Restarting:
		// Leave nothing behind: no timer, no call in flight.
		a.stop()
	}
}

// pollNow polls at once, unless a poll ended less than MinPollGap ago: then the
// asker gets that poll's outcome.
func (a *Actor) pollNow(c actor.Context) {
	if a.inFlight == nil && a.last != nil && time.Since(a.last.end) < MinPollGap {
		if c.Sender() != nil {
			c.Respond(a.last.outcome)
		}
		return
	}
	if c.Sender() != nil {
		a.waiters = append(a.waiters, c.Sender())
	}
	a.again = a.inFlight != nil
	a.start(c)
}

// start begins a poll unless one is in flight.
func (a *Actor) start(c actor.Context) {
	if a.inFlight != nil {
		return
	}
	if a.timer != nil {
		a.timer.Stop()
	}
	ctx, cancel := context.WithTimeout(a.cfg.Ctx, PollBudget(a.cfg.Timeout))
	p := &poll{id: pollIDs.Add(1), started: time.Now(), cancel: cancel}
	a.inFlight = p

	self, system, client := c.Self(), c.ActorSystem(), a.cfg.Client
	supervision.Go(system, self, func() any {
		defer cancel()
		snap, err := client.Poll(ctx)
		return pollDone{id: p.id, snap: snap, err: err}
	})
}

// finish reports a poll's outcome and schedules the next.
func (a *Actor) finish(c actor.Context, m pollDone) {
	if a.inFlight == nil || a.inFlight.id != m.id {
		return // a poll from before a restart
	}
	latency := time.Since(a.inFlight.started)
	a.inFlight = nil
	a.polls++
	metrics.ObservePoll(a.cfg.Name, a.cfg.Kind, latency, m.err != nil)

	snap := m.snap
	snap.Service, snap.Kind, snap.Latency = a.cfg.Name, a.cfg.Kind, latency
	if snap.At.IsZero() {
		snap.At = time.Now()
	}
	if m.err != nil {
		a.errs++
		a.failures++
		snap = messages.Snapshot{Service: a.cfg.Name, Kind: a.cfg.Kind, At: time.Now(),
			Err: Describe(m.err, PollBudget(a.cfg.Timeout)), Latency: latency}
		a.cfg.Log.Debug("poll failed", "service", a.cfg.Name, "err", snap.Err,
			"failures", a.failures)
	} else {
		a.failures = 0
		a.cfg.Log.Debug("polled", "service", a.cfg.Name, "downloads", len(snap.Downloads),
			"latency_ms", latency.Milliseconds())
	}
	c.Send(a.cfg.Store, snap)

	outcome := messages.Polled{Service: a.cfg.Name, Err: snap.Err, Latency: latency}
	a.last = &lastPoll{end: time.Now(), outcome: outcome}
	for _, w := range a.waiters {
		c.Send(w, outcome)
	}
	a.waiters = nil

	if again := a.again; again && m.err != nil {
		// Asked while a (hung) poll was under way, as a probe does when it sees the
		// service back: that poll's failure is old news.
		a.again = false
		a.start(c)
		return
	}
	a.again = false
	self, system := c.Self(), c.ActorSystem()
	a.timer = time.AfterFunc(a.nextDelay(), func() { system.Root.Send(self, tick{}) })
}

// nextDelay is the interval, doubled for each consecutive failure up to eight times
// the interval or five minutes, whichever is longer than the interval. A probe that
// sees the service recover asks for a poll at once, so the board catches up within
// one probe interval anyway.
func (a *Actor) nextDelay() time.Duration {
	d := a.cfg.Interval
	for i := 1; i < a.failures && i <= 3; i++ {
		d *= 2
	}
	return min(d, max(a.cfg.Interval, 5*time.Minute))
}

func (a *Actor) status() messages.ServiceState {
	s := messages.ServiceState{Service: a.cfg.Name, Kind: a.cfg.Kind, Polls: a.polls, Errors: a.errs}
	if a.inFlight != nil {
		s.InFlightSince = a.inFlight.started
	}
	return s
}

func (a *Actor) stop() {
	if a.timer != nil {
		a.timer.Stop()
	}
	if a.inFlight != nil {
		a.inFlight.cancel()
		a.inFlight = nil
	}
}

// PollBudget bounds one whole poll or probe: Timeout bounds each call the client
// makes, and a poll is a few calls (a login, several queue pages).
func PollBudget(timeout time.Duration) time.Duration { return 4 * timeout }

// MinPollGap is the least time between the end of one poll and a poll somebody
// asked for: a button anyone may press must not hammer the backends. Within it the
// asker gets the last poll's outcome.
const MinPollGap = 5 * time.Second

// Describe turns a client error into words for the boards: the client's own summary
// where it has one, else the error text, with a deadline named as a timeout.
func Describe(err error, timeout time.Duration) string {
	var s interface{ Summary() string }
	if errors.As(err, &s) {
		return s.Summary()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out after " + timeout.String()
	}
	if errors.Is(err, context.Canceled) {
		return "stopped"
	}
	return err.Error()
}
