package discordtest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"sync"
	"time"
)

// discordEpoch is the first millisecond of 2015, the origin of Discord snowflakes.
const discordEpoch = 1420070400000

// Violation kinds: each names a rule of Discord's that a bot broke.
const (
	ViolationInvalidBody      = "invalid_body"      // a body broke Discord's limits (50035)
	ViolationMention          = "mention"           // content could ping people
	ViolationLateCallback     = "late_callback"     // callback after the ack deadline (10062)
	ViolationDoubleAck        = "double_ack"        // second callback for one interaction (40060)
	ViolationBadCallback      = "bad_callback"      // callback type not valid for the interaction
	ViolationUnknownRoute     = "unknown_route"     // a path or method Discord does not serve
	ViolationUnauthorized     = "unauthorized"      // missing or wrong bot token
	ViolationRateLimited      = "rate_limited"      // a request answered 429
	ViolationUnknownReference = "unknown_reference" // a message, channel or interaction that does not exist
)

// Violation is one broken rule, recorded so tests can assert there were none.
type Violation struct {
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"`
	Method string    `json:"method,omitempty"`
	Path   string    `json:"path,omitempty"`
	Detail string    `json:"detail"`
}

// Request is one REST request as the emulator answered it.
type Request struct {
	At     time.Time `json:"at"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Query  string    `json:"query,omitempty"`
	Status int       `json:"status"`
	// Code is Discord's JSON error code of the response, 0 for success.
	Code int    `json:"code,omitempty"`
	Body string `json:"body,omitempty"`
}

// Frame is one gateway frame in either direction.
type Frame struct {
	At        time.Time `json:"at"`
	Direction string    `json:"direction"` // "in" (bot to emulator) or "out"
	SessionID string    `json:"session_id,omitempty"`
	Op        int       `json:"op"`
	Seq       int64     `json:"s,omitempty"`
	Type      string    `json:"t,omitempty"`
	// CloseCode is set (and Op is -1) for a close frame the emulator sent.
	CloseCode int    `json:"close_code,omitempty"`
	Raw       string `json:"raw"`
}

// Requests returns every REST request so far, oldest first.
func (e *Emulator) Requests() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Request(nil), e.requests...)
}

// Frames returns every gateway frame so far, oldest first.
func (e *Emulator) Frames() []Frame {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Frame(nil), e.frames...)
}

// Violations returns every broken rule so far, oldest first, once the spec checks of
// the requests answered so far are done.
func (e *Emulator) Violations() []Violation {
	e.settleChecks()
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Violation(nil), e.violations...)
}

// violate records a broken rule.
func (e *Emulator) violate(kind, method, path, detail string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.violateLocked(kind, method, path, detail)
}

func (e *Emulator) violateLocked(kind, method, path, detail string) {
	v := Violation{At: e.now(), Kind: kind, Method: method, Path: path, Detail: detail}
	e.violations = trimmed(append(e.violations, v), e.opts.MaxRecords)
	e.log.Debug("discord rule broken", "kind", kind, "path", path, "detail", detail)
}

func (e *Emulator) recordRequest(r Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.requests = trimmed(append(e.requests, r), e.opts.MaxRecords)
}

func (e *Emulator) recordFrame(dir, sessionID string, raw []byte) {
	var head struct {
		Op int    `json:"op"`
		S  int64  `json:"s"`
		T  string `json:"t"`
	}
	_ = json.Unmarshal(raw, &head)
	f := Frame{At: e.now(), Direction: dir, SessionID: sessionID, Op: head.Op, Seq: head.S,
		Type: head.T, Raw: string(raw)}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.frames = trimmed(append(e.frames, f), e.opts.MaxRecords)
}

// trimmed drops the oldest half of s when it holds more than max entries.
func trimmed[T any](s []T, max int) []T {
	if len(s) <= max {
		return s
	}
	return append([]T(nil), s[len(s)-max/2:]...)
}

// idSource hands out increasing snowflakes stamped with the emulator's clock.
type idSource struct {
	mu   sync.Mutex
	now  func() time.Time
	last uint64
}

func (s *idSource) next() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ms := s.now().UnixMilli() - discordEpoch
	if ms < 0 {
		ms = 0
	}
	id := uint64(ms) << 22
	if id <= s.last {
		id = s.last + 1
	}
	s.last = id
	return strconv.FormatUint(id, 10)
}

// randomToken returns an unguessable interaction or session token.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
