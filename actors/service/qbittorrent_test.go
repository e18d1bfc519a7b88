package service_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/service"
	"github.com/discarr/discarr/messages"
)

// qbitClient builds a qBittorrent client for ts with the given login.
func qbitClient(t *testing.T, url, user, pass string) service.Client {
	return newClient(t, "qbittorrent", url, func(o *service.Options) { o.Username, o.Password = user, pass })
}

// byTitle indexes downloads by title.
func byTitle(ds []messages.Download) map[string]messages.Download {
	m := map[string]messages.Download{}
	for _, d := range ds {
		m[d.Title] = d
	}
	return m
}

func TestTorrentStatesMapIncludingStoppedAndMetadataStates(t *testing.T) {
	t.Parallel()
	_, ts := newFakeQBit(t, "", "", "")
	snap, err := qbitClient(t, ts.URL, "", "").Poll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]messages.State{
		"Show.Name.S01E01":   messages.StateDownloading,
		"Dead.Magnet":        messages.StateMetadata,
		"Stalled.Movie":      messages.StateStalled,
		"Seeding.Album":      messages.StateSeeding,
		"Stopped.Incomplete": messages.StatePaused,
		"Stopped.Complete":   messages.StateCompleted,
		"Broken":             messages.StateFailed,
		"Missing":            messages.StateFailed,
		"Moving.Files":       messages.StateChecking,
		"Future.State":       messages.StateUnknown,
		"Paused.4x":          messages.StatePaused,
	}
	rows := byTitle(snap.Downloads)
	for title, state := range want {
		if d := rows[title]; d.State != state {
			t.Errorf("%s: state %q (raw %q), want %q", title, d.State, d.RawState, state)
		}
	}
	if d := rows["Future.State"]; d.RawState != "teleporting" {
		t.Errorf("unknown state keeps raw %q", d.RawState)
	}
	if rows["Broken"].Reason == "" || rows["Missing"].Reason == "" {
		t.Error("failed torrents carry no reason")
	}
	if snap.Total != 13 || snap.Skipped != 2 || len(snap.Downloads) != 11 {
		t.Errorf("total %d skipped %d rows %d; want 13, 2 (no hash, array progress), 11",
			snap.Total, snap.Skipped, len(snap.Downloads))
	}
	d := rows["Show.Name.S01E01"]
	if d.ClientID != "aaaa000000000000000000000000000000000001" || d.Key != "qbittorrent_test:"+d.ClientID {
		t.Errorf("hash not lower-cased into ClientID and Key: %q %q", d.ClientID, d.Key)
	}
	if d.Speed != 2048 || d.Size != 1000 || d.Left != 500 || d.Added.Unix() != 1751736848 {
		t.Errorf("figures %+v", d)
	}
}

func TestETASentinelMeansInfiniteAndCompleteMeansNone(t *testing.T) {
	t.Parallel()
	_, ts := newFakeQBit(t, "", "", "")
	snap, err := qbitClient(t, ts.URL, "", "").Poll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rows := byTitle(snap.Downloads)
	tests := []struct {
		title string
		kind  messages.ETAKind
	}{
		{"Stalled.Movie", messages.ETAInfinite},
		{"Seeding.Album", messages.ETANone},
		{"Stopped.Complete", messages.ETANone},
		{"Show.Name.S01E01", messages.ETAKnown},
		{"Future.State", messages.ETAKnown},
	}
	for _, tt := range tests {
		if got := rows[tt.title].ETA.Kind; got != tt.kind {
			t.Errorf("%s: ETA kind %d, want %d", tt.title, got, tt.kind)
		}
	}
	if at := rows["Show.Name.S01E01"].ETA.At; !at.Equal(snap.At.Add(2 * time.Minute)) {
		t.Errorf("ETA at %v, want poll time + 120s", at)
	}
}

func TestTorrentMediaComesFromItsCategory(t *testing.T) {
	t.Parallel()
	_, ts := newFakeQBit(t, "", "", "")
	snap, err := qbitClient(t, ts.URL, "", "").Poll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rows := byTitle(snap.Downloads)
	want := map[string]messages.Media{
		"Show.Name.S01E01": messages.MediaTV, "Dead.Magnet": messages.MediaMovie,
		"Stalled.Movie": messages.MediaMovie, "Seeding.Album": messages.MediaMusic,
		"Stopped.Incomplete": messages.MediaBook, "Stopped.Complete": messages.MediaBook,
		"Broken": messages.MediaOther,
	}
	for title, media := range want {
		if got := rows[title].Media; got != media {
			t.Errorf("%s: media %q, want %q", title, got, media)
		}
	}
}

