package supervisor_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/service"
	"github.com/discarr/discarr/actors/supervisor"
	"github.com/discarr/discarr/messages"
)

// Bodies a misbehaving Sonarr, or what stands in front of it, sends.
const (
	nginx502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
		"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	nginx503 = "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n" +
		"<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n" +
		"</body>\r\n</html>\r\n"
	loginPage = "<!DOCTYPE html>\n<html><head><title>Login - Authelia</title></head>\n" +
		"<body><form method=\"post\"><input name=\"username\"><input name=\"password\" type=\"password\">" +
		"</form></body></html>\n"
	notFoundPage = "<!doctype html><html><head><title>404 Not Found</title></head>" +
		"<body><h1>Not Found</h1></body></html>"
	dbError = `{"message":"database disk image is malformed",` +
		`"description":"code = Corrupt (11), message = System.Data.SQLite.SQLiteException"}`
	fiftyMB = 50 << 20
)

// backendFault is one way Sonarr can misbehave.
type backendFault struct {
	name string
	// serve starts the fault and returns the URL to configure for Sonarr, whether the
	// fault has fired, and a change to the supervisor's Options (or nil).
	serve func(t *testing.T, s *stack) (url string, fired func() bool, hook func(*supervisor.Options))
	// words are what Sonarr's health must say.
	words []string
	// check, when set, runs after the boards showed the fault.
	check func(t *testing.T)
}

// httpFault is a backendFault served by a plain-HTTP fault server.
func httpFault(h func(*faultServer) http.Handler) func(*testing.T, *stack) (string, func() bool, func(*supervisor.Options)) {
	return func(t *testing.T, _ *stack) (string, func() bool, func(*supervisor.Options)) {
		f := serveFault(t, false, h)
		return f.URL, func() bool { return f.requests.Load() > 0 }, nil
	}
}

func backendFaults() []backendFault {
	var slowSent, hugeMost atomic.Int64
	return []backendFault{
		{name: "accepts and never answers", words: []string{"timed out after 2s"},
			serve: func(t *testing.T, _ *stack) (string, func() bool, func(*supervisor.Options)) {
				l := serveSilence(t)
				return l.URL(), func() bool { return l.accepted.Load() > 0 }, nil
			}},
		{name: "answers one byte a second", words: []string{"timed out after 2s"},
			serve: func(t *testing.T, _ *stack) (string, func() bool, func(*supervisor.Options)) {
				f := serveFault(t, false, slowloris(&slowSent))
				return f.URL, func() bool { return slowSent.Load() > 0 }, nil
			}},
		{name: "closes mid-body", words: []string{"truncated", "closed early"},
			serve: httpFault(cutMidBody)},
		{name: "connection refused", words: []string{"connection refused"},
			serve: func(t *testing.T, _ *stack) (string, func() bool, func(*supervisor.Options)) {
				addr := closedPort(t)
				return "http://" + addr, func() bool {
					c, err := net.Dial("tcp", addr)
					if err == nil {
						_ = c.Close()
					}
					return errors.Is(err, syscall.ECONNREFUSED)
				}, nil
			}},
		{name: "host name does not resolve", words: []string{"host not found"},
			serve: func(t *testing.T, _ *stack) (string, func() bool, func(*supervisor.Options)) {
				stub := startDNSStub(t)
				hook := func(o *supervisor.Options) {
					o.HTTP = resolvingThrough("sonarr", stub.conn.LocalAddr().String())
				}
				return "http://sonarr.home.arpa:8989", func() bool { return stub.asked("sonarr.home.arpa") }, hook
			}},
		{name: "self-signed certificate", words: []string{"untrusted certificate", "ca_file"},
			serve: func(t *testing.T, s *stack) (string, func() bool, func(*supervisor.Options)) {
				f := serveFault(t, true, func(*faultServer) http.Handler { return s.sonarr })
				return f.URL, func() bool { return f.handshakes.Load() > 0 }, nil
			}},
		{name: "401 wrong API key", words: []string{"rejected the API key", "401", "check api_key"},
			serve: httpFault(answer(http.StatusUnauthorized, "", ""))},
		{name: "403 forbidden", words: []string{"refused access", "403", "proxy access rules"},
			serve: httpFault(answer(http.StatusForbidden, "text/plain", "Forbidden"))},
		{name: "404 wrong URL or urlBase", words: []string{"not found", "404", "urlBase"},
			serve: httpFault(answer(http.StatusNotFound, "text/html", notFoundPage))},
		{name: "500 with an error body", words: []string{"API error", "500", "database disk image is malformed"},
			serve: httpFault(answer(http.StatusInternalServerError, "application/json", dbError))},
		{name: "502 from a reverse proxy", words: []string{"behind a proxy", "502 Bad Gateway", "is it running"},
			serve: httpFault(answer(http.StatusBadGateway, "text/html", nginx502))},
		{name: "503 from a reverse proxy", words: []string{"behind a proxy", "503 Service Unavailable"},
			serve: httpFault(answer(http.StatusServiceUnavailable, "text/html", nginx503))},
		{name: "200 with an HTML login page", words: []string{"HTML", "login page"},
			serve: httpFault(answer(http.StatusOK, "text/html; charset=utf-8", loginPage))},
		{name: "truncated JSON", words: []string{"truncated JSON"},
			serve: httpFault(answer(http.StatusOK, "application/json", `{"appName":"Sonarr","version":"4.0.1`))},
		{name: "50 MB answer", words: []string{"response over 16 MiB"},
			serve: httpFault(hugeBody(fiftyMB, &hugeMost)),
			check: func(t *testing.T) {
				waitFor(t, settle, "an answer to end", func() bool { return hugeMost.Load() > 0 })
				if n := hugeMost.Load(); n >= fiftyMB {
					t.Errorf("a client read all %d bytes of a 50 MB answer, past its cap", n)
				}
			}},
	}
}

