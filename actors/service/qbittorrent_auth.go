package service

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Back-off after a refused login: qBittorrent bans an IP after a few failures (five by
// default, for an hour), so the client waits 1 min, then 2, 4... up to 30 min between
// attempts, and never retries within one poll.
const (
	firstLoginBackoff = time.Minute
	maxLoginBackoff   = 30 * time.Minute
)

// errUnexpectedText marks a plain-text answer that is not what the endpoint sends.
var errUnexpectedText = errors.New("unexpected text answer")

// loginGate holds the back-off after a refused login. The clients of one service (the
// service actor's and the probe actor's) share it, so that they do not fail logins
// twice as often as one would.
type loginGate struct {
	mu    sync.Mutex
	next  time.Duration // the next back-off; zero means firstLoginBackoff
	until time.Time
	cause *Error
}

// gates holds the login gates by server and credentials: new credentials after a
// config reload start with an open gate.
var gates = struct {
	sync.Mutex
	m map[[sha256.Size]byte]*loginGate
}{m: map[[sha256.Size]byte]*loginGate{}}

// sharedGate returns the gate of a server and login.
func sharedGate(base, user, pass string) *loginGate {
	key := sha256.Sum256([]byte(base + "\x00" + user + "\x00" + pass))
	gates.Lock()
	defer gates.Unlock()
	g, ok := gates.m[key]
	if !ok {
		g = &loginGate{}
		gates.m[key] = g
	}
	return g
}

// closed returns the error to answer with while the back-off lasts, else nil.
func (g *loginGate) closed(op string, a *api, now time.Time) *Error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cause == nil || !now.Before(g.until) {
		return nil
	}
	wait := g.until.Sub(now).Round(time.Second)
	return &Error{
		Op: op, App: a.app, Service: a.service, Kind: g.cause.Kind, Status: g.cause.Status,
		summary: g.cause.Summary(),
		Err:     fmt.Errorf("login paused for another %s after: %w", wait, g.cause),
	}
}

// shut starts the next, longer back-off after cause.
func (g *loginGate) shut(now time.Time, cause *Error) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	d := g.next
	if d == 0 {
		d = firstLoginBackoff
	}
	g.until, g.cause = now.Add(d), cause
	g.next = min(2*d, maxLoginBackoff)
	return d
}

// open ends any back-off after a good login.
func (g *loginGate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.next, g.until, g.cause = 0, time.Time{}, nil
}

// login posts the credentials once. "Ok." opens a session; "Fails." or a 403 (a ban)
// starts a back-off. Transport failures and 401s (the CSRF check, which does not count
// as a failed login) just fail this call.
func (q *qbClient) login(ctx context.Context) error {
	const op = "log in"
	form := url.Values{"username": {q.user}, "password": {q.pass}}
	c := call{method: http.MethodPost, path: "api/v2/auth/login", form: form, accept: "text/plain"}
	r, err := q.api.do(ctx, op, c)
	if err != nil {
		return err
	}
	body := bytes.TrimSpace(r.body)
	switch {
	case r.status == http.StatusOK && bytes.EqualFold(body, []byte("Ok.")):
		q.loggedIn = true
		q.gate.open()
		q.log.Debug("logged in to qbittorrent")
		return nil
	case r.status == http.StatusForbidden:
		e := q.api.statusErr(op, r)
		e.Kind, e.summary = Banned, ""
		return q.backOff(e)
	case r.status == http.StatusOK && bytes.EqualFold(body, []byte("Fails.")):
		e := &Error{
			Op: op, App: q.api.app, Service: q.name, URL: r.url, Status: r.status, Kind: Auth,
			Err:     errors.New("login refused"),
			summary: "qBittorrent rejected the login: check username and password",
		}
		return q.backOff(e)
	case r.status == http.StatusOK:
		// Neither answer qBittorrent gives: a proxy's page, say. It may still have
		// counted as a failure, so back off all the same.
		return q.backOff(q.unexpected(op, r, "Ok. or Fails."))
	}
	return q.statusErr(op, r)
}

// backOff shuts the gate after a refused login, logs the decision and returns e.
func (q *qbClient) backOff(e *Error) error {
	q.loggedIn = false
	d := q.gate.shut(q.now(), e)
	q.log.Warn("qbittorrent refused the login; pausing logins",
		"retry_in", d.String(), "err", e.Summary())
	return e
}
