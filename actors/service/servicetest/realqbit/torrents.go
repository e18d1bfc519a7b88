package realqbit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Torrent is the part of a torrents/info entry the harness and its tests read.
type Torrent struct {
	Hash       string  `json:"hash"`
	Name       string  `json:"name"`
	State      string  `json:"state"`
	Progress   float64 `json:"progress"`
	Size       int64   `json:"size"`
	Downloaded int64   `json:"downloaded"`
	AmountLeft int64   `json:"amount_left"`
	DLSpeed    int64   `json:"dlspeed"`
	SavePath   string  `json:"save_path"`
	NumSeeds   int     `json:"num_seeds"`
}

// Torrents lists the daemon's torrents, only those with the given info
// hashes when any are given.
func (d *Daemon) Torrents(ctx context.Context, hashes ...string) ([]Torrent, error) {
	var query url.Values
	if len(hashes) > 0 {
		query = url.Values{"hashes": {strings.Join(hashes, "|")}}
	}
	var list []Torrent
	if err := d.get(ctx, "torrents/info", query, &list); err != nil {
		return nil, fmt.Errorf("list torrents on %s: %w", d.URL, err)
	}
	return list, nil
}

// Torrent returns the daemon's torrent with the given info hash; ok is false
// while the daemon does not list it.
func (d *Daemon) Torrent(ctx context.Context, hash string) (t Torrent, ok bool, err error) {
	list, err := d.Torrents(ctx, hash)
	if err != nil {
		return Torrent{}, false, err
	}
	for _, t := range list {
		if strings.EqualFold(t.Hash, hash) {
			return t, true, nil
		}
	}
	return Torrent{}, false, nil
}

// AddOptions says how AddTorrentFile adds a torrent.
type AddOptions struct {
	// SavePath is where the content is (or goes); empty means the daemon's default.
	SavePath string
	// SkipChecking trusts the files at SavePath without hashing them, which
	// makes a seeder of a daemon whose SavePath already holds the content.
	SkipChecking bool
	// Paused adds the torrent stopped.
	Paused bool
}

// AddTorrentFile uploads the .torrent file at path to the daemon.
func (d *Daemon) AddTorrentFile(ctx context.Context, path string, opts AddOptions) error {
	meta, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("add torrent %s: %w", path, err)
	}
	fields := map[string]string{
		"skip_checking": strconv.FormatBool(opts.SkipChecking),
		"paused":        strconv.FormatBool(opts.Paused),
		"autoTMM":       "false",
	}
	if opts.SavePath != "" {
		fields["savepath"] = opts.SavePath
	}
	body, contentType, err := multipartTorrent(filepath.Base(path), meta, fields)
	if err != nil {
		return fmt.Errorf("add torrent %s: %w", path, err)
	}

	for try := 0; ; try++ {
		client, err := d.harnessClient(ctx)
		if err != nil {
			return fmt.Errorf("add torrent %s: %w", path, err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL+"/api/v2/torrents/add",
			bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("add torrent %s: %w", path, err)
		}
		req.Header.Set("Content-Type", contentType)
		answer, err := d.do(client, "torrents/add", req)
		var se *StatusError
		if try == 0 && errors.As(err, &se) && se.Status == http.StatusForbidden {
			d.forget(client)
			continue
		}
		if err != nil {
			return fmt.Errorf("add torrent %s: %w", path, err)
		}
		if strings.TrimSpace(answer) != "Ok." {
			return fmt.Errorf("add torrent %s: daemon answered %q", path, truncate(answer, 100))
		}
		return nil
	}
}

// multipartTorrent encodes a torrents/add request body.
func multipartTorrent(name string, meta []byte, fields map[string]string) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			return nil, "", err
		}
	}
	part, err := w.CreateFormFile("torrents", name)
	if err != nil {
		return nil, "", err
	}
	if _, err := part.Write(meta); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// AddPeers tells the daemon to connect the torrent with the given info hash
// to peers given as host:port.
func (d *Daemon) AddPeers(ctx context.Context, hash string, peers ...string) error {
	form := url.Values{"hashes": {hash}, "peers": {strings.Join(peers, "|")}}
	if err := d.post(ctx, "torrents/addPeers", form); err != nil {
		return fmt.Errorf("add peers %v to %s on %s: %w", peers, hash, d.URL, err)
	}
	return nil
}