// TestSonarrFaultIsNamedAndContained points Sonarr at a server that misbehaves in one
// way each: Sonarr's health says what is wrong, Radarr and qBittorrent carry on, and
// commands are answered at once while the fault lasts.
func TestSonarrFaultIsNamedAndContained(t *testing.T) {
	t.Parallel()
	for _, tc := range backendFaults() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newStack(t)
			url, fired, hook := tc.serve(t, s)
			s.urls["sonarr"] = url
			s.startWith(t, s.config(t, ""), hook)

			waitFor(t, settle, "the fault to fire", fired)
			waitForText(t, settle, "sonarr's health to say "+strings.Join(tc.words, ", "),
				func() string { return s.healthOf("sonarr") },
				func(h string) bool {
					return strings.HasPrefix(h, "🛑") && strings.Contains(h, "**Critical**") &&
						containsAll(h, tc.words)
				})
			waitForText(t, settle, "the downloads board to show sonarr failing", s.downloadsText,
				func(d string) bool { return strings.Contains(d, "sonarr — failing") })
			s.othersStayUp(t)
			s.commandsAnswered(t, tc.words)
			if tc.check != nil {
				tc.check(t)
			}
			assertNoViolations(t, s.emu)
		})
	}
}

// TestSonarrBehindItsOwnCAIsOK serves Sonarr over TLS with a self-signed certificate
// that the configuration trusts through ca_file.
func TestSonarrBehindItsOwnCAIsOK(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	f := serveFault(t, true, func(*faultServer) http.Handler { return s.sonarr })
	s.urls["sonarr"] = f.URL
	s.startWith(t, s.configWithCA(t, writeCert(t, f)), nil)

	waitFor(t, settle, "a request over TLS", func() bool { return f.requests.Load() > 0 })
	waitForText(t, settle, "sonarr OK", func() string { return s.healthOf("sonarr") }, isOK)
	title := sonarrTitle(t, s.world)
	waitForText(t, settle, "sonarr's downloads on the board", s.downloadsText, func(d string) bool {
		return strings.Contains(d, title) && !strings.Contains(d, "sonarr —")
	})
	if n := f.handshakes.Load(); n != 0 {
		t.Errorf("%d TLS handshakes failed with the certificate trusted", n)
	}
	s.othersStayUp(t)
}

