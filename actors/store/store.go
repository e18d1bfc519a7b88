// Package store owns the store actor: the latest snapshot and health of every
// service, and the board models derived from them. It does no I/O and answers every
// query at once, which is what lets interactions be acknowledged in milliseconds
// whatever the media services do.
package store

import (
	"maps"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/discarr/discarr/actors/supervision"
	"github.com/discarr/discarr/messages"
)

// Store is the store actor.
type Store struct {
	kinds  map[string]string // configured services: name → kind
	snaps  map[string]messages.Snapshot
	stale  map[string]StaleInfo
	health map[string]messages.Health

	// downloads is the last merged board. After a change it is merged again in a
	// goroutine of its own, at most every mergeSpacing, while queries are answered
	// with the previous one: with hundreds of services a merge takes milliseconds,
	// and interactions must not wait for it.
	downloads *messages.DownloadsBoard
	dirty     bool
	merging   bool
	lastMerge time.Time
	spacing   time.Duration
	board     *messages.HealthBoard
	now       func() time.Time

	// The summary's parts, kept up to date as health and merges come in, and the
	// summary last published; see summary.go.
	down        []string
	unknown     int
	downloading int
	published   *messages.Summary
}

// stillDrift is how far the ETA of a download that does not move may drift before
// the boards show it.
const stillDrift = 15 * time.Minute

// mergeSpacing is the least time between the starts of two merges; a merge that
// took long spaces the next further out (mergeShare), so that merging never takes
// more than a twentieth of a core however large the homelab.
const (
	mergeSpacing = 250 * time.Millisecond
	mergeShare   = 20
)

// merged carries a finished merge back into the store.
type merged struct {
	board       messages.DownloadsBoard
	downloading int
	took        time.Duration
}

// mergeNow starts a merge that was waiting for mergeSpacing.
type mergeNow struct{}

// New returns the producer of the store actor.
func New() actor.Producer {
	return func() actor.Actor {
		return &Store{
			kinds:  map[string]string{},
			snaps:  map[string]messages.Snapshot{},
			stale:  map[string]StaleInfo{},
			health: map[string]messages.Health{},
			now:    time.Now,
		}
	}
}

// Receive handles the store's messages.
func (s *Store) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case messages.ServicesChanged:
		// Start or reload: forget services that are gone, expect the new ones.
		s.setServices(m.Services)
		s.merge(c)
		s.publish(c)
	case messages.Snapshot:
		// A service actor finished a poll.
		s.addSnapshot(m)
		s.merge(c)
	case merged:
		// A background merge finished.
		s.downloads, s.merging, s.lastMerge = &m.board, false, s.now()
		s.downloading = m.downloading
		s.spacing = max(mergeSpacing, m.took*mergeShare)
		s.merge(c)
		s.publish(c)
	case supervision.Crashed:
		// A background merge panicked: crash here, so the supervisor restarts us.
		panic(m)
	case mergeNow:
		// The spacing between merges has passed.
		s.merging = false
		s.merge(c)
	case messages.Health:
		// A probe actor finished a probe.
		s.addHealth(m)
		s.publish(c)
	case messages.ServiceFailed:
		// The supervisor gave up on a service's actors.
		s.markFailed(m)
		s.publish(c)
	case messages.QueryDownloads:
		// A board or an interaction wants the downloads model.
		c.Respond(s.downloadsBoard())
		s.publish(c)
	case messages.QueryHealth:
		// A board or an interaction wants the health model.
		c.Respond(s.healthBoard())
	case messages.Ping:
		// The watchdog checks that the core answers.
		c.Respond(messages.Pong{})
	}
}

func (s *Store) setServices(kinds map[string]string) {
	s.kinds = kinds
	for name := range s.snaps {
		if _, ok := kinds[name]; !ok {
			delete(s.snaps, name)
			delete(s.stale, name)
		}
	}
	for name := range s.health {
		if _, ok := kinds[name]; !ok {
			delete(s.health, name)
		}
	}
	for name, kind := range kinds {
		if _, ok := s.health[name]; !ok {
			s.health[name] = messages.Health{Service: name, Kind: kind, Since: s.now()}
		}
	}
	s.changed()
	s.countHealth()
}

func (s *Store) addSnapshot(m messages.Snapshot) {
	if _, ok := s.kinds[m.Service]; !ok {
		return // from a service removed by a reload
	}
	if m.Err == "" {
		if old, ok := s.snaps[m.Service]; ok {
			steadyETAs(m.Downloads, old.Downloads, m.At)
		}
		s.snaps[m.Service] = m
		delete(s.stale, m.Service)
		s.changed()
		return
	}
	info := StaleInfo{Err: m.Err, Polled: m.At}
	if last, ok := s.snaps[m.Service]; ok {
		info.Since = last.At
	}
	if old, ok := s.stale[m.Service]; ok && old.Err == info.Err && old.Since.Equal(info.Since) {
		return // the same failure again: nothing to redraw
	}
	s.stale[m.Service] = info
	s.changed()
}

