package servicetest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/service/servicetest"
)

// stack is one World behind a Sonarr, a Radarr and a qBittorrent.
type stack struct {
	clock  *fakeClock
	world  *servicetest.World
	sonarr string
	radarr string
	qbit   string
}

func newStack(t *testing.T, version string, opts servicetest.WorldOptions) stack {
	t.Helper()
	clock := newClock()
	opts.Clock = clock.Now
	w := servicetest.NewWorld(opts)
	return stack{
		clock: clock, world: w,
		sonarr: servicetest.Serve(t, servicetest.NewSonarr(servicetest.ArrOptions{World: w})).URL,
		radarr: servicetest.Serve(t, servicetest.NewRadarr(servicetest.ArrOptions{World: w})).URL,
		qbit: servicetest.Serve(t, servicetest.NewQBittorrent(servicetest.QBOptions{
			Version: version, LocalhostBypass: true, World: w,
		})).URL,
	}
}

// queue fetches every record of one *arr queue.
func (s stack) queue(t *testing.T, base string) []map[string]any {
	t.Helper()
	var p queuePage
	decode(t, get(t, base+"/api/v3/queue?pageSize=1000&includeUnknownSeriesItems=true&includeUnknownMovieItems=true", "").body, &p)
	return p.Records
}

// torrents fetches torrents/info keyed by hash.
func (s stack) torrents(t *testing.T) map[string]map[string]any {
	t.Helper()
	var list []map[string]any
	decode(t, get(t, s.qbit+"/api/v2/torrents/info", "").body, &list)
	out := map[string]map[string]any{}
	for _, tor := range list {
		out[tor["hash"].(string)] = tor
	}
	return out
}

// TestWorldIsDeterministic proves the same seed gives the same downloads, and another
// seed different ones.
func TestWorldIsDeterministic(t *testing.T) {
	t.Parallel()
	build := func(seed int64) string {
		w := servicetest.NewWorld(servicetest.WorldOptions{Seed: seed, Clock: newClock().Now, TV: 10, Movies: 5, Torrents: 4})
		return fmt.Sprintf("%+v", w.Snapshot())
	}
	first, again := build(42), build(42)
	if first != again {
		t.Error("same seed, different worlds")
	}
	if first == build(43) {
		t.Error("different seeds, same world")
	}
}

// TestWorldHasEveryBehaviour proves a large enough World deals every behaviour, with
// exactly one download fetching metadata.
func TestWorldHasEveryBehaviour(t *testing.T) {
	t.Parallel()
	w := servicetest.NewWorld(servicetest.WorldOptions{Seed: 9, Clock: newClock().Now, TV: 12, Movies: 8})
	count := map[servicetest.Behavior]int{}
	for _, d := range w.Downloads() {
		count[d.Behavior]++
	}
	for _, b := range []servicetest.Behavior{
		servicetest.BehaviorFinish, servicetest.BehaviorStall, servicetest.BehaviorBlock,
		servicetest.BehaviorQueued, servicetest.BehaviorWarnDownloading, servicetest.BehaviorPaused,
	} {
		if count[b] == 0 {
			t.Errorf("no %s download in %v", b, count)
		}
	}
	if count[servicetest.BehaviorMetadata] != 1 {
		t.Errorf("%d metadata downloads, want 1", count[servicetest.BehaviorMetadata])
	}
}

// TestSharedDownloadsJoinByHash proves every *arr record's downloadId is the upper-case
// form of a lower-case qBittorrent hash, and that states agree on both sides.
func TestSharedDownloadsJoinByHash(t *testing.T) {
	t.Parallel()
	for _, version := range []string{servicetest.QBVersion4, servicetest.QBVersion5} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			s := newStack(t, version, servicetest.WorldOptions{Seed: 11, TV: 12, Movies: 8, Torrents: 4})
			torrents := s.torrents(t)
			records := append(s.queue(t, s.sonarr), s.queue(t, s.radarr)...)
			if len(records) == 0 {
				t.Fatal("empty queues")
			}
			for _, r := range records {
				id := r["downloadId"].(string)
				if id != strings.ToUpper(id) {
					t.Errorf("downloadId %s not upper-case", id)
				}
				tor, ok := torrents[strings.ToLower(id)]
				if !ok {
					t.Errorf("record %v: no torrent %s", r["title"], strings.ToLower(id))
					continue
				}
				checkAgree(t, r, tor)
			}
		})
	}
}

