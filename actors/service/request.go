package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// apiKeyHeader carries the *arr API key; it never goes in a query string.
const apiKeyHeader = "X-Api-Key"

// userAgent identifies discarr to the services it polls.
const userAgent = "discarr"

// api is the request plumbing every client shares: one service's base URL, HTTP
// client, limits and credentials.
type api struct {
	app, service string
	base         *url.URL
	client       *http.Client
	timeout      time.Duration
	maxBody      int64
	apiKey       string
	// secrets are scrubbed from every text the service sends back.
	secrets []string
}

// call describes one request.
type call struct {
	method string
	path   string     // below the base path, e.g. "api/v3/queue"
	query  url.Values // may be nil
	form   url.Values // a POST body, may be nil
	accept string     // default application/json
}

// reply is a complete answer: any status, and the body read in full within the cap.
type reply struct {
	status int
	header http.Header
	body   []byte
	url    string // redacted
}

// endpoint returns the URL of path below the base path, joined with exactly one slash.
func (a *api) endpoint(path string, q url.Values) *url.URL {
	u := a.base.JoinPath(path)
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	return u
}

// do sends c and reads the whole answer under Options.Timeout and ctx. Only transport
// failures are errors here; statuses are the caller's to judge.
func (a *api) do(ctx context.Context, op string, c call) (*reply, error) {
	ctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	start := time.Now()
	deadline, _ := ctx.Deadline()
	wait := deadline.Sub(start)

	u := a.endpoint(c.path, c.query)
	shown := redactURL(u)
	req, err := a.request(ctx, c, u)
	if err != nil {
		return nil, &Error{Op: op, App: a.app, Service: a.service, URL: shown, Err: err}
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, a.transportError(ctx, op, shown, err, wait)
	}
	defer resp.Body.Close()

	body, err := readCapped(resp, a.maxBody)
	if err != nil {
		e := a.transportError(ctx, op, shown, err, wait)
		e.Status = resp.StatusCode
		if e.Kind == Network && errors.Is(err, io.ErrUnexpectedEOF) {
			e.Kind, e.summary = Decode, "truncated response (the connection closed early)"
		}
		return nil, e
	}
	return &reply{status: resp.StatusCode, header: resp.Header, body: body, url: shown}, nil
}

// request builds the *http.Request for c. It sends no Origin or Referer: qBittorrent's
// CSRF check compares them with the Host, and a proxy may rewrite either.
func (a *api) request(ctx context.Context, c call, u *url.URL) (*http.Request, error) {
	var body io.Reader
	if c.form != nil {
		body = strings.NewReader(c.form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, c.method, u.String(), body)
	if err != nil {
		return nil, err
	}
	accept := c.accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", userAgent)
	if c.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if a.apiKey != "" {
		req.Header.Set(apiKeyHeader, a.apiKey)
	}
	return req, nil
}

// readCapped reads a body of at most max bytes.
func readCapped(resp *http.Response, max int64) ([]byte, error) {
	if resp.ContentLength > max {
		return nil, errTooLarge
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > max {
		return nil, errTooLarge
	}
	return body, nil
}

// getJSON GETs path and decodes a 2xx JSON answer into v.
func (a *api) getJSON(ctx context.Context, op, path string, q url.Values, v any) error {
	r, err := a.do(ctx, op, call{method: http.MethodGet, path: path, query: q})
	if err != nil {
		return err
	}
	if r.status < 200 || r.status > 299 {
		return a.statusErr(op, r)
	}
	done, err := decoding(ctx)
	if err != nil {
		return a.transportError(ctx, op, "", err, 0)
	}
	defer done()
	return a.decode(op, r, v)
}

// decode unmarshals a 2xx answer's body into v.
func (a *api) decode(op string, r *reply, v any) error {
	if b := bytes.TrimSpace(r.body); len(b) > 0 && b[0] == '<' {
		return a.decodeErr(op, r, errors.New("HTML instead of JSON"))
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		return a.decodeErr(op, r, err)
	}
	return nil
}
