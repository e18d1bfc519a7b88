package servicetest

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// DefaultPageSize is the queue's pageSize when the request names none, as on the real
// servers.
const DefaultPageSize = 10

// queueQuery is the parsed query of GET /api/v3/queue.
type queueQuery struct {
	page, pageSize int
	sortKey        string
	sortDirection  string
	sortGiven      bool
	unknown        bool // includeUnknownSeriesItems / includeUnknownMovieItems
	withParent     bool // includeSeries / includeMovie
	withEpisode    bool // includeEpisode
	parentIDs      map[int]bool
	statuses       map[string]bool
	protocol       string
}

// parseQueueQuery reads the paging, include and filter parameters.
func (a *Arr) parseQueueQuery(q url.Values) queueQuery {
	qq := queueQuery{
		page: atoiOr(q.Get("page"), 1), pageSize: atoiOr(q.Get("pageSize"), DefaultPageSize),
		sortKey: q.Get("sortKey"), sortDirection: q.Get("sortDirection"),
		protocol: strings.ToLower(q.Get("protocol")),
	}
	qq.page = max(qq.page, 1)
	if qq.pageSize < 1 {
		qq.pageSize = DefaultPageSize
	}
	if a.opts.MaxPageSize > 0 {
		qq.pageSize = min(qq.pageSize, a.opts.MaxPageSize)
	}
	qq.sortGiven = qq.sortKey != ""
	if !qq.sortGiven {
		qq.sortKey = "timeleft"
	}
	if qq.sortDirection == "" {
		qq.sortDirection = "ascending"
	}
	if a.app == "Sonarr" {
		qq.unknown = isTrue(q.Get("includeUnknownSeriesItems"))
		qq.withParent = isTrue(q.Get("includeSeries"))
		qq.withEpisode = isTrue(q.Get("includeEpisode"))
		qq.parentIDs = intSet(q["seriesIds"])
	} else {
		qq.unknown = isTrue(q.Get("includeUnknownMovieItems"))
		qq.withParent = isTrue(q.Get("includeMovie"))
		qq.parentIDs = intSet(q["movieIds"])
	}
	qq.statuses = map[string]bool{}
	for _, v := range splitList(q["status"]) {
		qq.statuses[strings.ToLower(v)] = true
	}
	return qq
}

// serveQueue answers GET /api/v3/queue with one page of the paging resource.
func (a *Arr) serveQueue(w http.ResponseWriter, r *http.Request) {
	qq := a.parseQueueQuery(r.URL.Query())
	records := a.filter(a.records(qq.unknown), qq)
	if qq.sortGiven || !a.explicitQueue() {
		sortRecords(records, qq.sortKey, qq.sortDirection == "descending")
	}

	from := min((qq.page-1)*qq.pageSize, len(records))
	to := min(from+qq.pageSize, len(records))
	page := make([]map[string]any, 0, to-from)
	for _, rec := range records[from:to] {
		page = append(page, stripIncludes(rec, qq))
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"page": qq.page, "pageSize": qq.pageSize,
		"sortKey": qq.sortKey, "sortDirection": qq.sortDirection,
		"totalRecords": len(records), "records": page,
	})
}

// explicitQueue reports whether SetQueue replaced the World's queue.
func (a *Arr) explicitQueue() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.queue != nil
}

// records returns every queue record, the unknown items too when asked, as fresh maps.
func (a *Arr) records(withUnknown bool) []map[string]any {
	known, unknown := a.lists(withUnknown)
	return append(known, unknown...)
}

// lists returns the known records and, when asked, the unknown items, as fresh maps.
func (a *Arr) lists(withUnknown bool) (known, unknown []map[string]any) {
	a.mu.Lock()
	known, unknown = cloneRecords(a.queue), cloneRecords(a.unknown)
	a.mu.Unlock()

	if known == nil || (withUnknown && unknown == nil) {
		worldKnown, worldUnknown := a.worldRecords()
		if known == nil {
			known = worldKnown
		}
		if unknown == nil {
			unknown = worldUnknown
		}
	}
	if !withUnknown {
		unknown = nil
	}
	return known, unknown
}

// filter keeps the records matching the series/movie ids, statuses and protocol asked for.
func (a *Arr) filter(records []map[string]any, qq queueQuery) []map[string]any {
	parentKey := "seriesId"
	if a.app == "Radarr" {
		parentKey = "movieId"
	}
	out := records[:0]
	for _, rec := range records {
		if len(qq.parentIDs) > 0 && !qq.parentIDs[intOf(rec[parentKey])] {
			continue
		}
		if len(qq.statuses) > 0 && !qq.statuses[strings.ToLower(stringOf(rec["status"]))] {
			continue
		}
		if qq.protocol != "" && !strings.EqualFold(stringOf(rec["protocol"]), qq.protocol) {
			continue
		}
		out = append(out, rec)
	}
	return out
}

// stripIncludes drops the nested series, episode or movie objects not asked for.
func stripIncludes(rec map[string]any, qq queueQuery) map[string]any {
	if !qq.withParent {
		delete(rec, "series")
		delete(rec, "movie")
	}
	if !qq.withEpisode {
		delete(rec, "episode")
	}
	return rec
}

// serveQueueStatus answers GET /api/v3/queue/status with counts over the whole queue.
func (a *Arr) serveQueueStatus(w http.ResponseWriter, _ *http.Request) {
	known, unknown := a.lists(true)
	errs, warns := flags(known)
	unknownErrs, unknownWarns := flags(unknown)
	writeJSON(w, http.StatusOK, map[string]any{
		"totalCount": len(known) + len(unknown), "count": len(known), "unknownCount": len(unknown),
		"errors": errs, "warnings": warns, "unknownErrors": unknownErrs, "unknownWarnings": unknownWarns,
	})
}

// flags reports whether any record's trackedDownloadStatus is error, or warning.
func flags(records []map[string]any) (errs, warns bool) {
	for _, r := range records {
		switch stringOf(r["trackedDownloadStatus"]) {
		case "error":
			errs = true
		case "warning":
			warns = true
		}
	}
	return errs, warns
}

// deleteRecord removes the record with id: from the explicit queue, or its download
// from the World.
func (a *Arr) deleteRecord(id int) bool {
	a.mu.Lock()
	for _, list := range []*[]map[string]any{&a.queue, &a.unknown} {
		for i, rec := range *list {
			if intOf(rec["id"]) == id {
				*list = slices.Delete(*list, i, i+1)
				a.mu.Unlock()
				return true
			}
		}
	}
	a.mu.Unlock()

	if a.opts.World == nil {
		return false
	}
	known, unknown := a.worldRecords()
	for _, rec := range append(known, unknown...) {
		if intOf(rec["id"]) == id {
			return a.opts.World.Remove(stringOf(rec["downloadId"]))
		}
	}
	return false
}

// atoiOr parses s, or returns def when s is empty or not a number.
func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return n
}

// isTrue reports whether a query value means true, case-insensitively.
func isTrue(s string) bool { return strings.EqualFold(s, "true") }

// splitList flattens repeated and comma-separated query values.
func splitList(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// intSet parses repeated or comma-separated integers.
func intSet(vs []string) map[int]bool {
	out := map[int]bool{}
	for _, v := range splitList(vs) {
		if n, err := strconv.Atoi(v); err == nil {
			out[n] = true
		}
	}
	return out
}
