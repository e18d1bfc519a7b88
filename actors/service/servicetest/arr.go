package servicetest

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Default versions the simulated *arr applications report.
const (
	DefaultSonarrVersion = "4.0.14.2939"
	DefaultRadarrVersion = "5.26.2.10099"
)

// ArrOptions configures NewSonarr and NewRadarr.
type ArrOptions struct {
	// APIKey is the key requests must carry in X-Api-Key or the apikey query parameter;
	// empty accepts every request.
	APIKey string
	// URLBase puts every route under this path ("/sonarr" or "sonarr"); requests outside
	// it answer 404.
	URLBase string
	// Version is what system/status reports; empty: DefaultSonarrVersion or
	// DefaultRadarrVersion.
	Version string
	// World supplies the queue; nil: an empty queue until SetQueue.
	World *World
	// MaxPageSize, when positive, clamps the queue's pageSize as newer servers do; zero
	// honours whatever is asked.
	MaxPageSize int
	// InstanceName is what system/status reports; empty: the application's name.
	InstanceName string
}

// Arr is a simulated Sonarr or Radarr serving the /api/v3 routes discarr uses:
// queue (GET, and DELETE /queue/{id}), queue/status, system/status, health, and /ping.
// It is an http.Handler and safe for concurrent use.
type Arr struct {
	*core
	app     string // "Sonarr" or "Radarr"
	opts    ArrOptions
	base    string
	started time.Time

	mu       sync.Mutex
	queue    []map[string]any // nil: from the World
	unknown  []map[string]any // nil: from the World
	health   []map[string]any
	statusKV map[string]any
}

// NewSonarr returns a simulated Sonarr.
func NewSonarr(opts ArrOptions) *Arr { return newArr("Sonarr", DefaultSonarrVersion, opts) }

// NewRadarr returns a simulated Radarr.
func NewRadarr(opts ArrOptions) *Arr { return newArr("Radarr", DefaultRadarrVersion, opts) }

func newArr(app, version string, opts ArrOptions) *Arr {
	if opts.Version == "" {
		opts.Version = version
	}
	if opts.InstanceName == "" {
		opts.InstanceName = app
	}
	a := &Arr{core: newCore(arrFailBody), app: app, opts: opts, base: cleanBase(opts.URLBase)}
	a.started = a.now().Add(-36 * time.Hour).Truncate(time.Second)
	return a
}

// cleanBase normalises a URL base to "" or "/name" without a trailing slash.
func cleanBase(b string) string {
	b = strings.Trim(strings.TrimSpace(b), "/")
	if b == "" {
		return ""
	}
	return "/" + b
}

// App returns "Sonarr" or "Radarr".
func (a *Arr) App() string { return a.app }

// URLBase returns the normalised URL base ("" or "/name").
func (a *Arr) URLBase() string { return a.base }

// SetQueue makes the queue exactly records (raw JSON objects, served as given apart from
// paging, filtering and stripping series/episode/movie when not asked for). They are
// served in the given order unless the request names a sortKey. nil returns to the
// World's queue; an empty slice is an empty queue.
func (a *Arr) SetQueue(records []map[string]any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.queue = cloneRecords(records)
}

// SetUnknownQueue sets the unknown items: records served only when the request sets
// includeUnknownSeriesItems (Sonarr) or includeUnknownMovieItems (Radarr). nil returns
// to the World's unknown items.
func (a *Arr) SetUnknownQueue(records []map[string]any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.unknown = cloneRecords(records)
}

// SetHealth sets what /api/v3/health answers (nil or empty: [], healthy).
func (a *Arr) SetHealth(items []map[string]any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.health = cloneRecords(items)
}

// SetSystemStatus overrides or adds fields of /api/v3/system/status; a nil value removes
// the field.
func (a *Arr) SetSystemStatus(fields map[string]any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.statusKV == nil {
		a.statusKV = map[string]any{}
	}
	for k, v := range fields {
		a.statusKV[k] = v
	}
}

// ServeHTTP answers one request.
func (a *Arr) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route, ok := a.route(r.URL.Path)
	if ok && isControl(route) {
		a.serveControl(w, r, route)
		return
	}
	a.serve(w, r, route, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !ok {
			http.NotFound(w, r)
			return
		}
		a.serveRoute(w, r, route)
	}))
}

// route strips the URL base from p; ok is false when p lies outside it.
func (a *Arr) route(p string) (string, bool) {
	if a.base == "" {
		return p, true
	}
	if p == a.base {
		return "/", true
	}
	if rest, ok := strings.CutPrefix(p, a.base+"/"); ok {
		return "/" + rest, true
	}
	if isControl(p) {
		return p, true
	}
	return p, false
}

// serveRoute dispatches an authenticated API route.
func (a *Arr) serveRoute(w http.ResponseWriter, r *http.Request, route string) {
	if route == "/ping" {
		writeJSON(w, http.StatusOK, map[string]any{"status": "OK"})
		return
	}
	if !a.authorized(r) {
		// Real *arr applications answer a missing or wrong key with an empty 401.
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	get := r.Method == http.MethodGet
	switch {
	case route == "/api/v3/queue" && get:
		a.serveQueue(w, r)
	case route == "/api/v3/queue/status" && get:
		a.serveQueueStatus(w, r)
	case route == "/api/v3/system/status" && get:
		writeJSON(w, http.StatusOK, a.systemStatus())
	case route == "/api/v3/health" && get:
		writeJSON(w, http.StatusOK, a.healthItems())
	case strings.HasPrefix(route, "/api/v3/queue/") && r.Method == http.MethodDelete:
		a.serveQueueDelete(w, r, strings.TrimPrefix(route, "/api/v3/queue/"))
	case knownArrRoute(route):
		methodNotAllowed(w, http.MethodGet)
	default:
		http.NotFound(w, r)
	}
}

// knownArrRoute reports whether route exists with some other method.
func knownArrRoute(route string) bool {
	switch route {
	case "/api/v3/queue", "/api/v3/queue/status", "/api/v3/system/status", "/api/v3/health":
		return true
	}
	return false
}

// authorized checks the API key in the X-Api-Key header or the apikey query parameter.
func (a *Arr) authorized(r *http.Request) bool {
	if a.opts.APIKey == "" {
		return true
	}
	key := r.Header.Get("X-Api-Key")
	if key == "" {
		key = r.URL.Query().Get("apikey")
	}
	return subtle.ConstantTimeCompare([]byte(key), []byte(a.opts.APIKey)) == 1
}

// serveControl answers the simulator's own routes.
func (a *Arr) serveControl(w http.ResponseWriter, r *http.Request, route string) {
	if route == "/_sim/faults" {
		a.serveFaultControl(w, r)
		return
	}
	http.NotFound(w, r)
}

// now reads the World's clock, or the wall clock without a World.
func (a *Arr) now() time.Time {
	if a.opts.World != nil {
		return a.opts.World.Now()
	}
	return time.Now()
}

// serveQueueDelete removes one queue record by id, and its download from the World.
func (a *Arr) serveQueueDelete(w http.ResponseWriter, r *http.Request, idText string) {
	id, err := strconv.Atoi(idText)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if a.deleteRecord(id) {
		writeJSON(w, http.StatusOK, map[string]any{})
		return
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
}

// cloneRecords copies the slice and each map (shallowly), keeping nil as nil.
func cloneRecords(in []map[string]any) []map[string]any {
	if in == nil {
		return nil
	}
	out := make([]map[string]any, len(in))
	for i, m := range in {
		c := make(map[string]any, len(m))
		for k, v := range m {
			c[k] = v
		}
		out[i] = c
	}
	return out
}
