// Package watchdog keeps systemd's watchdog fed while discarr's own core actors
// answer, and tells systemd when discarr is ready, reloading or stopping (sd_notify).
//
// It pings the core actors only (the store, the gateway and the interactions actor),
// never a media service's actors: a Sonarr that hangs or a qBittorrent that crawls
// cannot starve the watchdog, so it can never get discarr restarted. Only a wedged
// core does, which is what a restart can fix.
package watchdog

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/coreos/go-systemd/v22/daemon"

	"github.com/discarr/discarr/messages"
)

// DefaultDeadline is how long each core actor has to answer one ping.
const DefaultDeadline = 2 * time.Second

// Config says what the watchdog pings, how often, and where it reports.
type Config struct {
	// Core are the actors that must all answer messages.Ping with messages.Pong for
	// discarr to count as alive. A nil entry is an actor that never started.
	Core []*actor.PID
	// Deadline bounds each ping; 0 means DefaultDeadline.
	Deadline time.Duration
	// Interval is the time between two rounds of pings. 0 means half the WatchdogSec=
	// systemd announced in WATCHDOG_USEC, and no watchdog at all when it announced none.
	Interval time.Duration
	// Status returns the text of the STATUS= line that systemctl status shows; it is
	// called once per round from the watchdog's goroutine and sent when it changed.
	// May be nil.
	Status func() string
	// Log receives a warning when a core actor stops answering. nil discards.
	Log *slog.Logger
	// Notify sends one sd_notify message; nil means daemon.SdNotify to $NOTIFY_SOCKET.
	Notify func(state string) error
}

// Start runs the watchdog until stop is called: at once and then every Interval it
// pings every core actor, sends WATCHDOG=1 only when all of them answered within the
// Deadline, and sends STATUS= when the status text changed. While a core actor is
// silent the status names it. stop waits for the watchdog to end and may be called
// more than once. With no Interval (systemd runs discarr without a watchdog, or not
// at all) Start does nothing.
func Start(system *actor.ActorSystem, cfg Config) (stop func()) {
	cfg = withDefaults(cfg)
	if cfg.Interval <= 0 {
		cfg.Log.Debug("watchdog off: systemd announced no WatchdogSec")
		return func() {}
	}
	w := &watchdog{cfg: cfg, root: system.Root, silent: map[int]time.Time{}}
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		w.run(done)
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			<-exited
		})
	}
}

// withDefaults fills what the caller left zero.
func withDefaults(cfg Config) Config {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Notify == nil {
		cfg.Notify = sdNotify
	}
	if cfg.Deadline <= 0 {
		cfg.Deadline = DefaultDeadline
	}
	if cfg.Interval == 0 {
		d, err := daemon.SdWatchdogEnabled(false)
		if err != nil {
			cfg.Log.Warn("watchdog off: unreadable WATCHDOG_USEC", "err", err.Error())
		}
		cfg.Interval = d / 2
	}
	return cfg
}

// watchdog is the state of one running watchdog, owned by its goroutine.
type watchdog struct {
	cfg  Config
	root *actor.RootContext
	// silent maps the index of each core actor that did not answer the last round
	// to when it first did not.
	silent map[int]time.Time
	// status is the STATUS= text last sent; notifyErr the sd_notify error last logged.
	status, notifyErr string
}

// miss is a core actor that did not answer a ping.
type miss struct {
	index int
	err   error
}

func (w *watchdog) run(done <-chan struct{}) {
	tick := time.NewTicker(w.cfg.Interval)
	defer tick.Stop()
	for {
		if !w.round(done) {
			return
		}
		select {
		case <-done:
			return
		case <-tick.C:
		}
	}
}

// round pings the core and reports to systemd; false when stopped meanwhile.
func (w *watchdog) round(done <-chan struct{}) bool {
	misses, ok := w.ping(done)
	if !ok {
		return false
	}
	w.track(misses)
	if len(misses) == 0 {
		w.notify(daemon.SdNotifyWatchdog)
	}
	w.sendStatus(misses)
	return true
}

// ping asks every core actor at once and returns those that did not answer, in the
// order of Config.Core. A round lasts at most one Deadline.
func (w *watchdog) ping(done <-chan struct{}) ([]miss, bool) {
	// Buffered, so that askers still waiting when the watchdog stops can finish.
	answers := make(chan miss, len(w.cfg.Core))
	for i, pid := range w.cfg.Core {
		go func() { answers <- miss{index: i, err: w.ask(pid)} }()
	}
	var misses []miss
	for range w.cfg.Core {
		select {
		case <-done:
			return nil, false
		case a := <-answers:
			if a.err != nil {
				misses = append(misses, a)
			}
		}
	}
	slices.SortFunc(misses, func(a, b miss) int { return a.index - b.index })
	return misses, true
}

// ask pings one core actor and waits for its Pong.
func (w *watchdog) ask(pid *actor.PID) error {
	if pid == nil {
		return errors.New("never started")
	}
	res, err := w.root.RequestFuture(pid, messages.Ping{}, w.cfg.Deadline).Result()
	if err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	switch res.(type) {
	case messages.Pong, *messages.Pong:
		return nil
	}
	return fmt.Errorf("ping answered with %T, want messages.Pong", res)
}

// track logs each core actor that stops answering once, when it stops, and the
// end of the episode when the whole core answers again.
func (w *watchdog) track(misses []miss) {
	now := time.Now()
	wasSilent := len(w.silent) > 0
	current := map[int]time.Time{}
	for _, m := range misses {
		since, known := w.silent[m.index]
		if !known {
			since = now
			w.cfg.Log.Warn("core actor not answering; systemd watchdog not fed",
				"actor", w.name(m.index), "deadline", w.cfg.Deadline.String(), "err", m.err.Error())
		}
		current[m.index] = since
	}
	if wasSilent && len(current) == 0 {
		var first time.Time
		for _, since := range w.silent {
			if first.IsZero() || since.Before(first) {
				first = since
			}
		}
		w.cfg.Log.Info("core actors answer again; systemd watchdog fed",
			"silent_for", now.Sub(first).Round(time.Millisecond).String())
	}
	w.silent = current
}

// sendStatus sends STATUS= when the text changed: the caller's status, followed by
// the core actors that did not answer this round.
func (w *watchdog) sendStatus(misses []miss) {
	var text string
	if w.cfg.Status != nil {
		text = w.cfg.Status()
	}
	if len(misses) > 0 {
		names := make([]string, len(misses))
		for i, m := range misses {
			names[i] = w.name(m.index)
		}
		text = strings.TrimPrefix(text+"; not answering: "+strings.Join(names, ", "), "; ")
	}
	text = oneLine(text)
	if text == w.status {
		return
	}
	w.status = text
	w.notify("STATUS=" + text)
}

// notify sends one message, logging a failure once until a send succeeds again.
func (w *watchdog) notify(state string) {
	err := w.cfg.Notify(state)
	if err == nil {
		w.notifyErr = ""
		return
	}
	if err.Error() != w.notifyErr {
		w.notifyErr = err.Error()
		w.cfg.Log.Warn("notify systemd", "err", err.Error())
	}
}

// name is how logs and the status name the i-th core actor.
func (w *watchdog) name(i int) string {
	if pid := w.cfg.Core[i]; pid != nil {
		return pid.GetId()
	}
	return fmt.Sprintf("core actor %d", i)
}
