package servicetest

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// InfiniteETA is qBittorrent's eta for "never": 100 days in seconds.
const InfiniteETA = 8640000

// stateName returns this version's state string for a phase: 5.x renamed pausedDL and
// pausedUP to stoppedDL and stoppedUP.
func (q *QBittorrent) stateName(p Phase) string {
	switch p {
	case PhaseQueued:
		return "queuedDL"
	case PhaseMetadata:
		return "metaDL"
	case PhaseDownloading:
		return "downloading"
	case PhaseStalled:
		return "stalledDL"
	case PhasePaused:
		if q.v5 {
			return "stoppedDL"
		}
		return "pausedDL"
	case PhaseUploading:
		return "uploading"
	case PhaseSeeding:
		return "stalledUP"
	case PhaseStopped:
		if q.v5 {
			return "stoppedUP"
		}
		return "pausedUP"
	}
	return "unknown"
}

// list returns every torrent as fresh maps: the explicit ones, or the World's.
func (q *QBittorrent) list() []map[string]any {
	q.mu.Lock()
	explicit := cloneRecords(q.torrents)
	q.mu.Unlock()
	if explicit != nil {
		return explicit
	}
	out := []map[string]any{}
	if q.opts.World == nil {
		return out
	}
	now := q.opts.World.Now()
	for _, s := range q.opts.World.Snapshot() {
		out = append(out, q.torrentJSON(s, now))
	}
	return out
}

// serveTorrents answers GET /api/v2/torrents/info.
func (q *QBittorrent) serveTorrents(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	out := []map[string]any{}
	for _, t := range q.list() {
		if q.keep(t, v) {
			out = append(out, t)
		}
	}
	if key := v.Get("sort"); key != "" {
		sortRecords(out, key, isTrue(v.Get("reverse")))
	}
	offset := atoiOr(v.Get("offset"), 0)
	if offset < 0 {
		offset = max(len(out)+offset, 0)
	}
	out = out[min(offset, len(out)):]
	if limit := atoiOr(v.Get("limit"), 0); limit > 0 && limit < len(out) {
		out = out[:limit]
	}
	writeJSON(w, http.StatusOK, out)
}

// keep applies the filter, category, tag and hashes parameters.
func (q *QBittorrent) keep(t map[string]any, v url.Values) bool {
	if v.Has("category") && stringOf(t["category"]) != v.Get("category") {
		return false
	}
	if v.Has("tag") && !hasTag(stringOf(t["tags"]), v.Get("tag")) {
		return false
	}
	if h := v.Get("hashes"); h != "" && !containsHash(h, stringOf(t["hash"])) {
		return false
	}
	return q.matchFilter(t, v.Get("filter"))
}

// hasTag reports whether the comma-separated tags hold tag ("" means untagged).
func hasTag(tags, tag string) bool {
	if tag == "" {
		return strings.TrimSpace(tags) == ""
	}
	for _, t := range strings.Split(tags, ",") {
		if strings.TrimSpace(t) == tag {
			return true
		}
	}
	return false
}

// matchFilter applies a state filter. 4.x names the stopped filters paused/resumed, 5.x
// stopped/running; a name this version does not know matches everything, like "all".
func (q *QBittorrent) matchFilter(t map[string]any, filter string) bool {
	state := stringOf(t["state"])
	stopped := strings.HasPrefix(state, "paused") || strings.HasPrefix(state, "stopped")
	upload := strings.HasSuffix(state, "UP") || state == "uploading"
	active := floatOf(t["dlspeed"]) > 0 || floatOf(t["upspeed"]) > 0
	stopName, runName := "paused", "resumed"
	if q.v5 {
		stopName, runName = "stopped", "running"
	}
	switch filter {
	case "downloading":
		return !upload && state != "error" && state != "missingFiles"
	case "seeding":
		return upload && !stopped
	case "completed":
		return upload
	case stopName:
		return stopped
	case runName:
		return !stopped
	case "active":
		return active
	case "inactive":
		return !active
	case "stalled":
		return state == "stalledDL" || state == "stalledUP"
	case "stalled_uploading":
		return state == "stalledUP"
	case "stalled_downloading":
		return state == "stalledDL"
	case "errored":
		return state == "error" || state == "missingFiles"
	}
	return true
}

