package realqbit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"
)

// httpTimeout bounds each WebUI call the harness makes.
const httpTimeout = 10 * time.Second

// ErrBadCredentials is returned by LoginAs when the WebUI answers "Fails.".
var ErrBadCredentials = errors.New("qBittorrent WebUI rejected the username or password")

// StatusError is a WebUI answer with an unexpected HTTP status.
type StatusError struct {
	Op     string // the API call, e.g. "torrents/add"
	Status int
	Body   string
}

// Error names the call, the status and the start of the body.
func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: HTTP %d: %s", e.Op, e.Status, e.Body)
}

// Login returns an HTTP client that holds a session cookie for d's
// Username and Password.
func (d *Daemon) Login(ctx context.Context) (*http.Client, error) {
	return d.LoginAs(ctx, d.Username, d.Password)
}

// LoginAs logs in with the given credentials and returns a client holding
// the session cookie. A rejected login wraps ErrBadCredentials.
func (d *Daemon) LoginAs(ctx context.Context, username, password string) (*http.Client, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, fmt.Errorf("log in to %s: %w", d.URL, err)
	}
	client := &http.Client{Jar: jar, Timeout: httpTimeout}
	form := url.Values{"username": {username}, "password": {password}}
	body, err := d.call(ctx, client, "auth/login", form)
	if err != nil {
		return nil, fmt.Errorf("log in to %s: %w", d.URL, err)
	}
	switch strings.TrimSpace(body) {
	case "Ok.":
		return client, nil
	case "Fails.":
		return nil, fmt.Errorf("log in to %s as %q: %w", d.URL, username, ErrBadCredentials)
	default:
		return nil, fmt.Errorf("log in to %s: unexpected answer %q", d.URL, body)
	}
}

// harnessClient returns the logged-in client the harness uses itself,
// logging in again after forget.
func (d *Daemon) harnessClient(ctx context.Context) (*http.Client, error) {
	d.clientMu.Lock()
	defer d.clientMu.Unlock()
	if d.client != nil {
		return d.client, nil
	}
	client, err := d.Login(ctx)
	if err != nil {
		return nil, err
	}
	d.client = client
	return client, nil
}

// forget drops the harness's client after its session expired.
func (d *Daemon) forget(client *http.Client) {
	d.clientMu.Lock()
	defer d.clientMu.Unlock()
	if d.client == client {
		d.client = nil
	}
}

// authed runs one call with the harness's client, logging in once more when
// the session has expired (the WebUI then answers 403).
func (d *Daemon) authed(ctx context.Context, op string, form url.Values) (string, error) {
	for try := 0; ; try++ {
		client, err := d.harnessClient(ctx)
		if err != nil {
			return "", err
		}
		body, err := d.call(ctx, client, op, form)
		var se *StatusError
		if try == 0 && errors.As(err, &se) && se.Status == http.StatusForbidden {
			d.forget(client)
			continue
		}
		return body, err
	}
}

// call sends one API request: a GET when form is nil, otherwise a POST of
// the form. It returns the body of a 200 answer.
func (d *Daemon) call(ctx context.Context, client *http.Client, op string, form url.Values) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.URL+"/api/v2/"+op, nil)
	if form != nil {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, d.URL+"/api/v2/"+op,
			strings.NewReader(form.Encode()))
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return d.do(client, op, req)
}

// do sends req and returns the body of a 200 answer.
func (d *Daemon) do(client *http.Client, op string, req *http.Request) (string, error) {
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return "", fmt.Errorf("%s: read body: %w", op, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", &StatusError{Op: op, Status: resp.StatusCode, Body: truncate(string(b), 200)}
	}
	return string(b), nil
}

// get sends an authenticated GET and decodes the JSON answer into v.
func (d *Daemon) get(ctx context.Context, op string, query url.Values, v any) error {
	if len(query) > 0 {
		op += "?" + query.Encode()
	}
	body, err := d.authed(ctx, op, nil)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		return fmt.Errorf("%s: decode: %w", op, err)
	}
	return nil
}

// post sends an authenticated form POST and discards the answer.
func (d *Daemon) post(ctx context.Context, op string, form url.Values) error {
	_, err := d.authed(ctx, op, form)
	return err
}

// preferences is the part of app/preferences the harness reads.
type preferences struct {
	SavePath   string `json:"save_path"`
	ListenPort int    `json:"listen_port"`
	DLLimit    int64  `json:"dl_limit"`
}

// preferences reads the daemon's preferences.
func (d *Daemon) preferences(ctx context.Context) (preferences, error) {
	var p preferences
	err := d.get(ctx, "app/preferences", nil, &p)
	return p, err
}

// DownloadLimit reads the global download limit in bytes per second that
// the daemon applies (0 = unlimited).
func (d *Daemon) DownloadLimit(ctx context.Context) (int64, error) {
	p, err := d.preferences(ctx)
	return p.DLLimit, err
}

// truncate shortens s to at most n bytes.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
