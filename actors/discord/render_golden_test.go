package discord_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/discord"
	"github.com/discarr/discarr/messages"
)

func init() {
	// Another test file of the package may define the flag too.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata/")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func marshal(t testing.TB, p discord.Payload) []byte {
	t.Helper()
	out, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatalf("marshal payload: %v", err)
	}
	return append(out, '\n')
}

func TestRenderMatchesGoldenFiles(t *testing.T) {
	t.Parallel()
	updated := now.Add(5 * time.Second)
	tests := []struct {
		name string
		p    discord.Payload
	}{
		{"downloads-empty", discord.RenderDownloads(messages.DownloadsBoard{At: now}, discord.View{}, updated)},
		{"downloads-mixed", discord.RenderDownloads(mixedBoard(), discord.View{Page: 1}, updated)},
		{"downloads-calm", discord.RenderDownloads(calmBoard(), discord.View{Page: 1}, updated)},
		{"downloads-mixed-page2-personal", discord.RenderDownloads(mixedBoard(),
			discord.View{Page: 2, Personal: true}, updated)},
		{"downloads-tv-personal", discord.RenderDownloads(mixedBoard(),
			discord.View{Page: 1, Filter: messages.FilterTV, Personal: true}, updated)},
		{"downloads-stale", discord.RenderDownloads(staleBoard(), discord.View{Page: 1}, updated)},
		{"downloads-pending", discord.RenderDownloads(pendingBoard(), discord.View{}, updated)},
		{"downloads-partly-pending", discord.RenderDownloads(partlyPendingBoard(), discord.View{}, updated)},
		{"health", discord.RenderHealth(healthBoard(), "", false, updated)},
		{"health-pending", discord.RenderHealth(pendingHealth(), "", false, updated)},
		{"health-detailed", discord.RenderHealth(healthBoard(), "", true, updated)},
		{"health-one-service", discord.RenderHealth(healthBoard(), "radarr", false, updated)},
		{"health-many-services", discord.RenderHealth(manyServices(200, 30), "", false, updated)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := discord.CheckLimits(tt.p); err != nil {
				t.Errorf("over Discord's limits: %v", err)
			}
			got := marshal(t, tt.p)
			path := filepath.Join("testdata", tt.name+".golden.json")
			if updating() {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden file (run go test -update to write it): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s; if the change is intended, rerun with -update\n%s",
					tt.name, path, got)
			}
		})
	}
}

// manyServices builds a health board of n services, the first bad of them not OK,
// with long errors and warnings, sorted as the store sorts.
func manyServices(n, bad int) messages.HealthBoard {
	b := messages.HealthBoard{At: now}
	long := "get queue page 3: Get \"http://sonarr.lan:8989/api/v3/queue?page=3\": dial tcp " +
		"10.0.0.2:8989: connect: no route to host; the service did not answer within the timeout"
	for i := range n {
		h := messages.Health{Service: fmt.Sprintf("service_%03d", i), Kind: "sonarr",
			State: messages.HealthOK, Since: now.Add(-time.Hour), Band: messages.LatencyOK, Version: "4.0.19"}
		if i < bad {
			h.State = []messages.HealthState{messages.HealthCritical, messages.HealthWarning,
				messages.HealthUnknown}[i*3/bad]
			h.Err = long
			h.Warnings = []messages.Warning{{Source: "IndexerCheck", Message: long}, {Message: long}, {Message: "x"}}
		}
		b.Services = append(b.Services, h)
	}
	return b
}
