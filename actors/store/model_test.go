package store_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/store"
	"github.com/discarr/discarr/messages"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func sonarrRecord(id int, hash string, st messages.State) messages.Download {
	return messages.Download{Key: fmt.Sprintf("sonarr/%d", id), Service: "sonarr", Kind: "sonarr",
		ClientID: hash, Title: fmt.Sprintf("Show S01E%02d", id), Release: "Show.S01.1080p.WEB-GRP",
		Media: messages.MediaTV, Protocol: "torrent", Client: "qBittorrent", State: st,
		RawState: "downloading", Size: 1000, Left: 1000}
}

func qbitTorrent(service, hash string, st messages.State) messages.Download {
	return messages.Download{Key: service + "/" + hash, Service: service, Kind: "qbittorrent",
		ClientID: hash, Title: "Show.S01.1080p.WEB-GRP", Protocol: "torrent", State: st,
		RawState: "qbit:" + string(st), Size: 2000, Left: 500, Speed: 4096,
		ETA: messages.KnownETA(t0.Add(time.Hour))}
}

func snap(service, kind string, ds ...messages.Download) messages.Snapshot {
	return messages.Snapshot{Service: service, Kind: kind, At: t0, Downloads: ds, Total: len(ds)}
}

func TestMergeJoinsArrRecordWithClientItemByCaseInsensitiveID(t *testing.T) {
	t.Parallel()
	snaps := map[string]messages.Snapshot{
		"sonarr": snap("sonarr", "sonarr", sonarrRecord(1, "ABCDEF", messages.StateDownloading)),
		"qbit":   snap("qbit", "qbittorrent", qbitTorrent("qbit", "abcdef", messages.StateMetadata)),
	}
	b := store.Merge(snaps, nil, t0)
	if len(b.Downloads) != 1 {
		t.Fatalf("got %d rows, want one joined row: %+v", len(b.Downloads), b.Downloads)
	}
	d := b.Downloads[0]
	want := sonarrRecord(1, "ABCDEF", messages.StateMetadata)
	want.RawState = "qbit:metadata"
	want.Size, want.Left, want.Speed = 2000, 500, 4096
	want.ETA = messages.KnownETA(t0.Add(time.Hour))
	if !reflect.DeepEqual(d, want) {
		t.Errorf("joined row\n got %+v\nwant %+v", d, want)
	}
	if !b.At.Equal(t0) {
		t.Errorf("At = %v, want %v", b.At, t0)
	}
}

func TestMergeStatePrecedence(t *testing.T) {
	t.Parallel()
	S := func(s messages.State) messages.State { return s }
	tests := []struct {
		arr, client, want messages.State
		warning           bool
	}{
		{S(messages.StateDownloading), messages.StateStalled, messages.StateStalled, false},
		{S(messages.StateDownloading), messages.StateChecking, messages.StateChecking, false},
		{S(messages.StateQueued), messages.StatePaused, messages.StatePaused, false},
		{S(messages.StateQueued), messages.StateMetadata, messages.StateMetadata, false},
		{S(messages.StateImportBlocked), messages.StateSeeding, messages.StateImportBlocked, false},
		{S(messages.StateImportBlocked), messages.StateCompleted, messages.StateImportBlocked, false},
		{S(messages.StateImporting), messages.StateSeeding, messages.StateImporting, false},
		{S(messages.StateFailed), messages.StateSeeding, messages.StateFailed, false},
		{S(messages.StateFailed), messages.StateDownloading, messages.StateFailed, false},
		// Still transferring although the *arr app already complains: show the
		// transfer, flag the warning.
		{S(messages.StateImportBlocked), messages.StateDownloading, messages.StateDownloading, true},
		{S(messages.StateDownloading), messages.StateUnknown, messages.StateDownloading, false},
		{S(messages.StateDownloading), messages.StateSeeding, messages.StateSeeding, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s+%s", tt.arr, tt.client), func(t *testing.T) {
			t.Parallel()
			snaps := map[string]messages.Snapshot{
				"sonarr": snap("sonarr", "sonarr", sonarrRecord(1, "h1", tt.arr)),
				"qbit":   snap("qbit", "qbittorrent", qbitTorrent("qbit", "H1", tt.client)),
			}
			b := store.Merge(snaps, nil, t0)
			if len(b.Downloads) != 1 {
				t.Fatalf("got %d rows, want 1", len(b.Downloads))
			}
			if got := b.Downloads[0]; got.State != tt.want || got.Warning != tt.warning {
				t.Errorf("state %s warning %v, want %s warning %v", got.State, got.Warning, tt.want, tt.warning)
			}
		})
	}
}

