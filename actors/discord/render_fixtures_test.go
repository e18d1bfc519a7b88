package discord_test

import (
	"time"

	"github.com/discarr/discarr/messages"
)

// now is the board time of every fixture.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	kib = int64(1) << 10
	mib = int64(1) << 20
	gib = int64(1) << 30
)

// mixedBoard is a board shaped after real queues, in the store's order: Sonarr over SABnzbd and qBittorrent,
// season packs, import warnings, a stalled torrent no *arr app tracks, a Lidarr record
// whose download client is gone, and a release name full of markdown.
func mixedBoard() messages.DownloadsBoard {
	ds := []messages.Download{
		{Key: "sonarr/7", Service: "sonarr", Kind: "sonarr", Title: "Love Island UK S11E29",
			Release: "Love.Island.UK.S11E29.1080p.HULU.WEB-DL.AAC2.0.H264-WhiteHat", Media: messages.MediaTV,
			Protocol: "usenet", Client: "SABnzbd", State: messages.StateDownloading,
			Size: 2295878123, Left: 1595859271, Speed: 5*mib + 200*kib,
			ETA: messages.KnownETA(now.Add(7*time.Minute + 51*time.Second))},
		{Key: "sonarr/11", Service: "sonarr", Kind: "sonarr", ClientID: "9f1c", Title: "Couples Therapy (2019) S04",
			Release: "Couples.Therapy.2019.S04.1080p.WEB.h264-EDITH", Media: messages.MediaTV,
			Protocol: "torrent", Client: "qBittorrent", State: messages.StateDownloading, Episodes: 10,
			Size: 18240588717, Left: 14153482240, Speed: 12 * mib,
			ETA: messages.KnownETA(now.Add(2*time.Hour + 44*time.Minute))},
		{Key: "sonarr/101", Service: "sonarr", Kind: "sonarr", Title: "Show Name S01E01",
			Release: "Show.Name.S01E01.1080p", Media: messages.MediaTV, Protocol: "torrent",
			State: messages.StateDownloading, Size: 2 * gib, Left: 2 * gib},
		{Key: "lidarr/55", Service: "lidarr", Kind: "lidarr", Title: "Artist – Album (2024) [FLAC]",
			Media: messages.MediaMusic, Protocol: "usenet", State: messages.StateUnknown,
			RawState: "downloadClientUnavailable", Reason: "Download client is unavailable", Left: -1},
		{Key: "sonarr/20", Service: "sonarr", Kind: "sonarr", Title: "Devs S01", Media: messages.MediaTV,
			State: messages.StateQueued, Size: 22287496486, Left: 22287496486},
		{Key: "qbit/77aa", Service: "qbit", Kind: "qbittorrent", ClientID: "77aa", Title: "Show_Name_[2024]_(PROPER)*x*",
			Protocol: "torrent", State: messages.StatePaused, RawState: "stoppedDL",
			Size: 4 * gib, Left: 3 * gib, ETA: messages.ETA{Kind: messages.ETAInfinite}},
		{Key: "radarr/3", Service: "radarr", Kind: "radarr", Title: "Some Movie (2024)",
			Release: "Some.Movie.2024.2160p.WEB-DL", Media: messages.MediaMovie, Protocol: "torrent",
			State: messages.StateMetadata, Size: 0, Left: -1, Reason: "qBittorrent is fetching metadata"},
		{Key: "qbit/cb48", Service: "qbit", Kind: "qbittorrent", ClientID: "cb48", Title: "ubuntu",
			Protocol: "torrent", State: messages.StateStalled, RawState: "stalledDL",
			Size: 257091916, Left: 89178112, ETA: messages.ETA{Kind: messages.ETAInfinite}},
		{Key: "radarr/9", Service: "radarr", Kind: "radarr", Title: "Movie Title (2024)", Media: messages.MediaMovie,
			State: messages.StateFailed, Reason: "Download failed: the release is password protected",
			Size: 8 * gib, Left: 8 * gib},
		{Key: "sonarr/55", Service: "sonarr", Kind: "sonarr", Title: "Undone S01", Release: "Undone.S01.1080p.WEB.h265-FaiLED",
			Media: messages.MediaTV, State: messages.StateImportBlocked, Warning: true, Episodes: 8,
			Reason: "One or more episodes expected in this release were not imported or missing from the release",
			Size:   3410946749, Left: 0},
		{Key: "sonarr/1", Service: "sonarr", Kind: "sonarr", Title: "Jamie Cooks Spring S01E02", Media: messages.MediaTV,
			State: messages.StateImporting, Size: 619259288, Left: 0, ETA: messages.ETA{Kind: messages.ETANone}},
		{Key: "qbit/ab12", Service: "qbit", Kind: "qbittorrent", ClientID: "ab12", Title: "Linux.Mint.22-x64",
			State: messages.StateSeeding, RawState: "stalledUP", Size: 3 * gib, Left: 0,
			ETA: messages.ETA{Kind: messages.ETAInfinite}},
	}
	return messages.DownloadsBoard{At: now, Downloads: ds, Services: []messages.ServiceLine{
		{Service: "lidarr", Kind: "lidarr", Count: 1, Total: 1, Polled: now},
		{Service: "qbit", Kind: "qbittorrent", Count: 4, Total: 4, Polled: now},
		{Service: "radarr", Kind: "radarr", Count: 2, Total: 4, Polled: now}, // two records unreadable
		{Service: "sonarr", Kind: "sonarr", Count: 6, Total: 6, Polled: now},
	}}
}

