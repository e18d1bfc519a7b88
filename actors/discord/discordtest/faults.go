package discordtest

import (
	"math/rand/v2"
	"time"
)

// FaultKind says what an injected fault does.
type FaultKind string

// Gateway faults. Each acts at a Trigger (Fault.On); the zero On means OnIdentify for
// the connection-level ones (Drop, Close, Reconnect, InvalidSession, NoReady), so the
// fault takes the place of READY.
const (
	// FaultDrop closes the TCP connection without a close frame.
	FaultDrop FaultKind = "drop"
	// FaultClose sends a close frame with Code (1000, 1001, 4000, 4004, 4007, 4009,
	// 4014, ...) and closes the connection.
	FaultClose FaultKind = "close"
	// FaultReconnect sends op 7 RECONNECT; OnIdentify it is the first frame after
	// IDENTIFY and no READY follows.
	FaultReconnect FaultKind = "reconnect"
	// FaultInvalidSession sends op 9 with d = Resumable. A resumable session stays
	// known; otherwise it is forgotten. Either way the connection may IDENTIFY again.
	FaultInvalidSession FaultKind = "invalid_session"
	// FaultNoHello accepts the connection and never sends HELLO (OnConnect only).
	FaultNoHello FaultKind = "no_hello"
	// FaultNoReady accepts IDENTIFY and never answers it (OnIdentify only).
	FaultNoReady FaultKind = "no_ready"
	// FaultNoHeartbeatAck leaves a heartbeat unanswered (OnHeartbeat only); give it
	// Times: Always to stop ACKs for good.
	FaultNoHeartbeatAck FaultKind = "no_heartbeat_ack"
	// FaultRefuseResume answers RESUME with op 9 false and forgets the session
	// (OnResume only).
	FaultRefuseResume FaultKind = "refuse_resume"
	// FaultDuplicateDispatch sends a dispatch twice with the same sequence number
	// (OnDispatch only).
	FaultDuplicateDispatch FaultKind = "duplicate_dispatch"
	// FaultReplayDispatch re-sends the session's previous dispatch, old sequence
	// number and all, before the current one (OnDispatch only).
	FaultReplayDispatch FaultKind = "replay_dispatch"
	// FaultMalformedInteraction spoils an INTERACTION_CREATE the way Discord's newer
	// payloads surprise old clients: data.component_type becomes 99 (an unknown
	// component type) where present, and app_permissions becomes a JSON number. With
	// Mutate set, Mutate changes the payload instead (OnDispatch only).
	FaultMalformedInteraction FaultKind = "malformed_interaction"
)

// REST faults; they act OnRequest.
const (
	// FaultRateLimit answers 429 with Discord's headers and JSON body: for the route's
	// bucket, or for the global limit when Global is set.
	FaultRateLimit FaultKind = "rate_limit"
	// FaultRateLimitHTML answers 429 with an HTML page, as Cloudflare does when it
	// bans an IP for too many invalid requests.
	FaultRateLimitHTML FaultKind = "rate_limit_html"
	// FaultStatus answers Status (500, 502, 503, 504) with the body Discord's edge
	// sends for it, or Body.
	FaultStatus FaultKind = "status"
	// FaultDelay holds the response for Delay, then serves the request (it combines
	// with one other REST fault).
	FaultDelay FaultKind = "delay"
	// FaultHang never answers: the request ends when the client gives up or the
	// emulator closes.
	FaultHang FaultKind = "hang"
	// FaultReset resets the TCP connection without answering.
	FaultReset FaultKind = "reset"
	// FaultError answers Discord's JSON error Code (10003, 10008, 50013, 30046, ...)
	// with its usual status, or Status.
	FaultError FaultKind = "error"
)

// Trigger is the moment a fault is tried.
type Trigger string

// Triggers.
const (
	OnConnect   Trigger = "connect"   // a gateway connection was accepted, before HELLO
	OnIdentify  Trigger = "identify"  // a valid IDENTIFY arrived, before READY
	OnReady     Trigger = "ready"     // READY (and GUILD_CREATE) were sent
	OnHeartbeat Trigger = "heartbeat" // a heartbeat arrived, before its ACK
	OnResume    Trigger = "resume"    // a RESUME arrived, before the replay
	OnDispatch  Trigger = "dispatch"  // a dispatch is about to be sent
	OnRequest   Trigger = "request"   // a REST request arrived, after its auth check
)

// Always, as Fault.Times, makes a fault fire on every match.
const Always = -1

