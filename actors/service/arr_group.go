package service

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/discarr/discarr/messages"
)

// arrGroup is the records of one download: one record usually, one per episode for a
// season pack (Sonarr lists each episode of a pack with the same downloadId).
type arrGroup struct {
	recs []*arrRecord
}

// groupRecords collects records sharing a downloadId and a series or movie into groups,
// in the order their first record came. Records without a downloadId stand alone.
func groupRecords(recs []*arrRecord, mediaID func(*arrRecord) int64) []*arrGroup {
	groups := make([]*arrGroup, 0, len(recs))
	byKey := make(map[string]*arrGroup, len(recs))
	for _, r := range recs {
		id := strings.ToLower(strings.TrimSpace(r.DownloadID.String()))
		if id == "" {
			groups = append(groups, &arrGroup{recs: []*arrRecord{r}})
			continue
		}
		k := id + "\x00" + strconv.FormatInt(mediaID(r), 10)
		if g, ok := byKey[k]; ok {
			g.recs = append(g.recs, r)
			continue
		}
		g := &arrGroup{recs: []*arrRecord{r}}
		byKey[k] = g
		groups = append(groups, g)
	}
	return groups
}

// minID is the lowest record id of the group: its key does not depend on record order.
func (g *arrGroup) minID() int64 {
	low := g.recs[0].ID.V
	for _, r := range g.recs[1:] {
		low = min(low, r.ID.V)
	}
	return low
}

// rows turns records into one Download per group, keyed by service and lowest record id
// (made unique should a server repeat an id), titled by the app.
func (c *arrClient) rows(recs []*arrRecord, now time.Time) []messages.Download {
	groups := groupRecords(recs, c.app.mediaID)
	out := make([]messages.Download, 0, len(groups))
	keys := make(map[string]bool, len(groups))
	for _, g := range groups {
		d := arrDownload(g.recs[0], c.name, c.kind, c.app.media, now)
		d.Title = c.app.title(g)
		if d.Title == "" {
			d.Title = fallbackTitle(g.recs[0])
		}
		if c.app.media == messages.MediaTV {
			d.Episodes = len(g.recs)
		}
		for _, r := range g.recs[1:] {
			d.Warning = d.Warning || arrDownload(r, c.name, c.kind, c.app.media, now).Warning
		}
		d.Key = uniqueKey(keys, c.name+":"+strconv.FormatInt(g.minID(), 10))
		out = append(out, d)
	}
	return out
}

// uniqueKey returns key, or key with a "#n" suffix when it is taken.
func uniqueKey(taken map[string]bool, key string) string {
	k := key
	for n := 2; taken[k]; n++ {
		k = fmt.Sprintf("%s#%d", key, n)
	}
	taken[k] = true
	return k
}

// fallbackTitle names a record with nothing better: its release, or its id.
func fallbackTitle(r *arrRecord) string {
	if t := strings.TrimSpace(r.Title.String()); t != "" {
		return t
	}
	return "Queue item " + strconv.FormatInt(r.ID.V, 10)
}

// unknownTitle names an item the *arr app matched to nothing.
func unknownTitle(r *arrRecord) string {
	return "Unknown item: " + fallbackTitle(r)
}
