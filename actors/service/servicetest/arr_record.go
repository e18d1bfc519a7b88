package servicetest

import (
	"fmt"
	"strings"
	"time"
)

// Messages real *arr applications put on downloads the client reports as stuck.
const (
	msgStalled  = "The download is stalled with no connections"
	msgMetadata = "qBittorrent is downloading metadata"
	msgMismatch = "Title mismatch, automatic import is not possible."
)

// worldRecords builds this application's queue records from the World: the known ones
// (with series/episode or movie objects; stripped later unless asked for) and the
// unknown items.
func (a *Arr) worldRecords() (known, unknown []map[string]any) {
	w := a.opts.World
	if w == nil {
		return []map[string]any{}, []map[string]any{}
	}
	now := w.Now()
	kind, category := KindTV, CategorySonarr
	if a.app == "Radarr" {
		kind, category = KindMovie, CategoryRadarr
	}
	known, unknown = []map[string]any{}, []map[string]any{}
	for _, s := range w.Snapshot() {
		switch {
		case !s.InQueue:
		case s.Kind == kind && kind == KindTV:
			known = append(known, w.sonarrRecords(s, now)...)
		case s.Kind == kind:
			known = append(known, w.radarrRecord(s, now))
		case s.Unknown && s.Category == category:
			unknown = append(unknown, w.unknownRecord(s, now, kind))
		}
	}
	return known, unknown
}

// baseRecord fills the fields every queue record of a tracked download has.
func (w *World) baseRecord(s DownloadStatus, now time.Time, radarr bool) map[string]any {
	rec := map[string]any{
		"languages":         []any{map[string]any{"id": 1, "name": "English"}},
		"quality":           qualityJSON(s.quality, radarr),
		"customFormats":     []any{},
		"customFormatScore": 0,
		"size":              s.Size,
		"title":             s.Title,
		"sizeleft":          s.Left(),
		"added":             isoTime(s.Added),
		"statusMessages":    []any{},
		"downloadId":        strings.ToUpper(s.Hash),
		"protocol":          "torrent",
		"downloadClient":    "qBittorrent",
		"indexer":           s.Indexer,
		"outputPath":        "/downloads/" + s.Category + "/" + s.Title,

		"downloadClientHasPostImportCategory": false,
	}
	if s.Behavior == BehaviorMetadata {
		rec["size"], rec["sizeleft"] = 0, 0
	}
	w.fillState(rec, s, now)
	return rec
}

// fillState sets status, tracked state, messages and the time left, the way *arr
// applications read a qBittorrent torrent.
func (w *World) fillState(rec map[string]any, s DownloadStatus, now time.Time) {
	status, tracked, state := "downloading", "ok", "downloading"
	withTime := false
	switch s.Phase {
	case PhaseQueued:
		status = "queued"
	case PhaseMetadata:
		status = "queued"
		rec["errorMessage"] = msgMetadata
	case PhaseDownloading:
		withTime = true
	case PhaseStalled:
		if s.stallAsWarning {
			status = "warning"
			rec["errorMessage"] = msgStalled
		}
	case PhasePaused:
		// Real Sonarr reports a paused torrent with a zero time left.
		status, withTime = "paused", true
	default:
		status, withTime = "completed", true
		state = "importPending"
		if now.Sub(s.CompletedAt) >= w.importAfter/2 {
			state = "importing"
		}
	}

	if s.blockState != "" && (s.Behavior == BehaviorWarnDownloading || s.Done >= s.Size) {
		tracked, state = "warning", s.blockState
		rec["statusMessages"] = messagesJSON(s.messages)
		withTime = s.Behavior == BehaviorWarnDownloading && s.Phase == PhaseDownloading
	}
	rec["status"], rec["trackedDownloadStatus"], rec["trackedDownloadState"] = status, tracked, state

	if withTime {
		left := max(s.ETA, 0)
		if s.Phase == PhasePaused {
			left = 0
		}
		rec["timeleft"] = formatTimeSpan(left)
		rec["estimatedCompletionTime"] = isoTime(now.Add(left))
	}
}

// sonarrRecords returns one record per episode: a season pack gives several records
// sharing downloadId, size, sizeleft and timeleft.
func (w *World) sonarrRecords(s DownloadStatus, now time.Time) []map[string]any {
	series := seriesJSON(s)
	out := make([]map[string]any, 0, len(s.Episodes))
	for _, ep := range s.Episodes {
		rec := w.baseRecord(s, now, false)
		rec["id"] = ep.QueueID
		rec["seriesId"] = s.SeriesID
		rec["episodeId"] = ep.EpisodeID
		rec["seasonNumber"] = s.Season
		rec["episodeHasFile"] = false
		rec["series"] = series
		rec["episode"] = episodeJSON(s, ep)
		out = append(out, rec)
	}
	return out
}

// radarrRecord returns the record of one movie download.
func (w *World) radarrRecord(s DownloadStatus, now time.Time) map[string]any {
	rec := w.baseRecord(s, now, true)
	rec["id"] = s.QueueID
	rec["movieId"] = s.MovieID
	rec["movie"] = movieJSON(s)
	return rec
}

