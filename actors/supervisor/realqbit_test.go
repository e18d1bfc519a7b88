package supervisor_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/service/servicetest/realqbit"
)

// TestBoardFollowsARealQBittorrentDownload runs discarr against a real qbittorrent-nox
// downloading a generated torrent from a local seeder, with Sonarr naming that torrent
// in its queue, and waits for the board to show the real progress rise and finish.
func TestBoardFollowsARealQBittorrentDownload(t *testing.T) {
	realqbit.Require(t)
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	swarm, err := realqbit.StartSwarm(ctx, realqbit.SwarmOptions{Username: "admin", Password: qbitPass})
	if err != nil {
		t.Fatalf("start swarm: %v", err)
	}
	t.Cleanup(func() { _ = swarm.Close() })

	s := newStack(t)
	s.urls["qbit"] = swarm.Leecher.URL
	s.sonarr.SetQueue([]map[string]any{{
		"id": 901, "seriesId": 77, "episodeId": 7701, "seasonNumber": 1,
		"series":  map[string]any{"title": "Loopback Chronicles", "year": 2026},
		"episode": map[string]any{"seasonNumber": 1, "episodeNumber": 3, "title": "Over The Wire"},
		"title":   swarm.Name, "size": swarm.Size, "sizeleft": swarm.Size,
		"status": "downloading", "trackedDownloadStatus": "ok", "trackedDownloadState": "downloading",
		"downloadId": strings.ToUpper(swarm.Hash), "protocol": "torrent", "downloadClient": "qBittorrent",
	}})
	s.start(t, s.config(t, ""))

	percent := regexp.MustCompile(`(\d+)%`)
	progress := func() int {
		d := s.boards("Downloads")
		if len(d) != 1 {
			return -1
		}
		desc := d[0].Embeds[0].Description
		_, rest, ok := strings.Cut(desc, "Loopback Chronicles S01E03")
		if !ok {
			return -1
		}
		line, _, _ := strings.Cut(strings.TrimPrefix(rest, "\n"), "\n\n")
		m := percent.FindStringSubmatch(line)
		if m == nil {
			return -1
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}

	var first int
	waitFor(t, 90*time.Second, "the board to show the real download under way", func() bool {
		first = progress()
		return first > 0 && first < 100
	})
	waitFor(t, 120*time.Second, "the board to show progress rising", func() bool {
		p := progress()
		return p > first
	})
	waitFor(t, 180*time.Second, "the board to show the download complete", func() bool {
		return progress() == 100
	})
	assertNoViolations(t, s.emu)
}