func TestExpiredSessionLogsInAgainOnceAndRetriesOnce(t *testing.T) {
	t.Parallel()
	f, ts := newFakeQBit(t, "", "admin", "s3cret-pass")
	c := qbitClient(t, ts.URL, "admin", "s3cret-pass")
	if _, err := c.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.expire()
	if _, err := c.Poll(context.Background()); err != nil {
		t.Fatalf("poll after expiry: %v", err)
	}
	if f.calls("auth/login") != 2 || f.calls("torrents/info") != 3 {
		t.Errorf("logins %d, torrents/info %d; want 2 and 3", f.calls("auth/login"), f.calls("torrents/info"))
	}
}

func TestSessionRefusedAgainAfterReloginFailsWithoutLooping(t *testing.T) {
	t.Parallel()
	f, ts := newFakeQBit(t, "", "admin", "pw")
	c := qbitClient(t, ts.URL, "admin", "pw")
	if _, err := c.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.set(func(f *fakeQBit) { f.always = http.StatusForbidden })
	_, err := c.Poll(context.Background())
	var e *service.Error
	if !errors.As(err, &e) || e.Status != http.StatusForbidden {
		t.Fatalf("err %v, want a 403 *Error", err)
	}
	if f.calls("auth/login") != 2 || f.calls("torrents/info") != 3 {
		t.Errorf("logins %d, torrents/info %d; want one relogin and one retry",
			f.calls("auth/login"), f.calls("torrents/info"))
	}
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestBannedLoginBacksOffGrowingWithoutNetworkCalls(t *testing.T) {
	t.Parallel()
	f, ts := newFakeQBit(t, "", "admin", "pw")
	f.set(func(f *fakeQBit) { f.banned = true })
	c := qbitClient(t, ts.URL, "admin", "pw")
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	service.SetClock(c, clock.Now)

	expectBanned := func(step string) {
		t.Helper()
		_, err := c.Poll(context.Background())
		var e *service.Error
		if !errors.As(err, &e) || e.Kind != service.Banned ||
			e.Summary() != "qBittorrent banned this IP after failed logins" {
			t.Fatalf("%s: err %v, want Banned", step, err)
		}
	}
	expectBanned("first poll")
	if n := len(f.seen.all()); n != 1 {
		t.Fatalf("requests after first poll = %d, want the one login", n)
	}
	for i, wait := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 30 * time.Minute, 30 * time.Minute} {
		before := len(f.seen.all())
		clock.advance(wait - time.Second)
		expectBanned("inside back-off")
		if _, err := c.Probe(context.Background()); err == nil {
			t.Fatal("probe during back-off succeeded")
		}
		if got := len(f.seen.all()); got != before {
			t.Fatalf("step %d: %d requests during a %s back-off, want none", i, got-before, wait)
		}
		clock.advance(time.Second)
		expectBanned("after back-off")
		if got := len(f.seen.all()); got != before+1 {
			t.Fatalf("step %d: %d requests after the back-off, want one login", i, got-before)
		}
	}
	if f.calls("torrents/info") != 0 {
		t.Error("data calls sent while banned")
	}
}

func TestRejectedLoginSaysCheckCredentialsAndBacksOff(t *testing.T) {
	t.Parallel()
	f, ts := newFakeQBit(t, "", "admin", "right")
	c := qbitClient(t, ts.URL, "admin", "wrong")
	for range 3 {
		_, err := c.Poll(context.Background())
		var e *service.Error
		if !errors.As(err, &e) || e.Kind != service.Auth ||
			e.Summary() != "qBittorrent rejected the login: check username and password" {
			t.Fatalf("err %v", err)
		}
	}
	if n := f.calls("auth/login"); n != 1 {
		t.Errorf("logins = %d, want 1 then back-off", n)
	}
}

