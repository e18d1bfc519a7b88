package discordtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// faultKinds lists every FaultKind, for checking what arrives over HTTP.
var faultKinds = []FaultKind{FaultDrop, FaultClose, FaultReconnect, FaultInvalidSession, FaultNoHello,
	FaultNoReady, FaultNoHeartbeatAck, FaultRefuseResume, FaultDuplicateDispatch, FaultReplayDispatch,
	FaultMalformedInteraction, FaultRateLimit, FaultRateLimitHTML, FaultStatus, FaultDelay, FaultHang,
	FaultReset, FaultError}

// faultRequest is a Fault as the control surface takes it: snake_case keys and
// durations written like "2s".
type faultRequest struct {
	Kind        FaultKind `json:"kind"`
	On          Trigger   `json:"on"`
	Times       int       `json:"times"`
	Probability float64   `json:"probability"`
	Seed        uint64    `json:"seed"`
	Event       string    `json:"event"`
	Route       string    `json:"route"`
	Method      string    `json:"method"`
	Code        int       `json:"code"`
	Status      int       `json:"status"`
	Body        string    `json:"body"`
	Resumable   bool      `json:"resumable"`
	Forget      bool      `json:"forget"`
	Global      bool      `json:"global"`
	RetryAfter  string    `json:"retry_after"`
	Delay       string    `json:"delay"`
}

// The triggers and routes a request may name.
var (
	triggers = []Trigger{OnConnect, OnIdentify, OnReady, OnHeartbeat, OnResume, OnDispatch, OnRequest}
	routes   = []string{RouteAny, RouteMessageCreate, RouteMessageEdit, RouteMessageDelete, RouteWebhook,
		RouteMessageGet, RouteMessageList, RouteCallback, RouteCommands, RouteGateway, RouteOther}
)

// check refuses a request whose fault could not fire as asked.
func (r faultRequest) check() error {
	rest := naturalTrigger(r.Kind) == OnRequest // the others act on the gateway
	switch {
	case !slices.Contains(faultKinds, r.Kind):
		return fmt.Errorf("kind %q: want one of %v", r.Kind, faultKinds)
	case r.On != "" && !slices.Contains(triggers, r.On):
		return fmt.Errorf("on %q: want one of %v", r.On, triggers)
	case rest && r.On != "" && r.On != OnRequest, !rest && r.On == OnRequest:
		return fmt.Errorf("on %q: a %s fault cannot fire there", r.On, r.Kind)
	case r.Route != "" && !slices.Contains(routes, r.Route):
		return fmt.Errorf("route %q: want one of %v", r.Route, routes)
	case r.Kind == FaultClose && (r.Code < 1000 || r.Code > 4999):
		return fmt.Errorf("code %d: a close needs a close code from 1000 to 4999", r.Code)
	case r.Kind == FaultStatus && (r.Status < 400 || r.Status > 599):
		return fmt.Errorf("status %d: want an error status, 400 to 599", r.Status)
	case r.Times < Always:
		return fmt.Errorf("times %d: want -1 (always), 0 (once) or a count", r.Times)
	case r.Probability < 0 || r.Probability > 1:
		return fmt.Errorf("probability %v: want 0 to 1", r.Probability)
	}
	return nil
}

// fault checks the request and returns the Fault it describes.
func (r faultRequest) fault() (Fault, error) {
	if err := r.check(); err != nil {
		return Fault{}, err
	}
	f := Fault{Kind: r.Kind, On: r.On, Times: r.Times, Probability: r.Probability, Seed: r.Seed,
		Event: r.Event, Route: r.Route, Method: r.Method, Code: r.Code, Status: r.Status, Body: r.Body,
		Resumable: r.Resumable, Forget: r.Forget, Global: r.Global}
	for _, d := range []struct {
		key, text string
		into      *time.Duration
	}{{"retry_after", r.RetryAfter, &f.RetryAfter}, {"delay", r.Delay, &f.Delay}} {
		if d.text == "" {
			continue
		}
		v, err := time.ParseDuration(d.text)
		if err != nil {
			return Fault{}, fmt.Errorf("%s: %w", d.key, err)
		}
		if v < 0 {
			return Fault{}, fmt.Errorf("%s: %s is negative", d.key, d.text)
		}
		*d.into = v
	}
	return f, nil
}

// faultRoutes serves POST /_emulator/faults, which arms a fault and answers its id,
// and GET /_emulator/faults/{id}, which says how often it fired.
func (e *Emulator) faultRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /_emulator/faults", func(w http.ResponseWriter, r *http.Request) {
		var req faultRequest
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			writeJSON(w, 400, map[string]string{"error": "body: " + err.Error()})
			return
		}
		f, err := req.fault()
		if err != nil {
			writeJSON(w, 400, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, 201, map[string]FaultID{"id": e.Inject(f)})
	})
	mux.HandleFunc("GET /_emulator/faults/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(r.PathValue("id"))
		if err != nil {
			writeJSON(w, 400, map[string]string{"error": "id: " + err.Error()})
			return
		}
		if !e.armedOnce(FaultID(id)) {
			writeJSON(w, 404, map[string]string{"error": "no fault " + strconv.Itoa(id)})
			return
		}
		writeJSON(w, 200, map[string]int{"id": id, "fired": e.Fired(FaultID(id))})
	})
	mux.HandleFunc("DELETE /_emulator/faults/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(r.PathValue("id"))
		if err != nil {
			writeJSON(w, 400, map[string]string{"error": "id: " + err.Error()})
			return
		}
		e.Remove(FaultID(id))
		w.WriteHeader(http.StatusNoContent)
	})
}

// armedOnce reports whether id names a fault that was injected, armed or not now.
func (e *Emulator) armedOnce(id FaultID) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return id > 0 && id <= e.lastFault
}
