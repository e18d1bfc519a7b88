package discordtest

import (
	_ "embed"
	"net/http"
)

// webPage is the web view: one self-contained page that polls /_emulator/state and
// draws the channel as Discord would, sending clicks and slash commands back through
// /_emulator/interactions.
//
//go:embed web.html
var webPage []byte

func (e *Emulator) serveWeb(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'")
	_, _ = w.Write(webPage)
}
