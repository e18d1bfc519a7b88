package service_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/discarr/discarr/actors/service"
)

func TestNoErrorOrLogLineCarriesTheAPIKeyOrPassword(t *testing.T) {
	t.Parallel()
	const password = "pa55-w0rd-never-shown"
	echo := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = fmt.Fprintf(w, `{"message":"bad key %s from %s"}`, r.Header.Get("X-Api-Key"), r.URL)
		}
	}
	tests := []struct {
		name, kind string
		handler    http.Handler
		url        func(base string) string
	}{
		{name: "500 echoing the key", kind: "sonarr", handler: echo(500)},
		{name: "400 echoing the key", kind: "radarr", handler: echo(400)},
		{name: "401", kind: "sonarr", handler: answer(401, "", "")},
		{name: "HTML", kind: "radarr", handler: answer(200, "text/html", "<html>"+testKey+"</html>")},
		{name: "user info in the URL", kind: "sonarr", handler: answer(404, "", ""),
			url: func(base string) string { return strings.Replace(base, "http://", "http://admin:"+password+"@", 1) }},
		{name: "qBittorrent refused login", kind: "qbittorrent", handler: answer(200, "text/plain", "Fails.")},
		{name: "qBittorrent ban", kind: "qbittorrent", handler: answer(403, "text/plain", "banned "+password)},
		{name: "qBittorrent 403 echo", kind: "qbittorrent", handler: echoForbidden(password)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := httptest.NewServer(tt.handler)
			t.Cleanup(ts.Close)
			u := ts.URL
			if tt.url != nil {
				u = tt.url(u)
			}
			logs := &lockedWriter{w: &bytes.Buffer{}}
			c := newClient(t, tt.kind, u, func(o *service.Options) {
				o.Password = password
				if tt.kind == "qbittorrent" {
					o.Username = "admin"
				} else {
					o.APIKey = testKey
				}
				o.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			})
			var texts []string
			for range 2 {
				snap, err := c.Poll(context.Background())
				_, perr := c.Probe(context.Background())
				if err == nil || perr == nil {
					t.Fatalf("poll err %v, probe err %v: want both to fail", err, perr)
				}
				texts = append(texts, err.Error(), perr.Error(), snap.Err, fmt.Sprintf("%+v", err))
			}
			texts = append(texts, logs.String())
			for _, text := range texts {
				if strings.Contains(text, testKey) || strings.Contains(text, password) {
					t.Errorf("secret leaked: %s", text)
				}
			}
		})
	}
}

// echoForbidden accepts any login, then refuses every data call quoting secret.
func echoForbidden(secret string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/auth/login") {
			_, _ = fmt.Fprint(w, "Ok.")
			return
		}
		http.Error(w, "Forbidden for "+secret, http.StatusForbidden)
	}
}
