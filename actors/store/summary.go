package store

import (
	"slices"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/discarr/discarr/messages"
)

// The summary (messages.Summary) is kept cheap to publish: its health part is
// counted again only when a service's health changes, over the services (a few
// hundred at most), and its downloading part is counted by the background merge,
// which walks every download anyway. Receive itself never walks the downloads.

// countHealth counts the services down and unknown again, after a health change.
func (s *Store) countHealth() {
	var down []string
	unknown := 0
	for name, h := range s.health {
		if _, ok := s.kinds[name]; !ok {
			continue
		}
		switch {
		case h.Failed || h.State == messages.HealthCritical:
			down = append(down, name)
		case h.State == messages.HealthUnknown:
			unknown++
		}
	}
	slices.Sort(down)
	s.down, s.unknown = down, unknown
}

// countDownloading counts the rows of a merged board that are downloading, leaving
// out those of services whose last poll failed: their rows are what the service
// said before, not what it does now.
func countDownloading(b messages.DownloadsBoard) int {
	stale := map[string]bool{}
	for _, l := range b.Services {
		if l.Err != "" {
			stale[l.Service] = true
		}
	}
	n := 0
	for i := range b.Downloads {
		if b.Downloads[i].State == messages.StateDownloading && !stale[b.Downloads[i].Service] {
			n++
		}
	}
	return n
}

// publish puts the summary on the event stream when it differs from the one last
// published.
func (s *Store) publish(c actor.Context) {
	sum := messages.Summary{Services: len(s.kinds), Down: len(s.down), Unknown: s.unknown,
		Downloading: s.downloading}
	if p := s.published; p != nil && p.Services == sum.Services && p.Down == sum.Down &&
		p.Unknown == sum.Unknown && p.Downloading == sum.Downloading && slices.Equal(p.DownNames, s.down) {
		return
	}
	// The names are copied: the published value is shared with every subscriber.
	sum.DownNames = slices.Clone(s.down)
	s.published = &sum
	c.ActorSystem().EventStream.Publish(sum)
}
