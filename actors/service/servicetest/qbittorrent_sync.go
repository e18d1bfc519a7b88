package servicetest

import (
	"net/http"
)

// transferInfo sums the torrents into the global transfer info object.
func transferInfo(torrents []map[string]any) map[string]any {
	var dl, up, dlData, upData int64
	for _, t := range torrents {
		dl += int64(floatOf(t["dlspeed"]))
		up += int64(floatOf(t["upspeed"]))
		dlData += int64(floatOf(t["downloaded_session"]))
		upData += int64(floatOf(t["uploaded_session"]))
	}
	return map[string]any{
		"connection_status": "connected", "dht_nodes": 0,
		"dl_info_speed": dl, "dl_info_data": dlData, "dl_rate_limit": 0,
		"up_info_speed": up, "up_info_data": upData, "up_rate_limit": 0,
	}
}

// serveTransfer answers GET /api/v2/transfer/info.
func (q *QBittorrent) serveTransfer(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, transferInfo(q.list()))
}

// serveMainData answers GET /api/v2/sync/maindata. Every answer is a full update (the
// real server may send deltas when the rid matches; full updates are always valid).
func (q *QBittorrent) serveMainData(w http.ResponseWriter, _ *http.Request) {
	list := q.list()
	torrents := make(map[string]any, len(list))
	categories := map[string]any{}
	for _, t := range list {
		hash := stringOf(t["hash"])
		delete(t, "hash") // maindata keys torrents by hash instead
		torrents[hash] = t
		if c := stringOf(t["category"]); c != "" {
			categories[c] = map[string]any{"name": c, "savePath": "/downloads/" + c}
		}
	}

	state := transferInfo(list)
	state["queueing"] = true
	state["use_alt_speed_limits"] = false
	state["refresh_interval"] = 1500
	state["free_space_on_disk"] = int64(1) << 40
	state["alltime_dl"], state["alltime_ul"] = state["dl_info_data"], state["up_info_data"]
	state["global_ratio"] = "0.00"
	state["total_peer_connections"] = 0
	state["queued_io_jobs"], state["average_time_queue"] = 0, 0

	q.mu.Lock()
	q.rid++
	rid := q.rid
	q.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"rid": rid, "full_update": true, "torrents": torrents,
		"categories": categories, "tags": []any{}, "server_state": state,
	})
}