func TestEmptyCredentialsNeverCallLogin(t *testing.T) {
	t.Parallel()
	f, ts := newFakeQBit(t, "", "", "")
	c := qbitClient(t, ts.URL, "", "")
	if _, err := c.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Probe(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.set(func(f *fakeQBit) { f.always = http.StatusForbidden })
	_, err := c.Poll(context.Background())
	var e *service.Error
	if !errors.As(err, &e) || e.Kind != service.Auth {
		t.Errorf("403 without credentials: err %v", err)
	}
	if n := f.calls("auth/login"); n != 0 {
		t.Errorf("login called %d times without credentials", n)
	}
}

func TestUnauthorizedFromQBittorrentPointsAtCSRFAndProxyHeaders(t *testing.T) {
	t.Parallel()
	f, ts := newFakeQBit(t, "", "", "")
	f.set(func(f *fakeQBit) { f.always = http.StatusUnauthorized })
	_, err := qbitClient(t, ts.URL, "", "").Poll(context.Background())
	var e *service.Error
	if !errors.As(err, &e) || e.Summary() != "401 from qBittorrent: CSRF/Host-header check or proxy headers" {
		t.Fatalf("err %v", err)
	}
}

func TestNoOriginOrRefererHeaderIsSent(t *testing.T) {
	t.Parallel()
	f, ts := newFakeQBit(t, "", "admin", "pw")
	c := qbitClient(t, ts.URL, "admin", "pw")
	if _, err := c.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, r := range f.seen.all() {
		if r.Header.Get("Origin") != "" || r.Header.Get("Referer") != "" {
			t.Errorf("%s sent Origin %q Referer %q", r.URL.Path, r.Header.Get("Origin"), r.Header.Get("Referer"))
		}
	}
}

func TestQBittorrentBasePathBehindAProxyIsKept(t *testing.T) {
	t.Parallel()
	f, ts := newFakeQBit(t, "/qbittorrent", "admin", "pw")
	if _, err := qbitClient(t, ts.URL+"/qbittorrent/", "admin", "pw").Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.calls("auth/login") != 1 || f.calls("torrents/info") != 1 {
		t.Errorf("requests %d; want login and torrents/info below /qbittorrent", len(f.seen.all()))
	}
}

func TestWebAPIVersionIsReadOncePerAppVersion(t *testing.T) {
	t.Parallel()
	f, ts := newFakeQBit(t, "", "", "")
	c := qbitClient(t, ts.URL, "", "")
	for range 3 {
		p, err := c.Probe(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if p.Version != "5.0.0" || p.API != "2.11.2" {
			t.Fatalf("version %q API %q", p.Version, p.API)
		}
		want := messages.TransferStats{DownSpeed: 1024, UpSpeed: 512, Downloaded: 681521119, Uploaded: 10747904}
		if p.Stats == nil || *p.Stats != want {
			t.Errorf("stats %+v", p.Stats)
		}
		if len(p.Warnings) != 1 || p.Warnings[0].Level != "notice" {
			t.Errorf("warnings %+v, want the firewalled notice", p.Warnings)
		}
	}
	if n := f.calls("app/webapiVersion"); n != 1 {
		t.Errorf("webapiVersion read %d times, want once", n)
	}
	f.set(func(f *fakeQBit) { f.version = "v4.5.2" })
	p, err := c.Probe(context.Background())
	if err != nil || p.API != "2.8.19" || f.calls("app/webapiVersion") != 2 {
		t.Errorf("after an upgrade: API %q err %v reads %d", p.API, err, f.calls("app/webapiVersion"))
	}
}

func TestClientsOfOneServiceShareTheLoginBackOff(t *testing.T) {
	t.Parallel()
	f, ts := newFakeQBit(t, "", "admin", "pw")
	f.set(func(f *fakeQBit) { f.banned = true })
	poller, prober := qbitClient(t, ts.URL, "admin", "pw"), qbitClient(t, ts.URL, "admin", "pw")
	if _, err := poller.Poll(context.Background()); err == nil {
		t.Fatal("poll while banned succeeded")
	}
	_, err := prober.Probe(context.Background())
	var e *service.Error
	if !errors.As(err, &e) || e.Kind != service.Banned {
		t.Fatalf("probe err %v, want Banned", err)
	}
	if n := f.calls("auth/login"); n != 1 {
		t.Errorf("logins = %d, want 1: the second client waits out the same back-off", n)
	}
	// New credentials (a config reload) start afresh.
	if _, err := qbitClient(t, ts.URL, "admin", "new-pw").Poll(context.Background()); err == nil {
		t.Fatal("poll while banned succeeded")
	}
	if n := f.calls("auth/login"); n != 2 {
		t.Errorf("logins = %d, want 2", n)
	}
}
