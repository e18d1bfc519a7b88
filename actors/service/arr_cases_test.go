package service_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/service"
	"github.com/discarr/discarr/messages"
)

// pollFixture serves a queue page fixture from a fake app of kind and polls it.
func pollFixture(t *testing.T, kind, name string, mod func(*service.Options)) messages.Snapshot {
	t.Helper()
	ts, _ := arrServer(t, "", map[string]http.HandlerFunc{"/api/v3/queue": raw(fixture(t, name))})
	snap, err := newClient(t, kind, ts.URL, mod).Poll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func TestQueueRecordsMapByStatePrecedence(t *testing.T) {
	t.Parallel()
	snap := pollFixture(t, "sonarr", "sonarr-queue-cases.json", nil)
	rows := byRelease(snap.Downloads)
	tests := []struct {
		release  string
		state    messages.State
		warning  bool
		raw      string
		eta      messages.ETAKind
		reason   string // a substring, "" for none expected
		noReason bool
	}{
		{release: "", state: messages.StateDownloading, raw: "downloading/downloading",
			eta: messages.ETAKnown, noReason: true},
		// A stalled torrent comes without timeleft or estimatedCompletionTime.
		{release: "Show.Name.S01E01.1080p", state: messages.StateDownloading, eta: messages.ETAUnknown, noReason: true},
		// Still transferring although an earlier import was blocked: the ETA shows, flagged.
		{release: "Other.Show.S02E05.720p", state: messages.StateDownloading, warning: true, eta: messages.ETAKnown,
			reason: "One or more episodes expected"},
		{release: "Undone.S01E06.1080p.WEB", state: messages.StateImportBlocked, eta: messages.ETANone,
			reason: "Not a Custom Format upgrade"},
		{release: "Undone.S01E07.1080p.WEB", state: messages.StateImportBlocked, eta: messages.ETANone,
			reason: "Show.Name.S01E06.mkv: Not an upgrade for existing episode file(s); Other.file.nfo"},
		{release: "Show.Name.S03E01.720p", state: messages.StateUnknown, warning: true,
			raw: "downloadClientUnavailable", reason: "Download client unavailable"},
		{release: "Movie.Title.2024.2160p", state: messages.StateQueued, raw: "delay", eta: messages.ETAUnknown,
			reason: "Delayed"},
		{release: "Paused.Show.S03E04", state: messages.StatePaused, eta: messages.ETAKnown},
		{release: "Future.Show.S01E01", state: messages.StateUnknown, raw: "fallbackToSomethingNew/somethingElse"},
	}
	for _, tt := range tests {
		d, ok := rows[tt.release]
		if !ok {
			t.Errorf("%q: no row", tt.release)
			continue
		}
		if d.State != tt.state || d.Warning != tt.warning {
			t.Errorf("%q: state %s warning %v, want %s %v", tt.release, d.State, d.Warning, tt.state, tt.warning)
		}
		if tt.raw != "" && d.RawState != tt.raw {
			t.Errorf("%q: raw state %q, want %q", tt.release, d.RawState, tt.raw)
		}
		if d.ETA.Kind != tt.eta {
			t.Errorf("%q: ETA kind %d, want %d", tt.release, d.ETA.Kind, tt.eta)
		}
		if !strings.Contains(d.Reason, tt.reason) || (tt.noReason && d.Reason != "") {
			t.Errorf("%q: reason %q, want it to contain %q", tt.release, d.Reason, tt.reason)
		}
	}
}

func TestStalledRecordWithoutTimeleftHasUnknownETAAndZeroProgress(t *testing.T) {
	t.Parallel()
	d := byRelease(pollFixture(t, "sonarr", "sonarr-queue-cases.json", nil).Downloads)["Show.Name.S01E01.1080p"]
	if d.ETA.Kind != messages.ETAUnknown || d.Progress() != 0 || d.Left != d.Size || d.Size != 2147483648 {
		t.Errorf("got ETA %v progress %v size %d left %d", d.ETA, d.Progress(), d.Size, d.Left)
	}
	if d.ClientID != "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12" {
		t.Errorf("ClientID %q, want the downloadId lower-cased", d.ClientID)
	}
	if d.Title != "Show Name S01E01" {
		t.Errorf("title %q", d.Title)
	}
}

func TestOneUnreadableRecordCostsOnlyItself(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	snap := pollFixture(t, "sonarr", "sonarr-queue-cases.json", func(o *service.Options) { o.Logger = log })
	if snap.Skipped != 2 {
		t.Errorf("skipped = %d, want 2 (no id, object size)", snap.Skipped)
	}
	if snap.Total != 12 || len(snap.Downloads) != 10 {
		t.Errorf("total %d rows %d, want 12 and 10", snap.Total, len(snap.Downloads))
	}
	if !strings.Contains(logs.String(), "arrRecord.size") || !strings.Contains(logs.String(), "record without an id") {
		t.Errorf("want one Debug line per fault shape naming it, got:\n%s", logs.String())
	}
}

func TestRecordWithOnlyIDTitleAndStatusDecodes(t *testing.T) {
	t.Parallel()
	d := byRelease(pollFixture(t, "sonarr", "sonarr-queue-cases.json", nil).Downloads)["Movie.Title.2024.2160p"]
	if d.Key != "sonarr_test:1" || d.Size != 0 || d.Left != -1 || !d.Added.IsZero() || d.ClientID != "" {
		t.Errorf("got %+v", d)
	}
}

func TestNumbersAndDurationsDecodeFromEveryForm(t *testing.T) {
	t.Parallel()
	snap := pollFixture(t, "sonarr", "sonarr-queue-cases.json", nil)
	d := byRelease(snap.Downloads)["Paused.Show.S03E04"]
	// size "1000" (string), sizeleft 250.5 (float), timeleft "1.02:03:04.5000000",
	// seasonNumber "3" and episodeNumber 4.0.
	if d.Size != 1000 || d.Left != 250 || d.Title != "Paused Show S03E04" {
		t.Errorf("size %d left %d title %q", d.Size, d.Left, d.Title)
	}
	want := snap.At.Add(26*time.Hour + 3*time.Minute + 4*time.Second + 500*time.Millisecond)
	if !d.ETA.At.Equal(want) {
		t.Errorf("ETA %v, want %v", d.ETA.At, want)
	}
}

func TestDownloadClientUnavailableRecordHasNoClientID(t *testing.T) {
	t.Parallel()
	d := byRelease(pollFixture(t, "sonarr", "sonarr-queue-cases.json", nil).Downloads)["Show.Name.S03E01.720p"]
	if d.ClientID != "" || d.Reason != "Download client unavailable" || d.Protocol != "usenet" {
		t.Errorf("got ClientID %q reason %q protocol %q", d.ClientID, d.Reason, d.Protocol)
	}
}

func TestUnknownItemIsTitledFromItsRelease(t *testing.T) {
	t.Parallel()
	d := byRelease(pollFixture(t, "sonarr", "sonarr-queue-cases.json", nil).Downloads)["Some.Release.S01E05.1080p.WEB"]
	if d.Title != "Unknown item: Some.Release.S01E05.1080p.WEB" {
		t.Errorf("title %q", d.Title)
	}
	// The message's title only repeats the release, so only the message is kept.
	if d.Reason != "Title mismatch, automatic import is not possible." {
		t.Errorf("reason %q", d.Reason)
	}
}

func TestSeasonPackCollapsesIntoOneRowKeyedByLowestRecordID(t *testing.T) {
	t.Parallel()
	snap := pollFixture(t, "sonarr", "sonarr-queue-seasonpack.json", nil)
	if len(snap.Downloads) != 1 || snap.Total != 1 {
		t.Fatalf("rows %d total %d, want 3 records as 1 row, and a total of 1 download",
			len(snap.Downloads), snap.Total)
	}
	d := snap.Downloads[0]
	if d.Title != "Show Name S02 (E01–E03)" || d.Episodes != 3 || d.Key != "sonarr_test:11" {
		t.Errorf("title %q episodes %d key %q", d.Title, d.Episodes, d.Key)
	}
	if d.Size != 84429221268 || d.Left != 83819785620 {
		t.Errorf("size %d left %d: want the one download's size, not a sum", d.Size, d.Left)
	}
}

func TestRadarrRowsAreTitledByMovieAndYear(t *testing.T) {
	t.Parallel()
	snap := pollFixture(t, "radarr", "radarr-queue.json", nil)
	want := map[string]struct {
		title string
		state messages.State
	}{
		"SOUTH.PARK.THE.END.OF.OBESITY.2024.2160p.WEB.H265-GRP": {
			"South Park: The End of Obesity (2024)", messages.StateDownloading},
		"Cats.2019.720p.WEB-DL.H264.AC3-EVO": {"Cats", messages.StateImportBlocked},
		"Unmatched.Movie.2023.1080p": {
			"Unknown item: Unmatched.Movie.2023.1080p", messages.StateImportBlocked},
	}
	rows := byRelease(snap.Downloads)
	for release, w := range want {
		d := rows[release]
		if d.Title != w.title || d.State != w.state || d.Media != messages.MediaMovie {
			t.Errorf("%s: title %q state %s media %s", release, d.Title, d.State, d.Media)
		}
	}
	if d := rows["SOUTH.PARK.THE.END.OF.OBESITY.2024.2160p.WEB.H265-GRP"]; d.Left != 5870368312 {
		t.Errorf("float sizeleft decoded as %d", d.Left)
	}
}

// lockedWriter serialises writes from parallel goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.String()
}
