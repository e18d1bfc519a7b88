package servicetest

import (
	"fmt"
	"strings"
)

// The Case functions return the odd shapes real servers send, as raw records for
// Arr.SetQueue / Arr.SetUnknownQueue / QBittorrent.SetTorrents, so a test can feed one
// shape and assert what discarr makes of it. A hash argument is the torrent's info hash
// in any case: *arr records carry it upper-case, qBittorrent torrents lower-case. Each
// call returns fresh maps.

// CaseHash returns a stable, made-up lower-case info hash numbered n.
func CaseHash(n int) string {
	return fmt.Sprintf("%040x", 0xca5e0000+n)
}

// arrID is how an *arr record names a download: the upper-case hash.
func arrID(hash string) string { return strings.ToUpper(hash) }

// CaseStalledNoTimeleft is a stalled torrent whose record has no timeleft and no
// estimatedCompletionTime keys at all, with zero series and episode ids.
func CaseStalledNoTimeleft(hash string) []map[string]any {
	return []map[string]any{{
		"id": 101, "seriesId": 0, "episodeId": 0, "title": "Show.Name.S01E01.1080p",
		"size": 2147483648, "sizeleft": 2147483648, "status": "downloading",
		"trackedDownloadStatus": "ok", "trackedDownloadState": "downloading",
		"statusMessages": []any{}, "downloadId": arrID(hash), "protocol": "torrent",
	}}
}

// CaseDownloadingImportBlocked is a record still transferring (status downloading, with
// an ETA) while the tracked state is already importBlocked.
func CaseDownloadingImportBlocked(hash string) []map[string]any {
	return []map[string]any{{
		"id": 7, "title": "Show.Name.S02E03.1080p.WEB.h264-GRP", "status": "downloading",
		"trackedDownloadStatus": "warning", "trackedDownloadState": "importBlocked",
		"estimatedCompletionTime": "2030-01-01T12:00:00Z", "timeleft": "00:10:00",
		"size": 1000, "sizeleft": 400, "downloadId": arrID(hash), "protocol": "torrent",
		"statusMessages": []any{map[string]any{"title": "Episode has a TBA title", "messages": []any{}}},
	}}
}

// CaseStatusMessagesShapes returns two completed, blocked records: id 21 in the newer
// shape (reason in title, messages empty) and id 22 in the older one (file name as
// title, reason in messages), plus id 23 with statusMessages null and id 24 whose
// entry has messages null.
func CaseStatusMessagesShapes(hash string) []map[string]any {
	rec := func(id int, msgs any) map[string]any {
		return map[string]any{
			"id": id, "title": fmt.Sprintf("Show.Name.S01E%02d.1080p.WEB.h264-GRP", id-20),
			"status": "completed", "trackedDownloadStatus": "warning",
			"trackedDownloadState": "importBlocked", "size": 1000, "sizeleft": 0,
			"downloadId": arrID(hash), "protocol": "torrent", "statusMessages": msgs,
		}
	}
	return []map[string]any{
		rec(21, []any{map[string]any{"title": "Not a Custom Format upgrade for existing episode file(s)", "messages": []any{}}}),
		rec(22, []any{map[string]any{"title": "Show.Name.S01E06.mkv", "messages": []any{"Not an upgrade for existing episode file(s)"}}}),
		rec(23, nil),
		rec(24, []any{map[string]any{"title": "Sample", "messages": nil}}),
	}
}

// CaseClientUnavailable is a record with downloadId null, status
// downloadClientUnavailable and trackedDownloadState null.
func CaseClientUnavailable() []map[string]any {
	return []map[string]any{{
		"id": 55, "title": "Show.Name.S03E01.1080p.WEB.h264-GRP", "downloadId": nil,
		"protocol": "usenet", "status": "downloadClientUnavailable",
		"trackedDownloadState": nil, "statusMessages": []any{},
	}}
}

// CaseSparseRecords has a pending (delay) record carrying only id, title and status, next
// to an ordinary one.
func CaseSparseRecords(hash string) []map[string]any {
	return []map[string]any{
		{"id": 1, "title": "Movie.Title.2024.2160p", "status": "delay"},
		{"id": 2, "title": "Movie.Title.2023.1080p", "downloadId": arrID(hash), "added": "2025-01-01T00:00:00Z",
			"status": "downloading", "size": 5000, "sizeleft": 2500, "timeleft": "00:01:00"},
	}
}

// CaseOddStatuses has one record per status and tracked-state value a client must show
// without crashing, including ones the OpenAPI enums do not list.
func CaseOddStatuses() []map[string]any {
	pairs := [][2]string{
		{"delay", "downloading"}, {"paused", "downloading"}, {"warning", "downloading"},
		{"failed", "failed"}, {"completed", "failedPending"}, {"completed", "importing"},
		{"downloadClientUnavailable", "downloading"}, {"fallback", "ignored"},
		{"someFutureStatus", "someFutureState"},
	}
	out := make([]map[string]any, 0, len(pairs))
	for i, p := range pairs {
		out = append(out, map[string]any{
			"id": 300 + i, "title": fmt.Sprintf("Odd.Status.%d.1080p", i), "status": p[0],
			"trackedDownloadStatus": "ok", "trackedDownloadState": p[1],
			"size": 100, "sizeleft": 50, "statusMessages": []any{},
		})
	}
	return out
}

