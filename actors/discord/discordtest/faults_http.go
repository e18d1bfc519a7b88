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

// fault checks the request and returns the Fault it describes.
func (r faultRequest) fault() (Fault, error) {
	if !slices.Contains(faultKinds, r.Kind) {
		return Fault{}, fmt.Errorf("kind %q: want one of %v", r.Kind, faultKinds)
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
