package discordtest_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

func TestWebViewIsSelfContained(t *testing.T) {
	t.Parallel()
	e := discordtest.Start(t, discordtest.Options{})
	resp, err := http.Get(e.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / answered %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{"/_emulator/state", "/_emulator/interactions", "Only you can see this"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, external := range []string{"src=\"http", "href=\"http", "@import", "<link"} {
		if strings.Contains(string(page), external) {
			t.Errorf("page loads an external asset (%q)", external)
		}
	}
}