func (s *Store) addHealth(m messages.Health) {
	if _, ok := s.kinds[m.Service]; !ok {
		return
	}
	if old, ok := s.health[m.Service]; ok && old.Failed {
		m.Failed = true // a restart does not erase that we gave up before
	}
	s.health[m.Service] = m
	s.board = nil
	s.countHealth()
}

func (s *Store) markFailed(m messages.ServiceFailed) {
	h := s.health[m.Service]
	if h.Since.IsZero() || h.State != messages.HealthCritical {
		h.Since = m.At
	}
	h.Service, h.Kind = m.Service, m.Kind
	h.State, h.Failed, h.Err = messages.HealthCritical, true, m.Reason
	s.health[m.Service] = h
	s.board = nil
	s.countHealth()
	// No poll will come: the downloads board shows the service failing, not waiting.
	s.addSnapshot(messages.Snapshot{Service: m.Service, Kind: m.Kind, At: m.At, Err: m.Reason})
}

func (s *Store) changed() {
	s.dirty, s.board = true, nil
}

// merge starts a background merge when something changed and none is running.
func (s *Store) merge(c actor.Context) {
	if !s.dirty || s.merging || s.downloads == nil {
		return // the first board is merged on demand
	}
	s.merging = true
	self, system := c.Self(), c.ActorSystem()
	if wait := max(s.spacing, mergeSpacing) - s.now().Sub(s.lastMerge); wait > 0 {
		time.AfterFunc(wait, func() { system.Root.Send(self, mergeNow{}) })
		return
	}
	s.dirty = false
	snaps, stale, now := s.snapsWithPending(), maps.Clone(s.stale), s.now()
	supervision.Go(system, self, func() any {
		began := time.Now()
		b := Merge(snaps, stale, now)
		n := countDownloading(b)
		return merged{board: b, downloading: n, took: time.Since(began)}
	})
}

func (s *Store) downloadsBoard() messages.DownloadsBoard {
	if s.downloads == nil {
		b := Merge(s.snapsWithPending(), s.stale, s.now())
		s.downloads, s.dirty, s.lastMerge = &b, false, s.now()
		s.downloading = countDownloading(b)
	}
	return *s.downloads
}

// snapsWithPending adds an empty snapshot for services not yet polled, so that the
// board lists every configured service from the start.
func (s *Store) snapsWithPending() map[string]messages.Snapshot {
	all := make(map[string]messages.Snapshot, len(s.kinds))
	for name, kind := range s.kinds {
		if snap, ok := s.snaps[name]; ok {
			all[name] = snap
			continue
		}
		all[name] = messages.Snapshot{Service: name, Kind: kind}
	}
	return all
}

func (s *Store) healthBoard() messages.HealthBoard {
	if s.board == nil {
		b := HealthBoard(s.health, s.now())
		s.board = &b
	}
	return *s.board
}

// steadyETAs keeps a download's previous ETA when the new one is close to it, or
// when no byte moved since the last poll. A service reports time left, not a finish
// time, so the ETA of a download moving at a steady pace wobbles by seconds from poll
// to poll, and that of a download that did not move at all drifts later by the time
// between polls; without this the boards would be edited for changes nobody can use.
// Close means within two minutes or a tenth of the time left, whichever is more.
//
// A download that stays still for long is shown its drifting ETA again once that
// drifted by stillDrift: by then "in 3 minutes" would mislead.
func steadyETAs(next, prev []messages.Download, now time.Time) {
	if len(prev) == 0 {
		return
	}
	type was struct {
		eta  time.Time
		left int64
	}
	before := make(map[string]was, len(prev))
	for _, d := range prev {
		if d.ETA.Kind == messages.ETAKnown {
			before[d.Key] = was{d.ETA.At, d.Left}
		}
	}
	for i := range next {
		d := &next[i]
		old, ok := before[d.Key]
		if !ok || d.ETA.Kind != messages.ETAKnown {
			continue
		}
		slack := max(2*time.Minute, old.eta.Sub(now)/10)
		diff := d.ETA.At.Sub(old.eta)
		still := d.Left == old.left && d.Left > 0 && diff < stillDrift
		if (diff > -slack && diff < slack) || still {
			d.ETA.At = old.eta
		}
	}
}
