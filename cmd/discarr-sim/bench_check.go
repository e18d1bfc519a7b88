package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

// boardsSeen is what the public channel shows of the two boards.
type boardsSeen struct {
	downloads, health []discordtest.Message
}

// findBoards picks the boards out of the channel: public messages the bot posted on
// its own (not as an interaction's answer), titled Downloads or Health.
func findBoards(emu *discordtest.Emulator) boardsSeen {
	var b boardsSeen
	for _, m := range emu.Messages(emu.Options().ChannelID) {
		if m.InteractionID != "" || m.Webhook || m.Ephemeral() || len(m.Embeds) == 0 {
			continue
		}
		switch m.Embeds[0].Title {
		case "Downloads":
			b.downloads = append(b.downloads, m)
		case "Health":
			b.health = append(b.health, m)
		}
	}
	return b
}

var downloadCount = regexp.MustCompile(`(\d+) downloads? · filter: (\w+)`)

// checkBoards compares the boards with the simulators' state: each board exactly
// once, the downloads footer counting the downloads the answering services hold, and
// the health board naming every service. It returns nil when all agree.
func checkBoards(emu *discordtest.Emulator, want downloadsWanted, services []string) error {
	b := findBoards(emu)
	if len(b.downloads) != 1 || len(b.health) != 1 {
		return fmt.Errorf("want one downloads board and one health board, have %d and %d",
			len(b.downloads), len(b.health))
	}

	foot := ""
	if f := b.downloads[0].Embeds[0].Footer; f != nil {
		foot = f.Text
	}
	m := downloadCount.FindStringSubmatch(foot)
	if m == nil {
		return fmt.Errorf("downloads board footer %q gives no count", foot)
	}
	if n, _ := strconv.Atoi(m[1]); n != want.downloads || m[2] != "all" {
		err := fmt.Errorf("downloads board footer %q, want %d downloads with filter all", foot, want.downloads)
		if n == want.records && want.records != want.downloads {
			err = fmt.Errorf("%w (it counts each episode record of a season pack as a download)", err)
		}
		return err
	}

	return checkHealth(b.health[0], services)
}

// checkHealth wants the health board's footer to count every service and, when the
// board gives each service a field, every service named.
func checkHealth(h discordtest.Message, services []string) error {
	e := h.Embeds[0]
	foot := ""
	if e.Footer != nil {
		foot = e.Footer.Text
	}
	if want := strconv.Itoa(len(services)) + " service"; !strings.HasPrefix(foot, want) {
		return fmt.Errorf("health board footer %q, want it to start %q", foot, want)
	}
	if len(e.Fields) < len(services) {
		// Too many services for a field each: the board sums the OK ones up, so only
		// the footer's count can be compared.
		return nil
	}
	var text strings.Builder
	for _, f := range e.Fields {
		text.WriteString(f.Name + "\n" + f.Value + "\n")
	}
	shown := strings.ReplaceAll(text.String(), `\`, "")
	for _, s := range services {
		if !strings.Contains(shown, s) {
			return fmt.Errorf("health board does not name %s", s)
		}
	}
	return nil
}

// downloadsWanted is what the downloads board should count, and what it would count
// if each queue record (one per episode of a season pack) were a download.
type downloadsWanted struct{ downloads, records int }

// expectedDownloads asks every service that answers (those not in hung) for what it
// holds, as discarr asks, and counts the downloads the board should show: one per
// *arr download id, plus each torrent no *arr app claims.
func (s *simStack) expectedDownloads(ctx context.Context, hung map[string]bool) (downloadsWanted, error) {
	ids := map[string]bool{}
	extra := 0 // queue records beyond the first of their download
	for _, svc := range s.services {
		if hung[svc.name] {
			continue
		}
		var got []string
		var err error
		if svc.kind == "qbittorrent" {
			got, err = qbitHashes(ctx, svc)
		} else {
			got, err = arrDownloadIDs(ctx, svc)
		}
		if err != nil {
			return downloadsWanted{}, err
		}
		mine := map[string]bool{}
		for _, id := range got {
			mine[strings.ToLower(id)] = true
			ids[strings.ToLower(id)] = true
		}
		extra += len(got) - len(mine)
	}
	return downloadsWanted{downloads: len(ids), records: len(ids) + extra}, nil
}

// arrDownloadIDs pages through an *arr queue without unknown items, discarr's default.
func arrDownloadIDs(ctx context.Context, svc *simService) ([]string, error) {
	var ids []string
	for page := 1; page <= 1000; page++ {
		q := url.Values{"page": {strconv.Itoa(page)}, "pageSize": {"200"}}
		var body struct {
			TotalRecords int `json:"totalRecords"`
			Records      []struct {
				DownloadID string `json:"downloadId"`
			} `json:"records"`
		}
		if err := getJSON(ctx, http.DefaultClient, svc.url+"/api/v3/queue?"+q.Encode(),
			map[string]string{"X-Api-Key": svc.apiKey}, &body); err != nil {
			return nil, fmt.Errorf("read queue of %s: %w", svc.name, err)
		}
		for _, r := range body.Records {
			ids = append(ids, r.DownloadID)
		}
		if len(body.Records) == 0 || page*200 >= body.TotalRecords {
			break
		}
	}
	return ids, nil
}

// qbitHashes logs in to a qBittorrent and lists its torrents' hashes.
func qbitHashes(ctx context.Context, svc *simService) ([]string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	form := url.Values{"username": {svc.user}, "password": {svc.pass}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, svc.url+"/api/v2/auth/login",
		strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("log in to %s: %w", svc.name, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("log in to %s: %w", svc.name, err)
	}
	_ = resp.Body.Close()
	var torrents []struct {
		Hash string `json:"hash"`
	}
	if err := getJSON(ctx, c, svc.url+"/api/v2/torrents/info", nil, &torrents); err != nil {
		return nil, fmt.Errorf("list torrents of %s: %w", svc.name, err)
	}
	hashes := make([]string, len(torrents))
	for i, t := range torrents {
		hashes[i] = t.Hash
	}
	return hashes, nil
}

func getJSON(ctx context.Context, c *http.Client, u string, hdr map[string]string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	for k, val := range hdr {
		req.Header.Set(k, val)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// waitBoards polls checkBoards until it passes or d is over, and returns its last
// complaint. want counts the downloads again on each try, as the World may move.
func waitBoards(ctx context.Context, s *simStack, hung map[string]bool, d time.Duration) error {
	names := make([]string, len(s.services))
	for i, svc := range s.services {
		names[i] = svc.name
	}
	deadline := time.Now().Add(d)
	for {
		want, err := s.expectedDownloads(ctx, hung)
		if err == nil {
			err = checkBoards(s.emu, want, names)
		}
		if err == nil || time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
}
