package servicetest_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/discarr/discarr/actors/service/servicetest"
)

// jarClient returns a client that keeps cookies, like a real qBittorrent client.
func jarClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatalf("cookie jar: %v", err)
	}
	return &http.Client{Jar: jar}
}

// login posts credentials and returns the answer.
func login(t *testing.T, c *http.Client, base, user, pass string) response {
	t.Helper()
	return do(t, c, http.MethodPost, base+"/api/v2/auth/login", nil,
		url.Values{"username": {user}, "password": {pass}})
}

// TestQBLoginSetsConfiguredCookie proves a good login answers "Ok." with the session
// cookie under the configured name, a bad one "Fails." with status 200, and data calls
// need the cookie.
func TestQBLoginSetsConfiguredCookie(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version, cookie, wantCookie string
	}{
		{servicetest.QBVersion4, "", "SID"},
		{servicetest.QBVersion5, "QBT_SID_8080", "QBT_SID_8080"},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			qb := servicetest.NewQBittorrent(servicetest.QBOptions{
				Version: tt.version, Username: "u", Password: "p", CookieName: tt.cookie,
			})
			srv := servicetest.Serve(t, qb)
			c := jarClient(t)

			if r := do(t, c, http.MethodGet, srv.URL+"/api/v2/torrents/info", nil, nil); r.status != 403 {
				t.Fatalf("before login: status %d, want 403", r.status)
			}
			if r := login(t, c, srv.URL, "u", "wrong"); r.status != 200 || string(r.body) != "Fails." {
				t.Fatalf("bad login: %d %q", r.status, r.body)
			}
			r := login(t, c, srv.URL, "u", "p")
			if r.status != 200 || string(r.body) != "Ok." {
				t.Fatalf("good login: %d %q", r.status, r.body)
			}
			if sc := r.header.Get("Set-Cookie"); !strings.HasPrefix(sc, tt.wantCookie+"=") {
				t.Fatalf("Set-Cookie %q, want name %s", sc, tt.wantCookie)
			}
			if r := do(t, c, http.MethodGet, srv.URL+"/api/v2/app/version", nil, nil); string(r.body) != "v"+tt.version {
				t.Fatalf("version %d %q", r.status, r.body)
			}
			do(t, c, http.MethodPost, srv.URL+"/api/v2/auth/logout", nil, url.Values{})
			if r := do(t, c, http.MethodGet, srv.URL+"/api/v2/torrents/info", nil, nil); r.status != 403 {
				t.Errorf("after logout: status %d, want 403", r.status)
			}
		})
	}
}

// TestQBBansIPAfterFailedLogins proves BanAfter failures ban the IP for every route,
// including a correct login, until Unban.
func TestQBBansIPAfterFailedLogins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		banAfter, failures int
	}{
		{0, 5}, // default
		{2, 2},
	}
	for _, tt := range tests {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			qb := servicetest.NewQBittorrent(servicetest.QBOptions{BanAfter: tt.banAfter, LocalhostBypass: true})
			srv := servicetest.Serve(t, qb)
			c := jarClient(t)
			for i := range tt.failures {
				if r := login(t, c, srv.URL, "admin", "bad"); r.status != 200 || string(r.body) != "Fails." {
					t.Fatalf("failure %d: %d %q", i+1, r.status, r.body)
				}
			}
			for _, r := range []response{
				login(t, c, srv.URL, "admin", "adminadmin"),
				do(t, c, http.MethodGet, srv.URL+"/api/v2/app/webapiVersion", nil, nil),
			} {
				if r.status != 403 || string(r.body) != servicetest.BanMessage {
					t.Fatalf("banned: %d %q", r.status, r.body)
				}
			}
			if !qb.Banned("127.0.0.1") {
				t.Fatal("Banned(127.0.0.1) is false")
			}
			qb.Unban()
			if r := login(t, c, srv.URL, "admin", "adminadmin"); string(r.body) != "Ok." {
				t.Errorf("after Unban: %d %q", r.status, r.body)
			}
		})
	}
}