// checkAgree compares the *arr and qBittorrent views of one download.
func checkAgree(t *testing.T, r, tor map[string]any) {
	t.Helper()
	state := tor["state"].(string)
	want := map[string]string{
		"metaDL": "queued", "queuedDL": "queued", "downloading": "downloading",
		"pausedDL": "paused", "stoppedDL": "paused", "uploading": "completed",
		"stalledUP": "completed", "pausedUP": "completed", "stoppedUP": "completed",
	}[state]
	if state == "stalledDL" {
		if _, has := r["timeleft"]; has {
			t.Errorf("stalled %v has timeleft %v", r["title"], r["timeleft"])
		}
		if tor["eta"].(float64) != servicetest.InfiniteETA || tor["dlspeed"].(float64) != 0 {
			t.Errorf("stalled torrent eta %v dlspeed %v", tor["eta"], tor["dlspeed"])
		}
		return
	}
	if r["status"] != want {
		t.Errorf("%v: qBittorrent %s, *arr status %v, want %s", r["title"], state, r["status"], want)
	}
	if left := tor["amount_left"].(float64); left != r["sizeleft"].(float64) {
		t.Errorf("%v: amount_left %v, sizeleft %v", r["title"], left, r["sizeleft"])
	}
}

// TestDownloadsMoveWithTheClock proves downloads progress as the clock advances, finish,
// seed (uploading then stalledUP), and leave the *arr queue while blocked ones stay.
func TestDownloadsMoveWithTheClock(t *testing.T) {
	t.Parallel()
	s := newStack(t, servicetest.QBVersion5, servicetest.WorldOptions{
		Seed: 2, TV: 8, Movies: 8, Speed: 50 << 20, ImportAfter: time.Minute, SeedFor: 5 * time.Minute,
	})
	phase := map[string]servicetest.Phase{}
	done := map[string]int64{}
	for _, d := range s.world.Snapshot() {
		phase[d.Hash], done[d.Hash] = d.Phase, d.Done
	}
	before := len(s.queue(t, s.sonarr)) + len(s.queue(t, s.radarr))

	s.clock.Advance(30 * time.Second)
	for _, d := range s.world.Snapshot() {
		if phase[d.Hash] == servicetest.PhaseDownloading && d.Done <= done[d.Hash] {
			t.Errorf("%s did not move: %d → %d", d.Title, done[d.Hash], d.Done)
		}
	}

	s.clock.Advance(2 * time.Hour)
	seen := map[string]bool{}
	for _, tor := range s.torrents(t) {
		seen[tor["state"].(string)] = true
	}
	for _, st := range []string{"stalledUP", "stalledDL", "metaDL", "stoppedDL"} {
		if !seen[st] {
			t.Errorf("no %s torrent after two hours; states %v", st, seen)
		}
	}
	after := s.queue(t, s.sonarr)
	after = append(after, s.queue(t, s.radarr)...)
	if len(after) >= before {
		t.Errorf("queues held %d records, now %d: finished downloads never left", before, len(after))
	}
	for _, r := range after {
		if r["status"] == "completed" && r["trackedDownloadState"] == "importing" {
			t.Errorf("%v still importing after two hours", r["title"])
		}
	}
}

