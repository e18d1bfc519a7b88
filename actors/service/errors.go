package service

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
)

// ErrorKind classifies a failure by what an admin would do about it.
type ErrorKind uint8

// The kinds of failure.
const (
	// Other is a failure of no better-known kind.
	Other ErrorKind = iota
	// Timeout: no complete answer before the deadline.
	Timeout
	// Canceled: the caller gave up (discarr is stopping or reloading).
	Canceled
	// Refused: nothing listens at the address.
	Refused
	// DNS: the host name did not resolve.
	DNS
	// TLS: the handshake failed, usually an untrusted certificate.
	TLS
	// Network: the connection broke in another way.
	Network
	// Auth: the service rejected the credentials (401, 403, a refused login).
	Auth
	// NotFound: 404, usually a wrong URL or base path.
	NotFound
	// Server: the service failed (5xx other than the proxy ones).
	Server
	// Proxy: a gateway in front of the service answered 502, 503 or 504.
	Proxy
	// BadRequest: another 4xx status.
	BadRequest
	// Decode: the answer was not what the API promises (HTML, truncated JSON...).
	Decode
	// TooLarge: the answer exceeded Options.MaxBody.
	TooLarge
	// Banned: qBittorrent banned the IP after failed logins, or discarr is waiting out
	// the back-off it imposes on itself after a refused login.
	Banned
)

var kindNames = [...]string{
	Other: "other", Timeout: "timeout", Canceled: "canceled", Refused: "refused", DNS: "dns",
	TLS: "tls", Network: "network", Auth: "auth", NotFound: "not_found", Server: "server",
	Proxy: "proxy", BadRequest: "bad_request", Decode: "decode", TooLarge: "too_large",
	Banned: "banned",
}

// String names the kind in snake_case, for logs and metrics labels.
func (k ErrorKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Error is every failure a client returns, so that callers can errors.As it and people
// can read its Summary. It never holds a secret: URLs are redacted and the service's
// own words are scrubbed of the API key and password.
type Error struct {
	// Op is the call that failed, e.g. "get queue page 2".
	Op string
	// App names the kind as people write it ("Sonarr"); Service is the instance name.
	App, Service string
	// URL is the request URL, redacted; empty when no request was sent.
	URL string
	// Status is the HTTP status, 0 when none arrived.
	Status int
	// Kind classifies the failure.
	Kind ErrorKind
	// Message is the service's own short explanation, where it gave one.
	Message string
	// Wait is how long a timed-out request waited.
	Wait time.Duration
	// Limit is the body cap a TooLarge answer exceeded.
	Limit int64
	// Err is the underlying cause.
	Err error

	// summary, when set, replaces the Summary derived from Kind.
	summary string
}

// Error names the operation and the URL, and wraps the cause.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.URL != "" {
		b.WriteString(" ")
		b.WriteString(e.URL)
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString(e.Summary())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Summary says in an admin's words what went wrong and, where it can, what to check.
// It stays the same while the failure does, so that a board showing it does not change.
func (e *Error) Summary() string {
	if e.summary != "" {
		return e.summary
	}
	app := e.App
	if app == "" {
		app = "the service"
	}
	switch e.Kind {
	case Timeout:
		return "timed out after " + roundWait(e.Wait).String()
	case Canceled:
		return "canceled"
	case Refused:
		return "connection refused"
	case DNS:
		return dnsSummary(e.Err)
	case TLS:
		return tlsSummary(e.Err)
	case Network:
		return "connection failed (" + rootCause(e.Err) + ")"
	case Auth:
		return e.authSummary(app)
	case NotFound:
		return "not found (404): check the URL and its base path (urlBase)"
	case Server:
		return fmt.Sprintf("%s API error (%d): %s", app, e.Status, e.messageOrStatus())
	case Proxy:
		return fmt.Sprintf("%s is unreachable behind a proxy (%d %s): is it running?",
			app, e.Status, http.StatusText(e.Status))
	case BadRequest:
		return fmt.Sprintf("%s refused the request (%d): %s", app, e.Status, e.messageOrStatus())
	case Decode:
		return "answered something that is not the API's JSON"
	case TooLarge:
		return "response over " + humanize.IBytes(uint64(e.Limit))
	case Banned:
		return "qBittorrent banned this IP after failed logins"
	}
	if e.Err != nil {
		return rootCause(e.Err)
	}
	return "failed"
}

// authSummary words a rejection by an *arr app.
func (e *Error) authSummary(app string) string {
	if e.Status == http.StatusForbidden {
		return app + " refused access (403): check api_key and any proxy access rules"
	}
	return fmt.Sprintf("%s rejected the API key (%d): check api_key", app, e.Status)
}

// messageOrStatus returns the service's message, else the status text.
func (e *Error) messageOrStatus() string {
	if e.Message != "" {
		return e.Message
	}
	return http.StatusText(e.Status)
}

// roundWait rounds a waited duration the way people say it: 10s, 1.5s, 250ms.
func roundWait(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// dnsSummary words a failed lookup.
func dnsSummary(err error) string {
	var de *net.DNSError
	if errors.As(err, &de) && !de.IsNotFound {
		return "DNS lookup failed (" + de.Err + ")"
	}
	return "host not found"
}

// tlsSummary words a failed handshake, naming the x509 complaint.
func tlsSummary(err error) string {
	var (
		ua x509.UnknownAuthorityError
		he x509.HostnameError
		ci x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &ua):
		return "untrusted certificate (" + ua.Error() + "): set ca_file or insecure_skip_verify"
	case errors.As(err, &he):
		return "certificate is for another host (" + he.Error() + "): check the URL's host"
	case errors.As(err, &ci):
		return "invalid certificate (" + ci.Error() + "): renew it or set insecure_skip_verify"
	}
	if strings.Contains(rootCause(err), "does not look like a TLS handshake") {
		return "TLS handshake failed: the port speaks plain HTTP, use an http:// URL"
	}
	return "TLS handshake failed (" + rootCause(err) + ")"
}

// rootCause returns the text of the innermost error of a chain.
func rootCause(err error) string {
	if err == nil {
		return "unknown cause"
	}
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}
