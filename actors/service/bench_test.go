package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

// queuePage200 builds a 200-record queue page shaped like a real Sonarr v4 page.
func queuePage200(b *testing.B) []byte {
	b.Helper()
	recs := make([]json.RawMessage, 200)
	for i := range recs {
		recs[i] = json.RawMessage(fmt.Sprintf(`{"id":%d,"seriesId":%d,"episodeId":%d,"seasonNumber":1,
"series":{"title":"Show %d","year":2020,"id":%d,"images":[{"coverType":"poster","url":"/p.jpg"}]},
"episode":{"seasonNumber":1,"episodeNumber":%d,"title":"Episode","hasFile":false},
"languages":[{"id":1,"name":"English"}],"quality":{"quality":{"id":3,"name":"WEBDL-1080p"}},
"size":2295878123,"title":"Show.%d.S01E%02d.1080p.WEB-DL","sizeleft":1595859271,"timeleft":"00:07:51",
"estimatedCompletionTime":"2024-07-09T04:48:16Z","added":"2024-07-09T04:39:54Z","status":"downloading",
"trackedDownloadStatus":"ok","trackedDownloadState":"downloading","statusMessages":[],
"downloadId":"SABnzbd_nzo_%d","protocol":"usenet","downloadClient":"SABnzbd","indexer":"Indexer"}`,
			i+1, i%20, i, i%20, i%20, i%50, i%20, i%50, i))
	}
	page, err := json.Marshal(map[string]any{"page": 1, "pageSize": 200, "totalRecords": 200, "records": recs})
	if err != nil {
		b.Fatal(err)
	}
	return page
}

// BenchmarkDecodeQueuePage measures one poll of a 200-record queue page over loopback:
// the request, the envelope, every record on its own and the mapping to downloads.
func BenchmarkDecodeQueuePage(b *testing.B) {
	page := queuePage200(b)
	ts, _ := arrServer(b, "", map[string]http.HandlerFunc{"/api/v3/queue": raw(page)})
	c := newClient(b, "sonarr", ts.URL, nil)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		snap, err := c.Poll(context.Background())
		if err != nil || len(snap.Downloads) != 200 {
			b.Fatalf("rows %d err %v", len(snap.Downloads), err)
		}
	}
}
