package service_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeQBit is a qBittorrent WebUI API v2 with one login, sessions that can be expired,
// a ban switch and request counting.
type fakeQBit struct {
	t          testing.TB
	base       string
	user, pass string // both empty: the localhost bypass, no login needed
	cookie     string // the session cookie's name

	mu       sync.Mutex
	sid      string // the valid session, "" when none
	sessions int
	banned   bool
	always   int // when set, every data call answers this status
	version  string
	seen     seen
}

// newFakeQBit starts a fake qBittorrent below base.
func newFakeQBit(t testing.TB, base, user, pass string) (*fakeQBit, *httptest.Server) {
	f := &fakeQBit{t: t, base: base, user: user, pass: pass, cookie: "QBT_SID_8080", version: "v5.0.0"}
	ts := httptest.NewServer(f)
	t.Cleanup(ts.Close)
	return f, ts
}

func (f *fakeQBit) set(fn func(*fakeQBit)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// expire ends the current session, as qBittorrent does after its session timeout.
func (f *fakeQBit) expire() { f.set(func(f *fakeQBit) { f.sid = "" }) }

func (f *fakeQBit) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.seen.add(r)
	f.mu.Lock()
	defer f.mu.Unlock()
	path, ok := strings.CutPrefix(r.URL.Path, f.base+"/api/v2/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	if path == "auth/login" {
		f.login(w, r)
		return
	}
	if f.always != 0 {
		w.WriteHeader(f.always)
		return
	}
	if f.user != "" || f.pass != "" {
		c, err := r.Cookie(f.cookie)
		if err != nil || f.sid == "" || c.Value != f.sid {
			http.Error(w, "Forbidden", http.StatusForbidden)
			return
		}
	}
	f.data(w, path)
}

func (f *fakeQBit) login(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	if f.banned {
		http.Error(w, "Your IP address has been banned after too many failed authentication attempts.",
			http.StatusForbidden)
		return
	}
	if r.PostFormValue("username") != f.user || r.PostFormValue("password") != f.pass {
		_, _ = fmt.Fprint(w, "Fails.")
		return
	}
	f.sessions++
	f.sid = fmt.Sprintf("session-%d", f.sessions)
	http.SetCookie(w, &http.Cookie{Name: f.cookie, Value: f.sid, Path: "/", HttpOnly: true})
	_, _ = fmt.Fprint(w, "Ok.")
}

func (f *fakeQBit) data(w http.ResponseWriter, path string) {
	switch path {
	case "app/version":
		_, _ = fmt.Fprint(w, f.version)
	case "app/webapiVersion":
		if f.version == "v5.0.0" {
			_, _ = fmt.Fprint(w, "2.11.2")
		} else {
			_, _ = fmt.Fprint(w, "2.8.19")
		}
	case "torrents/info":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(fixture(f.t, "qbittorrent-torrents-info.json"))
	case "transfer/info":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(fixture(f.t, "qbittorrent-transfer-info.json"))
	default:
		http.NotFound(w, nil)
	}
}

// calls counts the requests to one endpoint below api/v2/.
func (f *fakeQBit) calls(endpoint string) int { return f.seen.count(f.base + "/api/v2/" + endpoint) }
