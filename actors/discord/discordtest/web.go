package discordtest

import "net/http"

func (e *Emulator) serveWeb(w http.ResponseWriter, r *http.Request) {}