// unknownRecord returns an unknown item: no series/episode or movie, quality Unknown, a
// title-mismatch warning.
func (w *World) unknownRecord(s DownloadStatus, now time.Time, kind Kind) map[string]any {
	radarr := kind == KindMovie
	rec := w.baseRecord(s, now, radarr)
	rec["id"] = s.QueueID
	rec["quality"] = qualityJSON(quality{name: "Unknown", source: "unknown"}, radarr)
	rec["indexer"] = ""
	if s.Done >= s.Size {
		rec["trackedDownloadStatus"] = "warning"
		rec["trackedDownloadState"] = "importBlocked"
		rec["statusMessages"] = messagesJSON([]StatusMessage{{Title: s.Title, Messages: []string{msgMismatch}}})
	}
	if kind == KindTV {
		rec["episodeHasFile"] = false
	}
	return rec
}

// messagesJSON renders statusMessages as raw JSON values.
func messagesJSON(ms []StatusMessage) []any {
	out := make([]any, 0, len(ms))
	for _, m := range ms {
		msgs := make([]any, 0, len(m.Messages))
		for _, s := range m.Messages {
			msgs = append(msgs, s)
		}
		out = append(out, map[string]any{"title": m.Title, "messages": msgs})
	}
	return out
}

// qualityJSON renders a quality model; Radarr's carries a modifier.
func qualityJSON(q quality, radarr bool) map[string]any {
	inner := map[string]any{"id": q.id, "name": q.name, "source": q.source, "resolution": q.resolution}
	if radarr {
		inner["modifier"] = "none"
	}
	return map[string]any{
		"quality":  inner,
		"revision": map[string]any{"version": 1, "real": 0, "isRepack": false},
	}
}

// isoTime writes t as the *arr applications do: UTC, second precision, Z suffix.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// airDate invents a stable air date for an episode.
func airDate(s DownloadStatus, ep Episode) time.Time {
	return time.Date(s.Year+s.Season-1, time.March, 1, 1, 0, 0, 0, time.UTC).
		AddDate(0, 0, 7*(ep.Number-1))
}

// seriesJSON renders the series object of includeSeries.
func seriesJSON(s DownloadStatus) map[string]any {
	clean := strings.ReplaceAll(slug(s.Series), "-", "")
	return map[string]any{
		"id": s.SeriesID, "title": s.Series, "sortTitle": strings.ToLower(s.Series),
		"status": "continuing", "ended": false, "overview": "A simulated series.",
		"network": "Simulated", "airTime": "21:00", "images": []any{},
		"originalLanguage": map[string]any{"id": 1, "name": "English"},
		"year":             s.Year, "path": "/tv/" + s.Series, "qualityProfileId": 1,
		"seasonFolder": true, "monitored": true, "monitorNewItems": "all",
		"useSceneNumbering": false, "runtime": 45, "tvdbId": s.TvdbID, "tvRageId": 0,
		"tvMazeId": 0, "tmdbId": 0, "firstAired": fmt.Sprintf("%d-03-01T00:00:00Z", s.Year),
		"seriesType": "standard", "cleanTitle": clean, "titleSlug": slug(s.Series),
		"genres": []any{"Drama"}, "tags": []any{}, "added": isoTime(s.Added.AddDate(0, -6, 0)),
		"ratings": map[string]any{"votes": 120, "value": 7.9}, "languageProfileId": 1,
	}
}

// episodeJSON renders the episode object of includeEpisode.
func episodeJSON(s DownloadStatus, ep Episode) map[string]any {
	aired := airDate(s, ep)
	return map[string]any{
		"id": ep.EpisodeID, "seriesId": s.SeriesID, "tvdbId": ep.EpisodeID + 7000000,
		"episodeFileId": 0, "seasonNumber": s.Season, "episodeNumber": ep.Number,
		"title": ep.Title, "airDate": aired.Format("2006-01-02"), "airDateUtc": isoTime(aired),
		"runtime": 45, "overview": "A simulated episode.", "hasFile": false, "monitored": true,
		"absoluteEpisodeNumber": 10*(s.Season-1) + ep.Number, "unverifiedSceneNumbering": false,
	}
}

// movieJSON renders the movie object of includeMovie.
func movieJSON(s DownloadStatus) map[string]any {
	folder := fmt.Sprintf("/movies/%s (%d)", s.Movie, s.Year)
	return map[string]any{
		"id": s.MovieID, "title": s.Movie, "originalTitle": s.Movie,
		"originalLanguage": map[string]any{"id": 1, "name": "English"},
		"alternateTitles":  []any{}, "secondaryYearSourceId": 0,
		"sortTitle": strings.ToLower(s.Movie), "sizeOnDisk": 0, "status": "released",
		"overview": "A simulated film.", "images": []any{}, "website": "", "year": s.Year,
		"youTubeTrailerId": "", "studio": "Simulated Pictures", "path": folder,
		"qualityProfileId": 1, "hasFile": false, "monitored": true,
		"minimumAvailability": "released", "isAvailable": true, "folderName": folder,
		"runtime": 110, "cleanTitle": strings.ReplaceAll(slug(s.Movie), "-", ""),
		"imdbId": fmt.Sprintf("tt%07d", s.TmdbID), "tmdbId": s.TmdbID,
		"titleSlug": fmt.Sprint(s.TmdbID), "rootFolderPath": "/movies/", "certification": "",
		"genres": []any{"Drama"}, "tags": []any{}, "added": isoTime(s.Added.AddDate(0, -1, 0)),
		"ratings": map[string]any{}, "popularity": 12.5,
	}
}