// TestSeasonPackRecordsShareTheDownload proves a season pack gives one record per
// episode sharing downloadId, size, sizeleft and timeleft.
func TestSeasonPackRecordsShareTheDownload(t *testing.T) {
	t.Parallel()
	s := newStack(t, servicetest.QBVersion4, servicetest.WorldOptions{Seed: 4, TV: 16})
	byID := map[string][]map[string]any{}
	for _, r := range s.queue(t, s.sonarr) {
		byID[r["downloadId"].(string)] = append(byID[r["downloadId"].(string)], r)
	}
	packs := 0
	for id, recs := range byID {
		if len(recs) < 2 {
			continue
		}
		packs++
		for _, r := range recs[1:] {
			for _, k := range []string{"size", "sizeleft", "timeleft", "title"} {
				if fmt.Sprint(r[k]) != fmt.Sprint(recs[0][k]) {
					t.Errorf("pack %s: %s %v vs %v", id, k, r[k], recs[0][k])
				}
			}
			if r["id"] == recs[0]["id"] || r["episodeId"] == recs[0]["episodeId"] {
				t.Errorf("pack %s: records share id or episodeId", id)
			}
		}
	}
	if packs == 0 {
		t.Error("no season pack in a 16-download World")
	}
}

// TestCaseShapesSurviveTheWire proves the Case fixtures reach clients as built: absent
// keys stay absent and nulls stay null.
func TestCaseShapesSurviveTheWire(t *testing.T) {
	t.Parallel()
	h := servicetest.CaseHash(3)
	tests := []struct {
		name    string
		records []map[string]any
		check   func(r map[string]any) bool
	}{
		{"no timeleft", servicetest.CaseStalledNoTimeleft(h), func(r map[string]any) bool {
			_, tl := r["timeleft"]
			_, eta := r["estimatedCompletionTime"]
			return !tl && !eta
		}},
		{"null downloadId", servicetest.CaseClientUnavailable(), func(r map[string]any) bool {
			v, ok := r["downloadId"]
			return ok && v == nil && r["status"] == "downloadClientUnavailable"
		}},
		{"sparse", servicetest.CaseSparseRecords(h)[:1], func(r map[string]any) bool { return len(r) == 3 }},
		{"downloading blocked", servicetest.CaseDownloadingImportBlocked(h), func(r map[string]any) bool {
			return r["status"] == "downloading" && r["trackedDownloadState"] == "importBlocked"
		}},
		{"upper-case id", servicetest.CaseQueuedFetchingMetadata(h), func(r map[string]any) bool {
			return r["downloadId"] == strings.ToUpper(h)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := servicetest.NewSonarr(servicetest.ArrOptions{})
			a.SetQueue(tt.records)
			var p queuePage
			decode(t, get(t, servicetest.Serve(t, a).URL+"/api/v3/queue", "").body, &p)
			if len(p.Records) != 1 || !tt.check(p.Records[0]) {
				t.Errorf("record %v", p.Records)
			}
		})
	}
}

// TestHealthIsEmptyUntilSet proves a healthy simulator answers [] and SetHealth entries
// arrive with wikiUrl as a string or null.
func TestHealthIsEmptyUntilSet(t *testing.T) {
	t.Parallel()
	a := servicetest.NewSonarr(servicetest.ArrOptions{})
	srv := servicetest.Serve(t, a)
	if r := get(t, srv.URL+"/api/v3/health", ""); string(r.body) != "[]" {
		t.Fatalf("healthy body %q, want []", r.body)
	}
	a.SetHealth(servicetest.CaseHealth("Sonarr"))
	var items []map[string]any
	decode(t, get(t, srv.URL+"/api/v3/health", "").body, &items)
	if len(items) != 5 {
		t.Fatalf("%d items", len(items))
	}
	if _, ok := items[0]["wikiUrl"].(string); !ok {
		t.Errorf("wikiUrl %T, want string", items[0]["wikiUrl"])
	}
	if v, ok := items[4]["wikiUrl"]; !ok || v != nil {
		t.Errorf("last wikiUrl %v (present %v), want null", v, ok)
	}
}
