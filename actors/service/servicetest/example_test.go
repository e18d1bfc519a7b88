package servicetest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/discarr/discarr/actors/service/servicetest"
)

// One World behind a Sonarr and a qBittorrent: the queue record's downloadId is the
// torrent's hash in upper case.
func Example() {
	start := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	world := servicetest.NewWorld(servicetest.WorldOptions{
		Seed: 1, Clock: func() time.Time { return start }, TV: 1,
	})
	sonarr := servicetest.NewSonarr(servicetest.ArrOptions{APIKey: "key", URLBase: "/sonarr", World: world})
	qbit := servicetest.NewQBittorrent(servicetest.QBOptions{Version: servicetest.QBVersion5, LocalhostBypass: true, World: world})

	sonarrURL, closeSonarr, _ := servicetest.Listen("127.0.0.1:0", sonarr)
	defer func() { _ = closeSonarr() }()
	qbitURL, closeQbit, _ := servicetest.Listen("127.0.0.1:0", qbit)
	defer func() { _ = closeQbit() }()

	req, _ := http.NewRequest(http.MethodGet, sonarrURL+"/sonarr/api/v3/queue?pageSize=50", nil)
	req.Header.Set("X-Api-Key", "key")
	resp, _ := http.DefaultClient.Do(req)
	var page struct {
		TotalRecords int `json:"totalRecords"`
		Records      []struct {
			DownloadID string `json:"downloadId"`
			Status     string `json:"status"`
		} `json:"records"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()

	resp, _ = http.Get(qbitURL + "/api/v2/torrents/info")
	var torrents []struct {
		Hash  string `json:"hash"`
		State string `json:"state"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&torrents)
	resp.Body.Close()

	fmt.Println(page.TotalRecords, page.Records[0].Status, torrents[0].State)
	fmt.Println(page.Records[0].DownloadID == strings.ToUpper(torrents[0].Hash))
	// Output:
	// 1 downloading downloading
	// true
}
