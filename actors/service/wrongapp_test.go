package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/discarr/discarr/actors/service"
	"github.com/discarr/discarr/actors/service/servicetest"
)

func TestAnArrAppOnAnotherAppsURLIsNamed(t *testing.T) {
	t.Parallel()
	sonarr := servicetest.Serve(t, servicetest.NewSonarr(servicetest.ArrOptions{APIKey: testKey}))
	_, err := newClient(t, "radarr", sonarr.URL, nil).Probe(context.Background())
	var e *service.Error
	if !errors.As(err, &e) || !strings.Contains(e.Summary(), "answers as Sonarr, not Radarr") {
		t.Fatalf("probe of Sonarr configured as radarr: %v", err)
	}
	if _, err := newClient(t, "sonarr", sonarr.URL, nil).Probe(context.Background()); err != nil {
		t.Fatalf("the right kind must pass: %v", err)
	}
}
