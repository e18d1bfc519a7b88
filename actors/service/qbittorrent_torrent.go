package service

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/discarr/discarr/messages"
)

// qbInfiniteETA is qBittorrent's "never at this rate" ETA: 100 days, in seconds.
const qbInfiniteETA = 8640000

// errNoHash marks a torrent without a hash, the one field a torrent must have.
var errNoHash = errors.New("torrent without a hash")

// qbTorrent is the part of a torrents/info item discarr reads.
type qbTorrent struct {
	Hash       flexString `json:"hash"`
	Name       flexString `json:"name"`
	State      flexString `json:"state"`
	Progress   flexFloat  `json:"progress"`
	ETA        flexInt    `json:"eta"`
	Size       flexInt    `json:"size"`
	TotalSize  flexInt    `json:"total_size"`
	AmountLeft flexInt    `json:"amount_left"`
	DLSpeed    flexInt    `json:"dlspeed"`
	AddedOn    flexInt    `json:"added_on"`
	Category   flexString `json:"category"`
}

// qbStates maps qBittorrent's states, 4.x and 5.x names alike. "moving" (relocating
// finished files) and "allocating" map to checking: local disk work that ends by itself.
var qbStates = map[string]messages.State{
	"downloading": messages.StateDownloading, "forceddl": messages.StateDownloading,
	"metadl": messages.StateMetadata, "forcedmetadl": messages.StateMetadata,
	"stalleddl": messages.StateStalled,
	"pauseddl":  messages.StatePaused, "stoppeddl": messages.StatePaused,
	"queueddl":   messages.StateQueued,
	"checkingdl": messages.StateChecking, "checkingup": messages.StateChecking,
	"checkingresumedata": messages.StateChecking, "moving": messages.StateChecking,
	"allocating": messages.StateChecking,
	"uploading":  messages.StateSeeding, "stalledup": messages.StateSeeding,
	"forcedup": messages.StateSeeding, "queuedup": messages.StateSeeding,
	"pausedup": messages.StateCompleted, "stoppedup": messages.StateCompleted,
	"error": messages.StateFailed, "missingfiles": messages.StateFailed,
}

// qbReasons explain the failed states; qBittorrent's list carries no error text.
var qbReasons = map[string]string{
	"error":        "qBittorrent stopped the torrent on an error (see its log)",
	"missingfiles": "The torrent's files are missing from disk",
}

// torrents decodes each torrent on its own and maps it; skipped counts the unreadable.
func (q *qbClient) torrents(
	raws []json.RawMessage, now time.Time,
) (out []messages.Download, skipped int) {
	out = make([]messages.Download, 0, len(raws))
	keys := make(map[string]bool, len(raws))
	for _, raw := range raws {
		var t qbTorrent
		err := json.Unmarshal(raw, &t)
		if err == nil && strings.TrimSpace(t.Hash.String()) == "" {
			err = errNoHash
		}
		if err != nil {
			skipped++
			q.shapes.note("torrent", err)
			continue
		}
		d := t.download(q.name, q.kind, now)
		d.Key = uniqueKey(keys, d.Key)
		out = append(out, d)
	}
	return out, skipped
}

// download maps one torrent.
func (t *qbTorrent) download(service, kind string, now time.Time) messages.Download {
	hash := strings.ToLower(strings.TrimSpace(t.Hash.String()))
	raw := t.State.String()
	state, ok := qbStates[strings.ToLower(raw)]
	if !ok {
		state = messages.StateUnknown
	}
	d := messages.Download{
		Key: service + ":" + hash, Service: service, Kind: kind, ClientID: hash,
		Title: strings.TrimSpace(t.Name.String()), Release: strings.TrimSpace(t.Name.String()),
		Media: mediaOfCategory(t.Category.String()), Protocol: "torrent", Client: "qBittorrent",
		State: state, RawState: raw, Reason: qbReasons[strings.ToLower(raw)], Left: -1,
	}
	if d.Title == "" {
		d.Title = hash
	}
	d.Size = t.Size.V
	if !t.Size.OK || t.Size.V <= 0 {
		d.Size = max(t.TotalSize.V, 0)
	}
	switch {
	case t.AmountLeft.OK && t.AmountLeft.V >= 0:
		d.Left = t.AmountLeft.V
	case t.Progress.OK && d.Size > 0:
		d.Left = int64(float64(d.Size) * (1 - min(max(t.Progress.V, 0), 1)))
	}
	d.Speed = max(t.DLSpeed.V, 0)
	if t.AddedOn.OK && t.AddedOn.V > 0 {
		d.Added = time.Unix(t.AddedOn.V, 0).UTC()
	}
	d.ETA = t.eta(now)
	return d
}

// eta maps qBittorrent's eta: done (progress 1) → none; the 8640000 sentinel or a
// negative value → infinite; absent → unknown.
func (t *qbTorrent) eta(now time.Time) messages.ETA {
	switch {
	case t.Progress.OK && t.Progress.V >= 1:
		return messages.ETA{Kind: messages.ETANone}
	case !t.ETA.OK:
		return messages.ETA{Kind: messages.ETAUnknown}
	case t.ETA.V >= qbInfiniteETA || t.ETA.V < 0:
		return messages.ETA{Kind: messages.ETAInfinite}
	}
	return messages.KnownETA(now.Add(time.Duration(t.ETA.V) * time.Second))
}

// mediaOfCategory guesses what a torrent becomes from its category: the *arr app's name
// or the media word in it ("tv-sonarr", "radarr4k", "movies", "audiobooks"), else other.
func mediaOfCategory(category string) messages.Media {
	c := strings.ToLower(category)
	words := strings.FieldsFunc(c, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	})
	has := func(ws ...string) bool {
		for _, w := range words {
			for _, x := range ws {
				if w == x {
					return true
				}
			}
		}
		return false
	}
	switch {
	case strings.Contains(c, "sonarr") || has("tv", "series", "shows", "anime"):
		return messages.MediaTV
	case strings.Contains(c, "radarr") || strings.Contains(c, "movie") || has("film", "films"):
		return messages.MediaMovie
	case strings.Contains(c, "lidarr") || strings.Contains(c, "music"):
		return messages.MediaMusic
	case strings.Contains(c, "readarr") || strings.Contains(c, "book"):
		return messages.MediaBook
	}
	return messages.MediaOther
}

// qbTransfer is transfer/info.
type qbTransfer struct {
	DLSpeed    flexInt    `json:"dl_info_speed"`
	UPSpeed    flexInt    `json:"up_info_speed"`
	DLData     flexInt    `json:"dl_info_data"`
	UPData     flexInt    `json:"up_info_data"`
	Connection flexString `json:"connection_status"`
}

// stats maps the global figures.
func (t *qbTransfer) stats() *messages.TransferStats {
	return &messages.TransferStats{
		DownSpeed: t.DLSpeed.V, UpSpeed: t.UPSpeed.V, Downloaded: t.DLData.V, Uploaded: t.UPData.V,
	}
}

// warnings reports a client that is offline or firewalled.
func (t *qbTransfer) warnings() []messages.Warning {
	switch strings.ToLower(t.Connection.String()) {
	case "disconnected":
		return []messages.Warning{{Source: "connection_status", Level: "error",
			Message: "qBittorrent has no network connection"}}
	case "firewalled":
		return []messages.Warning{{Source: "connection_status", Level: "notice",
			Message: "qBittorrent is firewalled: peers cannot connect to it"}}
	}
	return nil
}
