package realqbit_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/service/servicetest/realqbit"
)

// startDaemon starts a daemon for t and closes it when t ends.
func startDaemon(t *testing.T, opts realqbit.Options) *realqbit.Daemon {
	t.Helper()
	realqbit.Require(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	d, err := realqbit.Start(ctx, opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return d
}

// rawLogin posts credentials to auth/login and returns the body.
func rawLogin(t *testing.T, d *realqbit.Daemon, username, password string) string {
	t.Helper()
	resp, err := http.PostForm(d.URL+"/api/v2/auth/login",
		url.Values{"username": {username}, "password": {password}})
	if err != nil {
		t.Fatalf("POST auth/login: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read auth/login: %v", err)
	}
	return string(b)
}

// status returns the HTTP status of a GET through client.
func status(t *testing.T, client *http.Client, u string) int {
	t.Helper()
	resp, err := client.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestDaemonLogin(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		opts       realqbit.Options
		anonStatus int // answer to a request without session cookie
	}{
		{"password", realqbit.Options{Username: "tester", Password: "correct horse"}, http.StatusForbidden},
		{"no password", realqbit.Options{}, http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := startDaemon(t, tc.opts)
			version := d.URL + "/api/v2/app/webapiVersion"
			if got := status(t, http.DefaultClient, version); got != tc.anonStatus {
				t.Errorf("anonymous GET = %d, want %d", got, tc.anonStatus)
			}
			client, err := d.Login(t.Context())
			if err != nil {
				t.Fatalf("Login: %v", err)
			}
			if got := status(t, client, version); got != http.StatusOK {
				t.Errorf("GET with session = %d, want 200", got)
			}
		})
	}
}

func TestDaemonRejectsWrongPasswordWithoutBan(t *testing.T) {
	t.Parallel()
	d := startDaemon(t, realqbit.Options{Username: "tester", Password: "correct horse"})

	// More bad logins than qBittorrent's default ban threshold of five.
	for i := range 7 {
		if got := rawLogin(t, d, "tester", "wrong"); got != "Fails." {
			t.Fatalf("bad login %d answered %q, want Fails.", i+1, got)
		}
	}
	_, err := d.LoginAs(t.Context(), "tester", "wrong")
	if !errors.Is(err, realqbit.ErrBadCredentials) {
		t.Errorf("LoginAs with wrong password: %v, want ErrBadCredentials", err)
	}
	if got := rawLogin(t, d, d.Username, d.Password); got != "Ok." {
		t.Errorf("good login after bad ones answered %q, want Ok.", got)
	}
}

func TestDaemonDownloadLimit(t *testing.T) {
	t.Parallel()
	d := startDaemon(t, realqbit.Options{DownloadLimit: 2 << 20})
	got, err := d.DownloadLimit(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got != 2<<20 {
		t.Errorf("dl_limit = %d, want %d", got, 2<<20)
	}
}

func TestDaemonCloseStopsAndCleansUp(t *testing.T) {
	t.Parallel()
	realqbit.Require(t)
	d, err := realqbit.Start(t.Context(), realqbit.Options{})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	select {
	case <-d.Exited():
	default:
		t.Error("process still running after Close")
	}
	if _, err := os.Stat(d.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary dir %s still there: %v", d.Dir, err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := http.Get(d.URL); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("WebUI after Close: %v, want connection refused", err)
	}
}
