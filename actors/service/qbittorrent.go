package service

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"time"

	"github.com/discarr/discarr/messages"
)

// qbClient speaks qBittorrent's WebUI API v2. It logs in with a form, keeps whatever
// session cookie the server sets (SID, or QBT_SID_<port> in 5.x) in a jar of its own,
// logs in again once when a session expires, and backs off after a refused login so
// that it can never earn an IP ban by retrying.
type qbClient struct {
	api        *api
	name, kind string
	user, pass string
	log        *slog.Logger
	shapes     *shapeLog
	now        func() time.Time

	loggedIn bool
	gate     *loginGate
	// version is the last app version read; webAPI its WebAPI version, read once per
	// version, for choosing pause/resume (before 2.11) or stop/start (2.11 on).
	version, webAPI string
}

// newQBittorrent builds a qBittorrent client with its own cookie jar.
func newQBittorrent(o Options, a *api) (Client, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	a.client.Jar = jar
	return &qbClient{
		api: a, name: o.Name, kind: o.Kind, user: o.Username, pass: o.Password,
		log: o.Logger, shapes: newShapeLog(o.Logger), now: time.Now,
		gate: sharedGate(a.base.String(), o.Username, o.Password),
	}, nil
}

// Poll reads torrents/info.
func (q *qbClient) Poll(ctx context.Context) (messages.Snapshot, error) {
	start := time.Now()
	snap := messages.Snapshot{Service: q.name, Kind: q.kind, At: start}
	r, err := q.get(ctx, "get torrents", "api/v2/torrents/info")
	var done func()
	if err == nil {
		if done, err = decoding(ctx); err != nil {
			err = q.api.transportError(ctx, "get torrents", "", err, 0)
		}
	}
	if err == nil {
		var raws []json.RawMessage
		if err = q.api.decode("get torrents", r, &raws); err == nil {
			snap.Downloads, snap.Skipped = q.torrents(raws, start)
			snap.Total = len(raws)
		}
		done()
	}
	snap.Latency = time.Since(start)
	if err != nil {
		snap.Err = summaryOf(err)
		return snap, err
	}
	return snap, nil
}

// Probe reads app/version (the liveness check), app/webapiVersion (once per version)
// and transfer/info.
func (q *qbClient) Probe(ctx context.Context) (Probe, error) {
	var p Probe
	start := time.Now()
	version, err := q.text(ctx, "get app version", "api/v2/app/version")
	p.Latency = time.Since(start)
	if err != nil {
		return p, err
	}
	p.Version = strings.TrimPrefix(version, "v")
	if version != q.version || q.webAPI == "" {
		api, err := q.text(ctx, "get webapi version", "api/v2/app/webapiVersion")
		if err != nil {
			return p, err
		}
		q.version, q.webAPI = version, api
	}
	p.API = q.webAPI

	r, err := q.get(ctx, "get transfer info", "api/v2/transfer/info")
	if err != nil {
		return p, err
	}
	var info qbTransfer
	if err := q.api.decode("get transfer info", r, &info); err != nil {
		return p, err
	}
	p.Stats = info.stats()
	p.Warnings = info.warnings()
	return p, nil
}

// WebAPIVersion returns the WebAPI version the last probe read, "" before one did.
func (q *qbClient) WebAPIVersion() string { return q.webAPI }

// text GETs a plain-text endpoint.
func (q *qbClient) text(ctx context.Context, op, path string) (string, error) {
	r, err := q.get(ctx, op, path)
	if err != nil {
		return "", err
	}
	body := bytes.TrimSpace(r.body)
	if looksHTML(r) || len(body) > 64 {
		return "", q.unexpected(op, r, "a version")
	}
	return string(body), nil
}

// get sends a GET through the login logic: in back-off it fails at once without
// touching the network; it logs in first when it has credentials but no session; on a
// 403 from an existing session it logs in again once and retries once.
func (q *qbClient) get(ctx context.Context, op, path string) (*reply, error) {
	if err := q.gate.closed(op, q.api, q.now()); err != nil {
		return nil, err
	}
	fresh := false
	if q.hasCredentials() && !q.loggedIn {
		if err := q.login(ctx); err != nil {
			return nil, err
		}
		fresh = true
	}
	c := call{method: http.MethodGet, path: path, accept: "application/json, text/plain"}
	r, err := q.api.do(ctx, op, c)
	if err != nil {
		return nil, err
	}
	if r.status == http.StatusForbidden && q.hasCredentials() && !fresh {
		q.loggedIn = false
		q.log.Debug("qbittorrent session expired, logging in again")
		if err := q.login(ctx); err != nil {
			return nil, err
		}
		if r, err = q.api.do(ctx, op, c); err != nil {
			return nil, err
		}
	}
	if r.status < 200 || r.status > 299 {
		return nil, q.statusErr(op, r)
	}
	return r, nil
}

// hasCredentials reports whether a login is configured; without one the client relies
// on qBittorrent's localhost or subnet bypass and never calls auth/login.
func (q *qbClient) hasCredentials() bool { return q.user != "" || q.pass != "" }

// statusErr words qBittorrent's refusals: a 401 comes from its CSRF and Host-header
// checks (a proxy's Origin or Referer), a 403 from a missing session or a ban.
func (q *qbClient) statusErr(op string, r *reply) *Error {
	e := q.api.statusErr(op, r)
	switch r.status {
	case http.StatusUnauthorized:
		e.summary = "401 from qBittorrent: CSRF/Host-header check or proxy headers"
	case http.StatusForbidden:
		if q.hasCredentials() {
			e.summary = "qBittorrent refused the session right after login (403): is the IP banned?"
		} else {
			e.summary = "qBittorrent refused access (403): set username and password, " +
				"or allow this IP without login"
		}
	}
	return e
}

// unexpected builds the *Error for a plain-text answer that is not the one expected.
func (q *qbClient) unexpected(op string, r *reply, want string) *Error {
	e := q.api.decodeErr(op, r, errUnexpectedText)
	if !looksHTML(r) {
		got := q.api.scrub(clip(string(bytes.ToValidUTF8(r.body, nil))))
		e.summary = fmt.Sprintf("qBittorrent answered %q, not %s", got, want)
	}
	return e
}