// calmBoard has nothing stuck and every service answering.
func calmBoard() messages.DownloadsBoard {
	b := mixedBoard()
	b.Downloads = b.Downloads[:3]
	b.Services = []messages.ServiceLine{{Service: "sonarr", Kind: "sonarr", Count: 3, Total: 3, Polled: now}}
	return b
}

// staleBoard is the mixed board while Sonarr answers 500 and Lidarr never answered.
func staleBoard() messages.DownloadsBoard {
	b := mixedBoard()
	b.Services[0] = messages.ServiceLine{Service: "lidarr", Kind: "lidarr",
		Err: "dial tcp 127.0.0.1:8686: connect: connection refused"}
	b.Services[3].Err = "get queue page 1: HTTP 500: Expected query to return 1 rows but returned 0"
	b.Services[3].StaleSince = now.Add(-3 * time.Minute)
	b.Services[3].Polled = now.Add(-3 * time.Minute)
	return b
}

// healthBoard has one service in each state, sorted worst first as the store does.
func healthBoard() messages.HealthBoard {
	since := now.Add(-2 * time.Hour)
	return messages.HealthBoard{At: now, Services: []messages.Health{
		{Service: "lidarr", Kind: "lidarr", State: messages.HealthCritical, Since: now.Add(-5 * time.Minute),
			CheckedAt: now, Latency: 10 * time.Second, Band: messages.LatencyTimeout,
			Err: "get system status: context deadline exceeded (timeout 10s)"},
		{Service: "qbit_old", Kind: "qbittorrent", State: messages.HealthCritical, Since: now.Add(-time.Hour),
			Failed: true, Err: "panic: decode torrents: unexpected end of JSON input"},
		{Service: "radarr", Kind: "radarr", State: messages.HealthWarning, Since: since, CheckedAt: now,
			Latency: 850 * time.Millisecond, Band: messages.LatencySlow, Version: "6.0.4.10291",
			Warnings: []messages.Warning{
				{Source: "DownloadClientCheck", Level: "error",
					Message: "Unable to communicate with qBittorrent. Connection refused (127.0.0.1:8080)"},
				{Source: "ImportMechanismCheck", Level: "warning",
					Message: "Enable Completed Download Handling if possible"},
				{Source: "IndexerStatusCheck", Level: "warning", Message: "Indexers unavailable due to failures: nzb_geek"},
			}},
		{Service: "plex", Kind: "plex", State: messages.HealthUnknown},
		{Service: "qbit", Kind: "qbittorrent", State: messages.HealthOK, Since: since, CheckedAt: now,
			Latency: 12 * time.Millisecond, Band: messages.LatencyOK, Version: "v5.0.2", API: "2.11.2",
			Stats: &messages.TransferStats{DownSpeed: 3*mib + 400*kib, UpSpeed: 120 * kib,
				Downloaded: 42 * gib, Uploaded: 7 * gib}},
		{Service: "sonarr", Kind: "sonarr", State: messages.HealthOK, Since: since, CheckedAt: now,
			Latency: 40 * time.Millisecond, Band: messages.LatencyOK, Version: "4.0.19.2900"},
	}}
}

// pendingBoard is the downloads board just after a start, before any service answered.
func pendingBoard() messages.DownloadsBoard {
	return messages.DownloadsBoard{At: now, Services: []messages.ServiceLine{
		{Service: "qbit", Kind: "qbittorrent"},
		{Service: "radarr", Kind: "radarr"},
		{Service: "sonarr", Kind: "sonarr"},
	}}
}

// partlyPendingBoard is the calm board while radarr and qbit have not answered yet.
func partlyPendingBoard() messages.DownloadsBoard {
	b := calmBoard()
	b.Services = append(pendingBoard().Services[:2], b.Services...)
	return b
}

// pendingHealth is the health board just after a start, before any probe ended.
func pendingHealth() messages.HealthBoard {
	return messages.HealthBoard{At: now, Services: []messages.Health{
		{Service: "qbit", Kind: "qbittorrent", Since: now},
		{Service: "radarr", Kind: "radarr", Since: now},
		{Service: "sonarr", Kind: "sonarr", Since: now},
	}}
}