// Fault is one misbehaviour to inject. Only Kind is required.
type Fault struct {
	Kind FaultKind
	// On is when the fault is tried; zero picks the kind's natural moment.
	On Trigger
	// Times is how often it fires: 0 once, N > 0 N times, Always without end.
	Times int
	// Probability, when in (0, 1), makes each match fire with that chance, drawn
	// from a source seeded with Seed, so a run can be repeated.
	Probability float64
	Seed        uint64

	// Event limits OnDispatch faults to one event type ("MESSAGE_CREATE"); empty
	// means any dispatch but READY and RESUMED (INTERACTION_CREATE for
	// FaultMalformedInteraction).
	Event string
	// Route limits REST faults to one of the Route* keys; empty means every request
	// that carries the bot token (interaction callbacks and webhooks use theirs), and
	// RouteAny means every request.
	Route string
	// Method limits REST faults to one HTTP method.
	Method string

	// Code is the close code (FaultClose) or Discord error code (FaultError).
	Code int
	// Status is the HTTP status of FaultStatus, or overrides FaultError's.
	Status int
	// Body replaces the response body of FaultStatus and FaultRateLimitHTML.
	Body string
	// Resumable is op 9's d for FaultInvalidSession.
	Resumable bool
	// Forget makes FaultDrop and FaultClose forget the session, so it cannot resume.
	Forget bool
	// Global makes FaultRateLimit the global limit.
	Global bool
	// RetryAfter is the wait a rate-limit fault announces; default 1 s.
	RetryAfter time.Duration
	// Delay is how long FaultDelay holds the response.
	Delay time.Duration
	// Mutate, for FaultMalformedInteraction, rewrites the dispatch's d.
	Mutate func(d map[string]any)
}

// FaultID names an injected fault.
type FaultID int

type activeFault struct {
	Fault
	id    FaultID
	fired int
	rng   *rand.Rand
}

// Inject arms a fault and returns its ID, for Fired and Remove.
func (e *Emulator) Inject(f Fault) FaultID {
	if f.On == "" {
		f.On = naturalTrigger(f.Kind)
	}
	if f.Kind == FaultMalformedInteraction && f.Event == "" {
		f.Event = "INTERACTION_CREATE"
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lastFault++
	a := &activeFault{Fault: f, id: e.lastFault}
	if f.Probability > 0 && f.Probability < 1 {
		a.rng = rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))
	}
	e.injected = append(e.injected, a)
	return a.id
}

func naturalTrigger(k FaultKind) Trigger {
	switch k {
	case FaultNoHello:
		return OnConnect
	case FaultNoHeartbeatAck:
		return OnHeartbeat
	case FaultRefuseResume:
		return OnResume
	case FaultDuplicateDispatch, FaultReplayDispatch, FaultMalformedInteraction:
		return OnDispatch
	case FaultRateLimit, FaultRateLimitHTML, FaultStatus, FaultDelay, FaultHang, FaultReset, FaultError:
		return OnRequest
	}
	return OnIdentify
}

// Fired reports how many times a fault has taken effect.
func (e *Emulator) Fired(id FaultID) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	if n, ok := e.firedGone[id]; ok {
		return n
	}
	for _, a := range e.injected {
		if a.id == id {
			return a.fired
		}
	}
	return 0
}

// Remove disarms a fault; Fired still answers for it.
func (e *Emulator) Remove(id FaultID) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.removeFaultLocked(id)
}

func (e *Emulator) removeFaultLocked(id FaultID) {
	for i, a := range e.injected {
		if a.id == id {
			if e.firedGone == nil {
				e.firedGone = map[FaultID]int{}
			}
			e.firedGone[id] = a.fired
			e.injected = append(e.injected[:i:i], e.injected[i+1:]...)
			return
		}
	}
}

// ClearFaults disarms every fault, those of SetFaults included.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for len(e.injected) > 0 {
		e.removeFaultLocked(e.injected[0].id)
	}
	e.setFaultIDs = nil
}

// fire finds the first armed fault for the trigger that match accepts and whose
// count and chance let it fire, counts it and returns a copy; nil when none fires.
func (e *Emulator) fire(on Trigger, match func(*Fault) bool) *Fault {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, a := range e.injected {
		if a.On != on || (a.Times >= 0 && a.fired >= max(a.Times, 1)) || !match(&a.Fault) {
			continue
		}
		if a.rng != nil && a.rng.Float64() >= a.Probability {
			continue
		}
		a.fired++
		f := a.Fault
		return &f
	}
	return nil
}

// kindIs is a match function for fire accepting the given kinds.
func kindIs(kinds ...FaultKind) func(*Fault) bool {
	return func(f *Fault) bool {
		for _, k := range kinds {
			if f.Kind == k {
				return true
			}
		}
		return false
	}
}