// torrentJSON renders one World download as a torrents/info entry of this version.
func (q *QBittorrent) torrentJSON(s DownloadStatus, now time.Time) map[string]any {
	size, done := s.Size, s.Done
	if s.Phase == PhaseMetadata {
		size = 0 // without metadata qBittorrent knows no size yet
	}
	eta := int64(InfiniteETA)
	if s.Phase == PhaseDownloading && s.ETA >= 0 {
		eta = int64(s.ETA.Round(time.Second) / time.Second)
	}
	completion := int64(-1)
	if !s.CompletedAt.IsZero() {
		completion = s.CompletedAt.Unix()
	}
	seeds, leechs, tracker := 0, 0, ""
	if s.Phase == PhaseDownloading || s.Phase == PhaseUploading {
		seeds, leechs, tracker = 4+len(s.Hash)%9, 1+int(s.Hash[0])%4, "udp://tracker.example:6969/announce"
	}
	ratio := 0.0
	if done > 0 {
		ratio = float64(s.Uploaded) / float64(done)
	}
	savePath := "/downloads/" + s.Category
	t := map[string]any{
		"hash": s.Hash, "name": s.Title, "size": size, "total_size": size,
		"progress": s.Progress(), "dlspeed": s.Speed, "upspeed": s.UpSpeed, "eta": eta,
		"state": q.stateName(s.Phase), "num_seeds": seeds, "num_leechs": leechs,
		"num_complete": seeds * 3, "num_incomplete": leechs * 2, "added_on": s.Added.Unix(),
		"completion_on": completion, "category": s.Category, "tags": "",
		"save_path": savePath, "content_path": savePath + "/" + s.Title, "download_path": "",
		"amount_left": size - done, "completed": done, "downloaded": done,
		"downloaded_session": done - s.StartDone, "uploaded": s.Uploaded,
		"uploaded_session": s.Uploaded, "ratio": ratio, "tracker": tracker, "trackers_count": 1,
		"auto_tmm": false, "availability": availability(s), "dl_limit": 0, "up_limit": 0,
		"f_l_piece_prio": false, "force_start": false, "seq_dl": false, "super_seeding": false,
		"infohash_v1": s.Hash, "infohash_v2": "", "last_activity": now.Unix(),
		"magnet_uri": "magnet:?xt=urn:btih:" + s.Hash + "&dn=" + url.QueryEscape(s.Title),
		"max_ratio":  -1, "max_seeding_time": -1, "ratio_limit": -2, "seeding_time_limit": -2,
		"inactive_seeding_time_limit": -2, "max_inactive_seeding_time": -1, "priority": 0,
		"seeding_time": seedingTime(s, now), "seen_complete": completion,
		"time_active": int64(now.Sub(s.Added) / time.Second),
	}
	switch {
	case q.v51:
		// 5.1 renamed isPrivate to private and added metadata and popularity fields.
		t["private"], t["has_metadata"] = false, s.Phase != PhaseMetadata
		t["comment"], t["popularity"], t["reannounce"] = "", 0, 1500
		t["root_path"] = t["content_path"]
	case q.v5:
		t["isPrivate"], t["reannounce"] = false, 1500
	}
	return t
}

// availability is the share of pieces peers offer: -1 once complete, 0 when stalled.
func availability(s DownloadStatus) float64 {
	switch {
	case !s.CompletedAt.IsZero():
		return -1
	case s.Phase == PhaseDownloading:
		return 1 + s.Progress()
	}
	return 0
}

// seedingTime is how long, in seconds, the torrent has been complete.
func seedingTime(s DownloadStatus, now time.Time) int64 {
	if s.CompletedAt.IsZero() {
		return 0
	}
	return int64(now.Sub(s.CompletedAt) / time.Second)
}