// TestQBExpiredSessionGets403 proves ExpireSessions invalidates existing cookies and a
// fresh login works again.
func TestQBExpiredSessionGets403(t *testing.T) {
	t.Parallel()
	qb := servicetest.NewQBittorrent(servicetest.QBOptions{})
	srv := servicetest.Serve(t, qb)
	c := jarClient(t)
	login(t, c, srv.URL, "admin", "adminadmin")
	if r := do(t, c, http.MethodGet, srv.URL+"/api/v2/torrents/info", nil, nil); r.status != 200 || string(r.body) != "[]" {
		t.Fatalf("logged in: %d %q", r.status, r.body)
	}
	qb.ExpireSessions()
	if r := do(t, c, http.MethodGet, srv.URL+"/api/v2/torrents/info", nil, nil); r.status != 403 {
		t.Fatalf("expired: status %d, want 403", r.status)
	}
	login(t, c, srv.URL, "admin", "adminadmin")
	if r := do(t, c, http.MethodGet, srv.URL+"/api/v2/transfer/info", nil, nil); r.status != 200 {
		t.Errorf("after re-login: status %d", r.status)
	}
}

// TestQBLocalhostBypassNeedsNoLogin proves loopback clients skip login with the bypass on.
func TestQBLocalhostBypassNeedsNoLogin(t *testing.T) {
	t.Parallel()
	qb := servicetest.NewQBittorrent(servicetest.QBOptions{Version: servicetest.QBVersion5, LocalhostBypass: true})
	srv := servicetest.Serve(t, qb)
	if r := get(t, srv.URL+"/api/v2/app/webapiVersion", ""); r.status != 200 || string(r.body) != "2.11.2" {
		t.Errorf("webapiVersion %d %q", r.status, r.body)
	}
}

// TestQBPauseRoutesDifferByVersion proves 4.x has pause/resume and 5.x stop/start, the
// other pair answering 404 and GET on an existing one 405.
func TestQBPauseRoutesDifferByVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version, route, method string
		want                   int
	}{
		{servicetest.QBVersion4, "pause", http.MethodPost, 200},
		{servicetest.QBVersion4, "resume", http.MethodPost, 200},
		{servicetest.QBVersion4, "stop", http.MethodPost, 404},
		{servicetest.QBVersion4, "start", http.MethodPost, 404},
		{servicetest.QBVersion4, "pause", http.MethodGet, 405},
		{servicetest.QBVersion5, "stop", http.MethodPost, 200},
		{servicetest.QBVersion5, "start", http.MethodPost, 200},
		{servicetest.QBVersion5, "pause", http.MethodPost, 404},
		{servicetest.QBVersion5, "resume", http.MethodPost, 404},
		{servicetest.QBVersion5, "stop", http.MethodGet, 405},
	}
	for _, tt := range tests {
		t.Run(tt.version+" "+tt.method+" "+tt.route, func(t *testing.T) {
			t.Parallel()
			qb := servicetest.NewQBittorrent(servicetest.QBOptions{Version: tt.version, LocalhostBypass: true})
			srv := servicetest.Serve(t, qb)
			var form url.Values
			if tt.method == http.MethodPost {
				form = url.Values{"hashes": {"all"}}
			}
			if r := do(t, nil, tt.method, srv.URL+"/api/v2/torrents/"+tt.route, nil, form); r.status != tt.want {
				t.Errorf("status %d, want %d", r.status, tt.want)
			}
		})
	}
}

