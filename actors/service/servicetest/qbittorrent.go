package servicetest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
)

// Versions the simulated qBittorrent can report.
const (
	QBVersion4  = "4.5.2" // WebAPI 2.8.19: torrents/pause and torrents/resume
	QBVersion5  = "5.0.2" // WebAPI 2.11.2: torrents/stop and torrents/start
	QBVersion51 = "5.1.2" // 5.x routes with 5.1's torrent fields
)

// BanMessage is the body of every 403 a banned IP receives.
const BanMessage = "Your IP address has been banned after too many failed authentication attempts."

// QBOptions configures NewQBittorrent.
type QBOptions struct {
	// Version is "4.5.2" (default) or "5.0.2"; any "5.x" behaves as 5.x, anything else
	// as 4.x, and 5.1 or later sends 5.1's torrent fields (private instead of isPrivate,
	// has_metadata, popularity, root_path). A leading "v" is allowed.
	Version string
	// WebAPIVersion overrides what app/webapiVersion reports; empty: "2.8.19" on 4.x,
	// "2.11.2" on 5.0, "2.11.4" on 5.1 and later.
	WebAPIVersion string
	// Username and Password are the WebUI credentials; empty: admin / adminadmin.
	Username, Password string
	// CookieName is the session cookie's name; empty: SID.
	CookieName string
	// BanAfter is how many failed logins ban the client's IP; 0: 5; negative: never.
	BanAfter int
	// LocalhostBypass lets loopback clients call every route without logging in.
	LocalhostBypass bool
	// World supplies the torrents; nil: none until SetTorrents.
	World *World
}

// QBittorrent is a simulated qBittorrent WebUI API v2 (4.x or 5.x): auth, app version,
// torrents/info, transfer/info, sync/maindata, pause/resume or stop/start, delete.
// It is an http.Handler and safe for concurrent use.
type QBittorrent struct {
	*core
	opts QBOptions
	v5   bool // 5.x: stop/start, stoppedDL/stoppedUP
	v51  bool // 5.1 and later: the torrent field set of 5.1

	mu       sync.Mutex
	sessions map[string]bool
	failures map[string]int
	banned   map[string]bool
	torrents []map[string]any // nil: from the World
	rid      int
}

// NewQBittorrent returns a simulated qBittorrent.
func NewQBittorrent(opts QBOptions) *QBittorrent {
	opts.Version = strings.TrimPrefix(opts.Version, "v")
	if opts.Version == "" {
		opts.Version = QBVersion4
	}
	v5 := strings.HasPrefix(opts.Version, "5.")
	v51 := v5 && !strings.HasPrefix(opts.Version, "5.0")
	if opts.WebAPIVersion == "" {
		switch {
		case v51:
			opts.WebAPIVersion = "2.11.4"
		case v5:
			opts.WebAPIVersion = "2.11.2"
		default:
			opts.WebAPIVersion = "2.8.19"
		}
	}
	if opts.Username == "" && opts.Password == "" {
		opts.Username, opts.Password = "admin", "adminadmin"
	}
	if opts.CookieName == "" {
		opts.CookieName = "SID"
	}
	if opts.BanAfter == 0 {
		opts.BanAfter = 5
	}
	return &QBittorrent{
		core: newCore(qbFailBody), opts: opts, v5: v5, v51: v51,
		sessions: map[string]bool{}, failures: map[string]int{}, banned: map[string]bool{},
	}
}

// Version returns the application version without the "v" ("4.5.2").
func (q *QBittorrent) Version() string { return q.opts.Version }

// CookieName returns the session cookie's name.
func (q *QBittorrent) CookieName() string { return q.opts.CookieName }

// ExpireSessions invalidates every session cookie handed out so far: data calls carrying
// one answer 403 until the client logs in again.
func (q *QBittorrent) ExpireSessions() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.sessions = map[string]bool{}
}

