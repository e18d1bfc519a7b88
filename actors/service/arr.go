package service

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	"github.com/discarr/discarr/messages"
)

// Queue paging: Sonarr caps pageSize at 200, and a hard cap on pages stops a server
// that keeps reporting more records than it serves.
const (
	queuePageSize = 200
	maxQueuePages = 100
)

// arrApp describes one *arr application's differences.
type arrApp struct {
	media messages.Media
	// includes are the include* queue options set to true; unknownParam asks for
	// unknown items.
	includes     []string
	unknownParam string
	// mediaID is the series or movie a record belongs to, for grouping.
	mediaID func(*arrRecord) int64
	title   func(*arrGroup) string
}

// arrClient speaks the /api/v3 of Sonarr and Radarr.
type arrClient struct {
	api            *api
	app            arrApp
	name, kind     string
	includeUnknown bool
	log            *slog.Logger
	shapes         *shapeLog
}

// newArr builds an *arr client; the API key goes in the X-Api-Key header.
func newArr(o Options, a *api, app arrApp) *arrClient {
	a.apiKey = o.APIKey
	return &arrClient{
		api: a, app: app, name: o.Name, kind: o.Kind,
		includeUnknown: o.IncludeUnknown, log: o.Logger, shapes: newShapeLog(o.Logger),
	}
}

// queueEnvelope is a queue page with its records left raw, to decode one by one.
type queueEnvelope struct {
	Page         flexInt           `json:"page"`
	PageSize     flexInt           `json:"pageSize"`
	TotalRecords flexInt           `json:"totalRecords"`
	Records      []json.RawMessage `json:"records"`
	// bare is set when the server answered a plain array, as before API v3.
	bare bool
}

// UnmarshalJSON accepts the paging envelope, or a bare array of records.
func (e *queueEnvelope) UnmarshalJSON(b []byte) error {
	if jsonKind(b) == '[' {
		e.bare = true
		return json.Unmarshal(b, &e.Records)
	}
	type plain queueEnvelope
	return json.Unmarshal(b, (*plain)(e))
}

// Poll reads every page of the queue.
func (c *arrClient) Poll(ctx context.Context) (messages.Snapshot, error) {
	start := time.Now()
	snap := messages.Snapshot{Service: c.name, Kind: c.kind, At: start}
	recs, total, skipped, err := c.queue(ctx)
	snap.Latency = time.Since(start)
	if err != nil {
		snap.Err = summaryOf(err)
		return snap, err
	}
	snap.Downloads = c.rows(recs, start)
	// Total counts downloads, as the board does: the records of a season pack
	// that collapsed into one row are not downloads the board failed to show.
	snap.Total = max(total-(len(recs)-len(snap.Downloads)), len(snap.Downloads))
	snap.Skipped = skipped
	return snap, nil
}

// queue fetches pages until it holds totalRecords records, a page comes back empty or
// short, or the page cap is reached. Records repeated across pages (the queue moved
// while it was read) are kept once, and counted once in the total it returns.
func (c *arrClient) queue(ctx context.Context) (recs []*arrRecord, total, skipped int, err error) {
	seen := map[[2]string]bool{}
	read, dups := 0, 0
	for page := 1; page <= maxQueuePages; page++ {
		var env queueEnvelope
		op := fmt.Sprintf("get queue page %d", page)
		if err := c.api.getJSON(ctx, op, "api/v3/queue", c.queueQuery(page), &env); err != nil {
			return nil, 0, 0, err
		}
		read += len(env.Records)
		total = read
		if env.TotalRecords.OK {
			total = int(env.TotalRecords.V)
		}
		done, err := decoding(ctx)
		if err != nil {
			return nil, 0, 0, c.api.transportError(ctx, op, "", err, 0)
		}
		for _, raw := range env.Records {
			r, err := decodeArrRecord(raw)
			if err != nil {
				skipped++
				c.shapes.note("queue record", err)
				continue
			}
			k := [2]string{strconv.FormatInt(r.ID.V, 10), r.DownloadID.String()}
			if seen[k] {
				dups++ // counted in totalRecords, but one record
				continue
			}
			seen[k] = true
			recs = append(recs, r)
		}
		done()
		if env.bare || len(env.Records) == 0 || (env.TotalRecords.OK && read >= total) ||
			(!env.TotalRecords.OK && len(env.Records) < queuePageSize) {
			return recs, max(total, read) - dups, skipped, nil
		}
	}
	c.log.Debug("queue page cap reached", "pages", maxQueuePages, "total", total, "read", read)
	return recs, total - dups, skipped, nil
}

// queueQuery is the query of one queue page.
func (c *arrClient) queueQuery(page int) url.Values {
	q := url.Values{}
	q.Set("page", strconv.Itoa(page))
	q.Set("pageSize", strconv.Itoa(queuePageSize))
	for _, p := range c.app.includes {
		q.Set(p, "true")
	}
	q.Set(c.app.unknownParam, strconv.FormatBool(c.includeUnknown))
	return q
}

// summaryOf returns an error's Summary when it is an *Error, else its text.
func summaryOf(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Summary()
	}
	return err.Error()
}