func TestMergeKeepsUnmatchedRowsOfBothSides(t *testing.T) {
	t.Parallel()
	usenet := sonarrRecord(2, "SABnzbd_nzo_1", messages.StateQueued)
	noID := sonarrRecord(3, "", messages.StateQueued)
	snaps := map[string]messages.Snapshot{
		"sonarr": snap("sonarr", "sonarr", sonarrRecord(1, "h1", messages.StateDownloading), usenet, noID),
		"qbit": snap("qbit", "qbittorrent", qbitTorrent("qbit", "h1", messages.StateDownloading),
			qbitTorrent("qbit", "linux-iso", messages.StateSeeding)),
		// Another client holding the same hash stays a row of its own.
		"qbit2": snap("qbit2", "qbittorrent", qbitTorrent("qbit2", "h1", messages.StateSeeding)),
	}
	b := store.Merge(snaps, nil, t0)
	var keys []string
	for _, d := range b.Downloads {
		keys = append(keys, d.Key)
	}
	slices.Sort(keys)
	want := []string{"qbit/linux-iso", "qbit2/h1", "sonarr/1", "sonarr/2", "sonarr/3"}
	if !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
}

func TestMergeDoesNotChangeItsInput(t *testing.T) {
	t.Parallel()
	arr := sonarrRecord(1, "h1", messages.StateDownloading)
	snaps := map[string]messages.Snapshot{
		"sonarr": snap("sonarr", "sonarr", arr),
		"qbit":   snap("qbit", "qbittorrent", qbitTorrent("qbit", "h1", messages.StateStalled)),
	}
	store.Merge(snaps, nil, t0)
	if got := snaps["sonarr"].Downloads[0]; !reflect.DeepEqual(got, arr) {
		t.Errorf("input changed: %+v", got)
	}
}

func TestMergeServiceLines(t *testing.T) {
	t.Parallel()
	lastGood := t0.Add(-10 * time.Minute)
	radarr := snap("radarr", "radarr", sonarrRecord(1, "", messages.StateQueued))
	radarr.Total = 45 // the service reported more records than were read
	sonarr := snap("sonarr", "sonarr", sonarrRecord(2, "", messages.StateQueued))
	sonarr.At = lastGood
	recovered := snap("qbit", "qbittorrent")
	snaps := map[string]messages.Snapshot{"radarr": radarr, "sonarr": sonarr, "qbit": recovered}
	stale := map[string]store.StaleInfo{
		"sonarr": {Err: "get queue: 500 Internal Server Error", Since: lastGood, Polled: t0},
		"lidarr": {Err: "dial tcp: connection refused", Polled: t0, Kind: "lidarr"},
		"qbit":   {Err: "old failure", Since: lastGood, Polled: t0.Add(-time.Minute)},
	}
	b := store.Merge(snaps, stale, t0)
	want := []messages.ServiceLine{
		{Service: "lidarr", Kind: "lidarr", Err: "dial tcp: connection refused"},
		{Service: "qbit", Kind: "qbittorrent", Polled: t0},
		{Service: "radarr", Kind: "radarr", Count: 1, Total: 45, Polled: t0},
		{Service: "sonarr", Kind: "sonarr", Count: 1, Total: 1, Err: "get queue: 500 Internal Server Error",
			StaleSince: lastGood, Polled: lastGood},
	}
	if !reflect.DeepEqual(b.Services, want) {
		t.Errorf("services\n got %+v\nwant %+v", b.Services, want)
	}
}

func TestSortOrdersByStateGroupThenETAThenTitle(t *testing.T) {
	t.Parallel()
	dl := func(key, title string, st messages.State, eta messages.ETA) messages.Download {
		return messages.Download{Key: key, Title: title, State: st, ETA: eta}
	}
	soon, later := messages.KnownETA(t0.Add(time.Minute)), messages.KnownETA(t0.Add(time.Hour))
	want := []messages.Download{
		dl("a", "Zed", messages.StateDownloading, soon),
		dl("b", "Alpha", messages.StateDownloading, later),
		dl("c", "alpha", messages.StateDownloading, messages.ETA{}), // C-02: no timeleft
		dl("d", "Beta", messages.StateDownloading, messages.ETA{Kind: messages.ETAInfinite}),
		dl("e", "Beta", messages.StateDownloading, messages.ETA{Kind: messages.ETAInfinite}),
		dl("f", "Aa", messages.StateStalled, messages.ETA{}),
		dl("g", "Bb", messages.StateQueued, soon),
		dl("h", "Cc", messages.StatePaused, messages.ETA{}),
		dl("i", "Aa", messages.StateFailed, messages.ETA{}),
		dl("j", "Bb", messages.StateImportBlocked, messages.ETA{}),
		dl("k", "Aa", messages.StateSeeding, messages.ETA{}),
		dl("l", "Bb", messages.StateCompleted, messages.ETA{}),
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		got := slices.Clone(want)
		rng.Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
		store.Sort(got)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("sorted order\n got %v\nwant %v", keysOf(got), keysOf(want))
		}
	}
}