// Unban lifts every IP ban and forgets failed login counts.
func (q *QBittorrent) Unban() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.banned = map[string]bool{}
	q.failures = map[string]int{}
}

// Banned reports whether ip (as in "127.0.0.1") is banned.
func (q *QBittorrent) Banned(ip string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.banned[ip]
}

// Sessions returns how many session cookies are valid.
func (q *QBittorrent) Sessions() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.sessions)
}

// SetTorrents makes torrents/info exactly torrents (raw JSON objects, filtered and sorted
// by their own fields, served otherwise as given). nil returns to the World's torrents.
func (q *QBittorrent) SetTorrents(torrents []map[string]any) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.torrents = cloneRecords(torrents)
}

// ServeHTTP answers one request.
func (q *QBittorrent) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isControl(r.URL.Path) {
		q.serveControl(w, r)
		return
	}
	q.serve(w, r, r.URL.Path, http.HandlerFunc(q.serveAPI))
}

// serveAPI applies the ban, login and session rules, then dispatches the route.
func (q *QBittorrent) serveAPI(w http.ResponseWriter, r *http.Request) {
	ip := clientIP(r)
	if q.Banned(ip) {
		writeText(w, http.StatusForbidden, BanMessage)
		return
	}
	switch r.URL.Path {
	case "/api/v2/auth/login":
		q.serveLogin(w, r, ip)
		return
	case "/api/v2/auth/logout":
		q.serveLogout(w, r)
		return
	}
	if !q.authorized(r, ip) {
		writeText(w, http.StatusForbidden, "Forbidden")
		return
	}
	q.serveData(w, r)
}

// serveLogin checks the form credentials and hands out a session cookie.
func (q *QBittorrent) serveLogin(w http.ResponseWriter, r *http.Request, ip string) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, http.MethodPost)
		return
	}
	user, pass := r.PostFormValue("username"), r.PostFormValue("password")
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(q.opts.Username)) == 1
	passOK := subtle.ConstantTimeCompare([]byte(pass), []byte(q.opts.Password)) == 1
	if !userOK || !passOK {
		q.mu.Lock()
		q.failures[ip]++
		if q.opts.BanAfter > 0 && q.failures[ip] >= q.opts.BanAfter {
			q.banned[ip] = true
		}
		q.mu.Unlock()
		writeText(w, http.StatusOK, "Fails.")
		return
	}

	sid := newSessionID()
	q.mu.Lock()
	delete(q.failures, ip)
	q.sessions[sid] = true
	q.mu.Unlock()
	http.SetCookie(w, &http.Cookie{
		Name: q.opts.CookieName, Value: sid, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
	writeText(w, http.StatusOK, "Ok.")
}

// serveLogout ends the caller's session.
func (q *QBittorrent) serveLogout(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, http.MethodPost)
		return
	}
	if c, err := r.Cookie(q.opts.CookieName); err == nil {
		q.mu.Lock()
		delete(q.sessions, c.Value)
		q.mu.Unlock()
	}
	w.WriteHeader(http.StatusOK)
}

// authorized reports whether r carries a live session cookie, or may bypass login.
func (q *QBittorrent) authorized(r *http.Request, ip string) bool {
	if q.opts.LocalhostBypass {
		if a, err := netip.ParseAddr(ip); err == nil && a.IsLoopback() {
			return true
		}
	}
	c, err := r.Cookie(q.opts.CookieName)
	if err != nil {
		return false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.sessions[c.Value]
}

// serveControl answers the simulator's own routes: faults, session expiry, unban.
func (q *QBittorrent) serveControl(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_sim/faults":
		q.serveFaultControl(w, r)
	case "/_sim/expire":
		q.ExpireSessions()
		w.WriteHeader(http.StatusNoContent)
	case "/_sim/unban":
		q.Unban()
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}

// clientIP returns the host part of r.RemoteAddr.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// newSessionID draws a 32-character session id.
func newSessionID() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
