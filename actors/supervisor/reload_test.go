package supervisor_test

import (
	"testing"
	"time"

	"github.com/discarr/discarr/actors/service/servicetest"
	"github.com/discarr/discarr/actors/supervisor"
	"github.com/discarr/discarr/messages"
)

func TestReloadRestartsOnlyTheChangedService(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.start(t, s.config(t, ""))
	s.waitBoards(t)
	before := s.ask(t, s.root, supervisor.ServicesQuery{}).(map[string]supervisor.ServicePIDs)
	radarrBefore := s.ask(t, before["radarr"].Service, messages.ServiceStatus{}).(messages.ServiceState)

	// Sonarr moves to another address; nothing else changes.
	moved := servicetest.NewSonarr(servicetest.ArrOptions{APIKey: sonarrKey, World: s.world})
	s.urls["sonarr"] = servicetest.Serve(t, moved).URL
	res := s.ask(t, s.root, supervisor.Reload{Config: s.config(t, "")}).(supervisor.Reloaded)
	if len(res.Restarted) != 1 || res.Restarted[0] != "sonarr" || len(res.Started) != 0 ||
		len(res.Stopped) != 0 || res.Discord {
		t.Fatalf("reload did %+v, want only sonarr restarted", res)
	}

	after := s.ask(t, s.root, supervisor.ServicesQuery{}).(map[string]supervisor.ServicePIDs)
	if after["sonarr"].Service.Id == before["sonarr"].Service.Id {
		t.Errorf("sonarr's actor was not restarted")
	}
	for _, name := range []string{"radarr", "qbit"} {
		if after[name].Service.Id != before[name].Service.Id || after[name].Probe.Id != before[name].Probe.Id {
			t.Errorf("%s's actors were replaced by a reload that did not touch them", name)
		}
	}
	radarrAfter := s.ask(t, after["radarr"].Service, messages.ServiceStatus{}).(messages.ServiceState)
	if radarrAfter.Polls < radarrBefore.Polls {
		t.Errorf("radarr's poll counter went back from %d to %d", radarrBefore.Polls, radarrAfter.Polls)
	}
	waitFor(t, 20*time.Second, "the moved sonarr to be polled", func() bool {
		return moved.Requests("/api/v3/queue") > 0
	})
}
