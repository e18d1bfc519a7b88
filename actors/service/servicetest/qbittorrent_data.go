package servicetest

import (
	"net/http"
	"strings"
)

// qbRoute is one data route: its method and handler.
type qbRoute struct {
	method string
	serve  func(q *QBittorrent, w http.ResponseWriter, r *http.Request)
}

// qbRoutes are the data routes every version has.
var qbRoutes = map[string]qbRoute{
	"/api/v2/app/version":       {http.MethodGet, (*QBittorrent).serveVersion},
	"/api/v2/app/webapiVersion": {http.MethodGet, (*QBittorrent).serveWebAPIVersion},
	"/api/v2/torrents/info":     {http.MethodGet, (*QBittorrent).serveTorrents},
	"/api/v2/transfer/info":     {http.MethodGet, (*QBittorrent).serveTransfer},
	"/api/v2/sync/maindata":     {http.MethodGet, (*QBittorrent).serveMainData},
	"/api/v2/torrents/delete":   {http.MethodPost, (*QBittorrent).serveDelete},
}

// serveData dispatches an authenticated route. 4.x has torrents/pause and resume, 5.x
// torrents/stop and start; the other pair does not exist (404).
func (q *QBittorrent) serveData(w http.ResponseWriter, r *http.Request) {
	route, ok := qbRoutes[r.URL.Path]
	if !ok {
		route, ok = q.pauseRoute(r.URL.Path)
	}
	if !ok {
		writeText(w, http.StatusNotFound, "Not Found")
		return
	}
	if r.Method != route.method {
		methodNotAllowed(w, route.method)
		return
	}
	route.serve(q, w, r)
}

// pauseRoute returns the pause/resume route of this version, if p is one.
func (q *QBittorrent) pauseRoute(p string) (qbRoute, bool) {
	pause, resume := "/api/v2/torrents/pause", "/api/v2/torrents/resume"
	if q.v5 {
		pause, resume = "/api/v2/torrents/stop", "/api/v2/torrents/start"
	}
	switch p {
	case pause:
		return qbRoute{http.MethodPost, func(q *QBittorrent, w http.ResponseWriter, r *http.Request) {
			q.setPaused(w, r, true)
		}}, true
	case resume:
		return qbRoute{http.MethodPost, func(q *QBittorrent, w http.ResponseWriter, r *http.Request) {
			q.setPaused(w, r, false)
		}}, true
	}
	return qbRoute{}, false
}

func (q *QBittorrent) serveVersion(w http.ResponseWriter, _ *http.Request) {
	writeText(w, http.StatusOK, "v"+q.opts.Version)
}

func (q *QBittorrent) serveWebAPIVersion(w http.ResponseWriter, _ *http.Request) {
	writeText(w, http.StatusOK, q.opts.WebAPIVersion)
}

// setPaused pauses or resumes the torrents named by the hashes form field ("all" or
// hashes separated by '|').
func (q *QBittorrent) setPaused(w http.ResponseWriter, r *http.Request, paused bool) {
	hashes := r.PostFormValue("hashes")
	q.mu.Lock()
	explicit := q.torrents != nil
	if explicit {
		for _, t := range q.torrents {
			if matchesHashes(t, hashes) {
				t["state"] = q.pausedState(stringOf(t["state"]), floatOf(t["progress"]), paused)
			}
		}
	}
	q.mu.Unlock()

	if !explicit && q.opts.World != nil {
		for _, d := range q.opts.World.Downloads() {
			if hashes == "all" || containsHash(hashes, d.Hash) {
				if paused {
					q.opts.World.Pause(d.Hash)
				} else {
					q.opts.World.Resume(d.Hash)
				}
			}
		}
	}
	w.WriteHeader(http.StatusOK)
}

// pausedState returns the state an explicit torrent takes when paused or resumed.
func (q *QBittorrent) pausedState(state string, progress float64, paused bool) string {
	done := progress >= 1 || strings.HasSuffix(state, "UP")
	switch {
	case paused && done:
		return q.stateName(PhaseStopped)
	case paused:
		return q.stateName(PhasePaused)
	case done:
		return "stalledUP"
	default:
		return "downloading"
	}
}

// serveDelete removes the torrents named by the hashes form field.
func (q *QBittorrent) serveDelete(w http.ResponseWriter, r *http.Request) {
	hashes := r.PostFormValue("hashes")
	q.mu.Lock()
	explicit := q.torrents != nil
	if explicit {
		kept := q.torrents[:0]
		for _, t := range q.torrents {
			if !matchesHashes(t, hashes) {
				kept = append(kept, t)
			}
		}
		q.torrents = kept
	}
	q.mu.Unlock()

	if !explicit && q.opts.World != nil {
		for _, d := range q.opts.World.Downloads() {
			if hashes == "all" || containsHash(hashes, d.Hash) {
				q.opts.World.Remove(d.Hash)
			}
		}
	}
	w.WriteHeader(http.StatusOK)
}

// matchesHashes reports whether torrent t is named by a hashes parameter.
func matchesHashes(t map[string]any, hashes string) bool {
	return hashes == "all" || containsHash(hashes, stringOf(t["hash"]))
}

// containsHash reports whether the '|'-separated list holds h, ignoring case as
// qBittorrent does when it parses hex.
func containsHash(list, h string) bool {
	for _, x := range strings.Split(list, "|") {
		if strings.EqualFold(strings.TrimSpace(x), h) {
			return true
		}
	}
	return false
}
