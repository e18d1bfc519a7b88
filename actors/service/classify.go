package service

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// maxMessage caps the service's own words quoted in a Summary, in runes.
const maxMessage = 200

// errTooLarge marks a body that exceeded the cap.
var errTooLarge = errors.New("response body over the size cap")

// statusError is the cause of an *Error built from an HTTP status.
type statusError struct {
	code    int
	message string
}

func (s *statusError) Error() string {
	text := fmt.Sprintf("status %d %s", s.code, http.StatusText(s.code))
	if s.message != "" {
		text += ": " + s.message
	}
	return text
}

// transportError turns a failed round trip or body read into an *Error.
func (a *api) transportError(
	ctx context.Context, op, u string, err error, wait time.Duration,
) *Error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its text repeats the URL unredacted; ours goes in Error.URL
	}
	e := &Error{Op: op, App: a.app, Service: a.service, URL: u, Err: err, Limit: a.maxBody}
	e.Kind = classify(ctx, err)
	e.Wait = wait
	return e
}

// classify says what kind of failure a transport error is.
func classify(ctx context.Context, err error) ErrorKind {
	var (
		ne  net.Error
		de  *net.DNSError
		rh  tls.RecordHeaderError
		cv  *tls.CertificateVerificationError
		ua  x509.UnknownAuthorityError
		he  x509.HostnameError
		ci  x509.CertificateInvalidError
		ae  tls.AlertError
		tle bool
	)
	tle = errors.As(err, &rh) || errors.As(err, &cv) || errors.As(err, &ua) ||
		errors.As(err, &he) || errors.As(err, &ci) || errors.As(err, &ae)
	switch {
	case errors.Is(err, errTooLarge):
		return TooLarge
	case errors.Is(err, context.Canceled) && ctx.Err() == context.Canceled:
		return Canceled
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded:
		return Timeout
	case errors.As(err, &ne) && ne.Timeout():
		return Timeout
	case errors.As(err, &de):
		return DNS
	case tle:
		return TLS
	case errors.Is(err, syscall.ECONNREFUSED):
		return Refused
	}
	return Network
}

// statusErr builds the *Error for a non-2xx answer.
func (a *api) statusErr(op string, r *reply) *Error {
	msg := a.scrub(serverMessage(r.body))
	e := &Error{
		Op: op, App: a.app, Service: a.service, URL: r.url, Status: r.status,
		Message: msg, Err: &statusError{code: r.status, message: msg},
	}
	switch s := r.status; {
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		e.Kind = Auth
	case s == http.StatusNotFound:
		e.Kind = NotFound
	case s == http.StatusBadGateway || s == http.StatusServiceUnavailable ||
		s == http.StatusGatewayTimeout:
		e.Kind = Proxy
	case s >= 500:
		e.Kind = Server
	default:
		e.Kind = BadRequest
	}
	return e
}

// serverMessage extracts a short explanation from an error body: the *arr ErrorModel's
// message, the first validation failure, or the first line of a plain-text body.
func serverMessage(body []byte) string {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] == '<' {
		return ""
	}
	var model struct {
		Message, Error, ErrorMessage string
	}
	if body[0] == '{' && json.Unmarshal(body, &model) == nil {
		return clip(firstNonEmpty(model.Message, model.Error, model.ErrorMessage))
	}
	var failures []struct{ ErrorMessage string }
	if body[0] == '[' && json.Unmarshal(body, &failures) == nil && len(failures) > 0 {
		return clip(failures[0].ErrorMessage)
	}
	if !utf8.Valid(body) {
		return ""
	}
	line, _, _ := strings.Cut(string(body), "\n")
	return clip(line)
}

// decodeErr builds the *Error for a 2xx answer whose body is not the JSON expected.
func (a *api) decodeErr(op string, r *reply, err error) *Error {
	e := &Error{
		Op: op, App: a.app, Service: a.service, URL: r.url, Status: r.status, Kind: Decode, Err: err,
	}
	var se *json.SyntaxError
	switch {
	case looksHTML(r):
		e.summary = "answered HTML, not JSON (a login page or a proxy?)"
	case errors.Is(err, io.ErrUnexpectedEOF) ||
		(errors.As(err, &se) && se.Offset >= int64(len(r.body))):
		e.summary = "truncated JSON"
	case len(bytes.TrimSpace(r.body)) == 0:
		e.summary = "answered an empty body, not JSON"
	default:
		e.summary = "answered invalid JSON (" + clip(err.Error()) + ")"
	}
	return e
}

// looksHTML reports whether a body is an HTML page.
func looksHTML(r *reply) bool {
	b := bytes.TrimSpace(r.body)
	if len(b) > 0 && b[0] == '<' {
		return true
	}
	return strings.Contains(strings.ToLower(r.header.Get("Content-Type")), "text/html")
}

// scrub replaces every secret in s.
func (a *api) scrub(s string) string {
	for _, secret := range a.secrets {
		s = strings.ReplaceAll(s, secret, "REDACTED")
	}
	return s
}

// redactURL renders u for errors and logs: no user info, and the values of query
// parameters that could carry a credential replaced.
func redactURL(u *url.URL) string {
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		q := c.Query()
		for k := range q {
			switch strings.ToLower(k) {
			case "apikey", "api_key", "token", "x-plex-token", "password", "pass", "key":
				q.Set(k, "REDACTED")
			}
		}
		c.RawQuery = q.Encode()
	}
	return c.String()
}

// clip shortens s to maxMessage runes.
func clip(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= maxMessage {
		return s
	}
	r := []rune(s)
	return string(r[:maxMessage-1]) + "…"
}

// firstNonEmpty returns the first of ss that is not empty.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
