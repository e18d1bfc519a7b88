package main

import (
	"log/slog"
	"testing"

	"github.com/discarr/discarr/actors/discord"
	"github.com/discarr/discarr/actors/supervision"
	"github.com/discarr/discarr/messages"
)

func TestStatusLineSaysWhatAnAdminNeedsInOneShortLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		services  int // in the configuration
		connected string
		lost      bool // the gateway lost its connection after connecting
		summary   *messages.Summary
		want      string
	}{
		{name: "starting", services: 5,
			want: "5 services, connecting to Discord"},
		{name: "connected before the first summary", services: 1, connected: "discarr",
			want: "1 service, gateway connected as discarr"},
		{name: "not probed yet", services: 3,
			summary: &messages.Summary{Services: 3, Unknown: 3},
			want:    "3 services, 3 unknown, nothing downloading, connecting to Discord"},
		{name: "all up", services: 5, connected: "discarr",
			summary: &messages.Summary{Services: 5, Downloading: 3},
			want:    "5 services, all up, 3 downloading, gateway connected as discarr"},
		{name: "nothing downloading", services: 2, connected: "discarr",
			summary: &messages.Summary{Services: 2},
			want:    "2 services, all up, nothing downloading, gateway connected as discarr"},
		{name: "one down", services: 5, connected: "discarr",
			summary: &messages.Summary{Services: 5, Down: 1, DownNames: []string{"sonarr"}, Downloading: 3},
			want:    "5 services, 1 down (sonarr), 3 downloading, gateway connected as discarr"},
		{name: "two down, one unknown", services: 5, connected: "discarr",
			summary: &messages.Summary{Services: 5, Down: 2, DownNames: []string{"radarr", "sonarr"},
				Unknown: 1, Downloading: 1},
			want: "5 services, 2 down (radarr, sonarr), 1 unknown, 1 downloading, gateway connected as discarr"},
		{name: "many down", services: 200, connected: "discarr",
			summary: &messages.Summary{Services: 200, Down: 12,
				DownNames: []string{"lidarr", "qbit-2", "qbit-3", "radarr", "radarr-4k", "sonarr"}},
			want: "200 services, 12 down (lidarr, qbit-2 +10), nothing downloading, gateway connected as discarr"},
		{name: "long names shortened", services: 4, connected: "discarr",
			summary: &messages.Summary{Services: 4, Down: 2,
				DownNames: []string{"qbittorrent-seedbox-eu", "qbittorrent-seedbox-us"}},
			want: "4 services, 2 down (qbittorrent-seedbox-eu +1), nothing downloading, gateway connected as discarr"},
		{name: "names too long to show", services: 4, connected: "discarr",
			summary: &messages.Summary{Services: 4, Down: 1,
				DownNames: []string{"qbittorrent-on-the-seedbox-in-frankfurt"}},
			want: "4 services, 1 down, nothing downloading, gateway connected as discarr"},
		{name: "reconnecting", services: 2, connected: "discarr", lost: true,
			summary: &messages.Summary{Services: 2, Downloading: 1},
			want:    "2 services, all up, 1 downloading, gateway reconnecting"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			system := supervision.NewSystem(slog.New(slog.DiscardHandler))
			st := newStatus(system, tc.services)
			if tc.connected != "" {
				system.EventStream.Publish(discord.Connected{BotName: tc.connected})
			}
			if tc.lost {
				system.EventStream.Publish(discord.Disconnected{})
			}
			if tc.summary != nil {
				system.EventStream.Publish(*tc.summary)
			}
			if got := st.String(); got != tc.want {
				t.Errorf("status\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