// TestSonarrRecoveryClearsTheBoards has Sonarr's proxy fail, then Sonarr come back:
// the health board returns to OK and Sonarr's downloads reappear.
func TestSonarrRecoveryClearsTheBoards(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	var healed atomic.Bool
	down := answer(http.StatusServiceUnavailable, "text/html", nginx503)(nil)
	f := serveFault(t, false, switchable(down, s.sonarr, &healed))
	s.urls["sonarr"] = f.URL
	s.startWith(t, s.config(t, ""), nil)
	title := sonarrTitle(t, s.world)

	waitFor(t, settle, "the fault to fire", func() bool { return f.requests.Load() > 0 })
	waitForText(t, settle, "sonarr critical behind its proxy", func() string { return s.healthOf("sonarr") },
		func(h string) bool {
			return strings.Contains(h, "**Critical**") && strings.Contains(h, "behind a proxy")
		})
	waitForText(t, settle, "sonarr failing on the downloads board", s.downloadsText, func(d string) bool {
		return strings.Contains(d, "sonarr — failing") && !strings.Contains(d, title)
	})
	s.commandsAnswered(t, []string{"behind a proxy"})

	healed.Store(true)
	waitForText(t, settle, "sonarr OK again", func() string { return s.healthOf("sonarr") }, isOK)
	waitForText(t, settle, "sonarr's downloads back", s.downloadsText, func(d string) bool {
		return strings.Contains(d, title) && !strings.Contains(d, "sonarr —")
	})
	s.othersStayUp(t)
	assertNoViolations(t, s.emu)
}

// restarted reports whether logs say Sonarr's service actor was restarted after its
// crash-th crash, after delay.
func restarted(logs string, crash int, delay string) bool {
	re := regexp.MustCompile(`msg="restarting actor" actor=supervisor/svc-sonarr(-[0-9]+)? crashes=` +
		strconv.Itoa(crash) + ` delay=` + delay + `\b`)
	return re.MatchString(logs)
}

// panickyPoller is a real client whose Poll panics.
type panickyPoller struct {
	service.Client
	polls *atomic.Int64
}

func (p panickyPoller) Poll(context.Context) (messages.Snapshot, error) {
	p.polls.Add(1)
	panic("queue decoder blew up")
}

// TestPanickingPollerIsRestartedThenGivenUp has Sonarr's client panic on every poll:
// the crash is logged with its stack, the actor is restarted with a growing delay,
// and after the supervisor's limit the service is marked given up, not restarted for
// ever.
func TestPanickingPollerIsRestartedThenGivenUp(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	var polls atomic.Int64
	s.startWith(t, s.config(t, ""), func(o *supervisor.Options) {
		o.NewClient = func(so service.Options) (service.Client, error) {
			c, err := service.New(so)
			if err != nil || so.Name != "sonarr" {
				return c, err
			}
			return panickyPoller{Client: c, polls: &polls}, nil
		}
	})

	waitFor(t, settle, "a poll to panic", func() bool { return polls.Load() > 0 })
	waitForText(t, settle, "the crash logged with its stack", s.logs.String, func(l string) bool {
		return strings.Contains(l, "actor crashed") && strings.Contains(l, "queue decoder blew up") &&
			strings.Contains(l, "goroutine") && strings.Contains(l, "panickyPoller.Poll")
	})
	waitForText(t, settle, "restarts with a growing delay", s.logs.String, func(l string) bool {
		return polls.Load() >= 3 && restarted(l, 1, "500ms") && restarted(l, 2, "1s")
	})
	waitForText(t, settle, "sonarr given up on the health board", func() string { return s.healthOf("sonarr") },
		func(h string) bool {
			return strings.HasPrefix(h, "🛑") && strings.Contains(h, "**Critical**") &&
				strings.Contains(h, "given up after repeated crashes")
		})

	// Five restarts, then no more: the initial poll and one per restart.
	const limit = 6
	if n := polls.Load(); n > limit {
		t.Fatalf("Poll called %d times by the time sonarr was given up, want at most %d", n, limit)
	}
	holdFor(t, 3*time.Second, "no polls after giving up", func() bool { return polls.Load() <= limit })
	if !strings.Contains(s.logs.String(), "service given up after repeated crashes") {
		t.Error("giving up on sonarr was not logged")
	}
	s.othersStayUp(t)
	s.commandsAnswered(t, []string{"given up after repeated crashes"})
	assertNoViolations(t, s.emu)
}