func keysOf(ds []messages.Download) []string {
	var ks []string
	for _, d := range ds {
		ks = append(ks, d.Key)
	}
	return ks
}

func TestHealthBoardOrdersWorstFirst(t *testing.T) {
	t.Parallel()
	h := map[string]messages.Health{
		"sonarr": {Service: "sonarr", State: messages.HealthOK},
		"radarr": {State: messages.HealthWarning, Warnings: []messages.Warning{{Message: "x"}}},
		"qbit":   {Service: "qbit", State: messages.HealthOK, Failed: true},
		"lidarr": {Service: "lidarr", State: messages.HealthUnknown},
		"apple":  {Service: "apple", State: messages.HealthOK},
		"plex":   {Service: "plex", State: messages.HealthCritical},
	}
	b := store.HealthBoard(h, t0)
	var got []string
	for _, x := range b.Services {
		got = append(got, x.Service+":"+x.State.String())
	}
	want := []string{"plex:Critical", "qbit:Critical", "radarr:Warning", "lidarr:Unknown", "apple:OK", "sonarr:OK"}
	if !slices.Equal(got, want) || !b.At.Equal(t0) {
		t.Errorf("order %v at %v, want %v at %v", got, b.At, want, t0)
	}
	b.Services[2].Warnings[0].Message = "changed"
	if h["radarr"].Warnings[0].Message != "x" {
		t.Error("the board shares its warnings with the store's map")
	}
}

// benchSnaps builds 20 services holding 1,000 downloads, half of them joined.
func benchSnaps() map[string]messages.Snapshot {
	snaps := make(map[string]messages.Snapshot)
	for s := range 20 {
		name, kind := fmt.Sprintf("svc%02d", s), "sonarr"
		if s%2 == 1 {
			kind = "qbittorrent"
		}
		var ds []messages.Download
		for i := range 50 {
			hash := fmt.Sprintf("%02d-%03d", s/2, i)
			if kind == "sonarr" {
				d := sonarrRecord(i, hash, messages.StateDownloading)
				d.Key = name + "/" + hash
				ds = append(ds, d)
			} else {
				ds = append(ds, qbitTorrent(name, hash, messages.StateDownloading))
			}
		}
		snaps[name] = snap(name, kind, ds...)
	}
	return snaps
}

func BenchmarkMerge(b *testing.B) {
	snaps := benchSnaps()
	stale := map[string]store.StaleInfo{"svc03": {Err: "timeout", Since: t0}}
	b.ReportAllocs()
	for b.Loop() {
		store.Merge(snaps, stale, t0)
	}
}

func TestSortDoesNotSwapRowsWhoseETAsDriftBetweenPolls(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 3, 1, 12, 1, 0, 0, time.UTC)
	row := func(title string, eta time.Time) messages.Download {
		return messages.Download{Key: title, Title: title, State: messages.StateDownloading,
			ETA: messages.KnownETA(eta)}
	}
	// Two services polled a few seconds apart report the same time left, so their
	// ETAs (poll time + time left) leapfrog each other from poll to poll.
	for _, shift := range []time.Duration{0, 5 * time.Second, 10 * time.Second} {
		ds := []messages.Download{row("Beta", base.Add(shift)), row("Alpha", base.Add(3*time.Second))}
		store.Sort(ds)
		if ds[0].Title != "Alpha" {
			t.Errorf("shift %s: order %s, %s; want Alpha first every time", shift, ds[0].Title, ds[1].Title)
		}
	}
	far := []messages.Download{row("Alpha", base.Add(time.Hour)), row("Beta", base)}
	store.Sort(far)
	if far[0].Title != "Beta" {
		t.Errorf("an ETA an hour sooner must still come first")
	}
}