// CaseUnknownItem is an unknown item (for Arr.SetUnknownQueue): no series, episode or
// movie object, no ids, quality Unknown and a title-mismatch warning.
func CaseUnknownItem(hash string) []map[string]any {
	title := "Some.Release.S01E05.1080p.WEB"
	return []map[string]any{{
		"id": 179, "title": title, "status": "completed", "trackedDownloadStatus": "warning",
		"statusMessages": []any{map[string]any{"title": title, "messages": []any{msgMismatch}}},
		"downloadId":     arrID(hash), "protocol": "torrent", "size": 1000, "sizeleft": 0,
		"timeleft": "00:00:00", "quality": qualityJSON(quality{name: "Unknown", source: "unknown"}, false),
	}}
}

// CaseSeasonPack is one season-pack download of n episodes: records 11, 12, ... share
// downloadId, size, sizeleft and timeleft, and differ in episode.
func CaseSeasonPack(hash string, n int) []map[string]any {
	out := make([]map[string]any, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, map[string]any{
			"id": 10 + i, "seriesId": 42, "episodeId": 4200 + i, "seasonNumber": 1,
			"title": "Show.Name.S01.1080p.WEB.h264-GRP", "size": 9000, "sizeleft": 3000,
			"timeleft": "00:05:00", "estimatedCompletionTime": "2030-01-01T12:05:00Z",
			"status": "downloading", "trackedDownloadStatus": "ok", "trackedDownloadState": "downloading",
			"statusMessages": []any{}, "downloadId": arrID(hash), "protocol": "torrent",
			"series":  map[string]any{"id": 42, "title": "Show Name", "year": 2020},
			"episode": map[string]any{"id": 4200 + i, "seriesId": 42, "seasonNumber": 1, "episodeNumber": i, "title": fmt.Sprintf("Part %d", i)},
		})
	}
	return out
}

// CaseQueuedFetchingMetadata is the *arr side of a magnet still fetching metadata: a
// plain queued record. Pair it with CaseTorrent(hash, "metaDL", 0).
func CaseQueuedFetchingMetadata(hash string) []map[string]any {
	return []map[string]any{{
		"id": 61, "title": "Show.Name.S04E02.1080p.WEB.h264-GRP", "status": "queued",
		"trackedDownloadStatus": "ok", "trackedDownloadState": "downloading",
		"statusMessages": []any{}, "downloadId": arrID(hash), "protocol": "torrent",
		"size": 0, "sizeleft": 0,
	}}
}

// CaseTorrent is one torrents/info entry in the given state with the real field set;
// eta is InfiniteETA unless the state is downloading.
func CaseTorrent(hash, state string, progress float64) map[string]any {
	size := int64(257091916)
	eta, dl := int64(InfiniteETA), int64(0)
	if state == "downloading" || state == "forcedDL" {
		eta, dl = 120, 1<<20
	}
	done := int64(float64(size) * progress)
	return map[string]any{
		"hash": strings.ToLower(hash), "name": "Case." + state, "size": size, "total_size": size,
		"progress": progress, "dlspeed": dl, "upspeed": 0, "eta": eta, "state": state,
		"num_seeds": 0, "num_leechs": 0, "num_complete": 0, "num_incomplete": 2,
		"added_on": 1751736848, "completion_on": -1, "category": CategorySonarr, "tags": "",
		"save_path": "/downloads/" + CategorySonarr, "content_path": "/downloads/" + CategorySonarr + "/Case." + state,
		"amount_left": size - done, "completed": done, "downloaded": done, "uploaded": 0,
		"downloaded_session": 0, "uploaded_session": 0, "ratio": 0, "tracker": "",
		"availability": 0, "priority": 1, "time_active": 600, "seeding_time": 0,
	}
}

// CaseTorrentStates returns one torrent per state a client must map: the stopped states
// of the version (pausedDL/pausedUP on 4.x, stoppedDL/stoppedUP on 5.x), metaDL and
// forcedMetaDL, stalledDL at eta 8640000, stalledUP complete at eta 8640000,
// checkingResumeData, moving, missingFiles, error, unknown and a state no version has.
// Hashes are CaseHash(0), CaseHash(1), ...
func CaseTorrentStates(v5 bool) []map[string]any {
	stopDL, stopUP := "pausedDL", "pausedUP"
	if v5 {
		stopDL, stopUP = "stoppedDL", "stoppedUP"
	}
	states := []struct {
		state    string
		progress float64
	}{
		{stopDL, 0.42}, {stopUP, 1}, {"metaDL", 0}, {"forcedMetaDL", 0}, {"stalledDL", 0},
		{"stalledUP", 1}, {"checkingResumeData", 0.5}, {"moving", 1}, {"missingFiles", 0.3},
		{"error", 0.7}, {"unknown", 0}, {"someFutureState", 0.1}, {"downloading", 0.25},
	}
	out := make([]map[string]any, 0, len(states))
	for i, s := range states {
		out = append(out, CaseTorrent(CaseHash(i), s.state, s.progress))
	}
	return out
}

// CaseHealth returns health entries of every type as the live servers send them:
// wikiUrl a plain string, and null on the last entry.
func CaseHealth(app string) []map[string]any {
	wiki := "https://wiki.servarr.com/" + strings.ToLower(app) + "/system#"
	last := HealthItem("RemovedSeriesCheck", "notice", "Item was removed from the metadata source", "")
	last["wikiUrl"] = nil
	return []map[string]any{
		HealthItem("IndexerStatusCheck", "warning", "Indexers unavailable due to failures: Nyx", wiki+"indexers-are-unavailable-due-to-failures"),
		HealthItem("DownloadClientStatusCheck", "error", "All download clients are unavailable due to failures", wiki+"download-clients-are-unavailable-due-to-failures"),
		HealthItem("ImportMechanismCheck", "warning", "Enable Completed Download Handling", wiki+"completed-failed-download-handling"),
		HealthItem("UpdateCheck", "ok", "", wiki+"updates"),
		last,
	}
}
