package discordtest

import "net/http"

// Mount serves h for pattern (net/http ServeMux syntax) on the emulator's listener,
// beside Discord's routes: the demo adds its controls this way, so that one address
// serves everything.
func (e *Emulator) Mount(pattern string, h http.Handler) {
	e.mux.Handle(pattern, h)
}