// TestQBPauseUsesVersionStateNames proves pausing a World download shows pausedDL on
// 4.x and stoppedDL on 5.x, and that its progress stands still until resumed.
func TestQBPauseUsesVersionStateNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version, pause, resume, want string
	}{
		{servicetest.QBVersion4, "pause", "resume", "pausedDL"},
		{servicetest.QBVersion5, "stop", "start", "stoppedDL"},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			clock := newClock()
			world := servicetest.NewWorld(servicetest.WorldOptions{Seed: 5, Clock: clock.Now, Torrents: 3})
			var hash string
			for _, s := range world.Snapshot() {
				if s.Phase == servicetest.PhaseDownloading {
					hash = s.Hash
				}
			}
			if hash == "" {
				t.Fatal("world has no downloading torrent")
			}
			qb := servicetest.NewQBittorrent(servicetest.QBOptions{Version: tt.version, LocalhostBypass: true, World: world})
			srv := servicetest.Serve(t, qb)
			// Upper-case hashes are accepted, as the real server parses hex in any case.
			do(t, nil, http.MethodPost, srv.URL+"/api/v2/torrents/"+tt.pause, nil, url.Values{"hashes": {strings.ToUpper(hash)}})

			var got []map[string]any
			decode(t, get(t, srv.URL+"/api/v2/torrents/info?hashes="+hash, "").body, &got)
			if len(got) != 1 || got[0]["state"] != tt.want || got[0]["hash"] != hash {
				t.Fatalf("after pause: %v", got)
			}
			before, _ := world.Status(hash)
			clock.Advance(60e9)
			after, _ := world.Status(hash)
			if after.Done != before.Done {
				t.Fatalf("paused download moved from %d to %d", before.Done, after.Done)
			}
			do(t, nil, http.MethodPost, srv.URL+"/api/v2/torrents/"+tt.resume, nil, url.Values{"hashes": {hash}})
			clock.Advance(1e9)
			if s, _ := world.Status(hash); s.Phase != servicetest.PhaseDownloading || s.Done <= after.Done {
				t.Errorf("after resume: phase %s done %d (was %d)", s.Phase, s.Done, after.Done)
			}
		})
	}
}

// TestQBTorrentFilters proves filter, category and hashes narrow torrents/info, with
// the stopped filter named per version.
func TestQBTorrentFilters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version, query string
		want           int
	}{
		{servicetest.QBVersion5, "", 13},
		{servicetest.QBVersion5, "filter=stopped", 2},
		{servicetest.QBVersion5, "filter=paused", 13}, // 4.x name: unknown on 5.x, like all
		{servicetest.QBVersion4, "filter=paused", 2},
		{servicetest.QBVersion5, "filter=stalled", 2},
		{servicetest.QBVersion5, "filter=errored", 2},
		{servicetest.QBVersion5, "filter=active", 1},
		{servicetest.QBVersion5, "category=" + servicetest.CategorySonarr, 13},
		{servicetest.QBVersion5, "category=", 0},
		{servicetest.QBVersion5, "hashes=" + servicetest.CaseHash(0) + "|" + servicetest.CaseHash(4), 2},
		{servicetest.QBVersion5, "sort=progress&reverse=true&limit=3", 3},
		{servicetest.QBVersion5, "offset=-2", 2},
	}
	for _, tt := range tests {
		t.Run(tt.version+" "+tt.query, func(t *testing.T) {
			t.Parallel()
			qb := servicetest.NewQBittorrent(servicetest.QBOptions{Version: tt.version, LocalhostBypass: true})
			qb.SetTorrents(servicetest.CaseTorrentStates(tt.version == servicetest.QBVersion5))
			srv := servicetest.Serve(t, qb)
			var got []map[string]any
			decode(t, get(t, srv.URL+"/api/v2/torrents/info?"+tt.query, "").body, &got)
			if len(got) != tt.want {
				t.Errorf("%d torrents, want %d", len(got), tt.want)
			}
		})
	}
}

// TestQBMainDataKeysTorrentsByHash proves sync/maindata is a full update keyed by hash.
func TestQBMainDataKeysTorrentsByHash(t *testing.T) {
	t.Parallel()
	qb := servicetest.NewQBittorrent(servicetest.QBOptions{LocalhostBypass: true})
	qb.SetTorrents(servicetest.CaseTorrentStates(false))
	srv := servicetest.Serve(t, qb)
	var md struct {
		Rid        int                       `json:"rid"`
		FullUpdate bool                      `json:"full_update"`
		Torrents   map[string]map[string]any `json:"torrents"`
		State      map[string]any            `json:"server_state"`
	}
	decode(t, get(t, srv.URL+"/api/v2/sync/maindata", "").body, &md)
	tor, ok := md.Torrents[servicetest.CaseHash(0)]
	if md.Rid != 1 || !md.FullUpdate || !ok || tor["state"] != "pausedDL" || md.State["connection_status"] != "connected" {
		t.Errorf("maindata rid %d full %v torrent %v state %v", md.Rid, md.FullUpdate, tor, md.State)
	}
}
