package store_test

import (
	"log/slog"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/store"
	"github.com/discarr/discarr/actors/supervision"
	"github.com/discarr/discarr/messages"
)

// summaries records every messages.Summary published on an actor system.
type summaries struct {
	mu  sync.Mutex
	all []messages.Summary
}

func (r *summaries) add(evt any) {
	if s, ok := evt.(messages.Summary); ok {
		r.mu.Lock()
		r.all = append(r.all, s)
		r.mu.Unlock()
	}
}

func (r *summaries) list() []messages.Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]messages.Summary(nil), r.all...)
}

func (r *summaries) last() (messages.Summary, bool) {
	all := r.list()
	if len(all) == 0 {
		return messages.Summary{}, false
	}
	return all[len(all)-1], true
}

func TestStorePublishesTheSummaryOnlyWhenItChanges(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.DiscardHandler)
	system := supervision.NewSystem(log)
	got := &summaries{}
	sub := system.EventStream.Subscribe(got.add)
	t.Cleanup(func() { system.EventStream.Unsubscribe(sub) })
	pid := system.Root.Spawn(supervision.Props(log, store.New()))
	kinds := map[string]string{"qbit": "qbittorrent", "radarr": "radarr", "sonarr": "sonarr"}
	health := func(service string, st messages.HealthState) messages.Health {
		return messages.Health{Service: service, Kind: kinds[service], State: st, CheckedAt: t0}
	}
	// Sonarr's record and qBittorrent's torrent abcdef are one download.
	qbitSnap := snap("qbit", "qbittorrent",
		qbitTorrent("qbit", "abcdef", messages.StateDownloading),
		qbitTorrent("qbit", "123456", messages.StateDownloading),
		qbitTorrent("qbit", "fedcba", messages.StatePaused))
	sonarrSnap := snap("sonarr", "sonarr", sonarrRecord(1, "ABCDEF", messages.StateDownloading))
	failedPoll := messages.Snapshot{Service: "qbit", Kind: "qbittorrent", At: t0.Add(time.Minute),
		Err: "connection refused"}

	for _, step := range []struct {
		name string
		send []any
		want messages.Summary
	}{
		{"services configured, none probed", []any{messages.ServicesChanged{Services: kinds}},
			messages.Summary{Services: 3, Unknown: 3}},
		{"every probe answers", []any{health("qbit", messages.HealthOK),
			health("radarr", messages.HealthWarning), health("sonarr", messages.HealthOK)},
			messages.Summary{Services: 3}},
		{"downloads counted once each, from the board", []any{qbitSnap, sonarrSnap,
			messages.QueryDownloads{}},
			messages.Summary{Services: 3, Downloading: 2}},
		{"a service goes critical", []any{health("sonarr", messages.HealthCritical)},
			messages.Summary{Services: 3, Down: 1, DownNames: []string{"sonarr"}, Downloading: 2}},
		{"the same probe again", []any{health("sonarr", messages.HealthCritical)},
			messages.Summary{Services: 3, Down: 1, DownNames: []string{"sonarr"}, Downloading: 2}},
		{"a service given up on", []any{messages.ServiceFailed{Service: "radarr", Kind: "radarr",
			Reason: "crashed", At: t0}},
			messages.Summary{Services: 3, Down: 2, DownNames: []string{"radarr", "sonarr"}, Downloading: 2}},
		{"a service whose poll failed no longer counts its old rows", []any{failedPoll},
			messages.Summary{Services: 3, Down: 2, DownNames: []string{"radarr", "sonarr"}, Downloading: 1}},
		{"given up on stays down when a probe answers", []any{health("radarr", messages.HealthOK)},
			messages.Summary{Services: 3, Down: 2, DownNames: []string{"radarr", "sonarr"}, Downloading: 1}},
		{"a reload removes sonarr", []any{messages.ServicesChanged{Services: map[string]string{
			"qbit": "qbittorrent", "radarr": "radarr"}}},
			messages.Summary{Services: 2, Down: 1, DownNames: []string{"radarr"}}},
		{"qbit recovers with nothing downloading", []any{snap("qbit", "qbittorrent",
			qbitTorrent("qbit", "fedcba", messages.StatePaused))},
			messages.Summary{Services: 2, Down: 1, DownNames: []string{"radarr"}}},
	} {
		for _, m := range step.send {
			system.Root.Send(pid, m)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			last, ok := got.last()
			if ok && reflect.DeepEqual(last, step.want) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: last summary %+v, want %+v", step.name, last, step.want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	// Everything sent was handled once Ping is answered; no summary repeats its
	// predecessor.
	if _, err := system.Root.RequestFuture(pid, messages.Ping{}, 5*time.Second).Result(); err != nil {
		t.Fatalf("ping: %v", err)
	}
	all := got.list()
	for i := 1; i < len(all); i++ {
		if reflect.DeepEqual(all[i], all[i-1]) {
			t.Errorf("summary %d repeats the one before: %+v", i, all[i])
		}
	}
}
