package discordtest

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

// Info is what a client needs to talk to the emulator, as GET /_emulator/info shows it.
type Info struct {
	Web           string `json:"web"`
	APIURL        string `json:"api_url"`
	Token         string `json:"token"`
	ApplicationID string `json:"application_id"`
	GuildID       string `json:"guild_id"`
	ChannelID     string `json:"channel_id"`
	AdminUserID   string `json:"admin_user_id"`
	MemberUserID  string `json:"member_user_id"`
	// Extra holds Options.Extra; it is flattened into the JSON object.
	Extra map[string]string `json:"-"`
}

// Info describes the emulator; Web and APIURL are empty before Listen.
func (e *Emulator) Info() Info {
	return e.infoFor(strings.TrimSuffix(e.URL(), "/"))
}

func (e *Emulator) infoFor(base string) Info {
	in := Info{Token: e.opts.Token, ApplicationID: e.opts.ApplicationID,
		GuildID: e.opts.GuildID, ChannelID: e.opts.ChannelID, AdminUserID: e.opts.AdminUserID,
		MemberUserID: e.opts.MemberUserID, Extra: e.opts.Extra}
	if base != "" {
		in.Web, in.APIURL = base+"/", base+"/"
	}
	return in
}

// MarshalJSON flattens Extra into the object.
func (i Info) MarshalJSON() ([]byte, error) {
	m := map[string]string{}
	for k, v := range i.Extra {
		m[k] = v
	}
	type plain Info
	raw, _ := json.Marshal(plain(i))
	var fixed map[string]string
	_ = json.Unmarshal(raw, &fixed)
	for k, v := range fixed {
		m[k] = v
	}
	return json.Marshal(m)
}

func (e *Emulator) controlRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", e.serveWeb)
	mux.HandleFunc("GET /_emulator/info", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, e.infoFor("http://"+r.Host))
	})
	mux.HandleFunc("POST /_emulator/interactions", e.postInteraction)
	mux.HandleFunc("GET /_emulator/interactions", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, e.Interactions())
	})
	mux.HandleFunc("DELETE /_emulator/messages/{channel}/{message}", func(w http.ResponseWriter, r *http.Request) {
		if err := e.DeleteMessage(r.PathValue("channel"), r.PathValue("message")); err != nil {
			writeJSON(w, 404, map[string]string{"error": err.Error()})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_emulator/state", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, e.State())
	})
	mux.HandleFunc("GET /_emulator/violations", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, e.Violations())
	})
	mux.HandleFunc("GET /_emulator/requests", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, e.Requests())
	})
	e.faultRoutes(mux)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (e *Emulator) postInteraction(w http.ResponseWriter, r *http.Request) {
	var req InteractRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, 400, map[string]string{"error": "body: " + err.Error()})
		return
	}
	res, err := e.Interact(r.Context(), req)
	var badReq *BadInteractionError
	switch {
	case errors.As(err, &badReq):
		writeJSON(w, 400, map[string]string{"error": err.Error()})
	case errors.Is(err, ErrNotConnected):
		writeJSON(w, 503, map[string]string{"error": err.Error()})
	case err != nil && res.ID == "":
		writeJSON(w, 500, map[string]string{"error": err.Error()})
	default:
		writeJSON(w, 200, res)
	}
}

// State is the channel as the web view shows it.
type State struct {
	Guild     map[string]any   `json:"guild"`
	Channel   map[string]any   `json:"channel"`
	Users     []map[string]any `json:"users"`
	Connected bool             `json:"connected"`
	Commands  []Command        `json:"commands"`
	// Messages hold every message, public and ephemeral, oldest first; an ephemeral
	// one carries "visible_to".
	Messages []map[string]any `json:"messages"`
	// Violations counts the rules broken so far.
	Violations int `json:"violations"`
}

// State returns a snapshot of the channel for the web view.
func (e *Emulator) State() State {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := State{
		Guild:   map[string]any{"id": e.opts.GuildID, "name": guildName},
		Channel: e.channelObject(e.opts.ChannelID), Connected: e.connectedLocked(),
		Commands: append([]Command{}, e.commands...), Violations: len(e.violations),
		Messages: []map[string]any{},
	}
	for _, p := range e.people()[:2] {
		st.Users = append(st.Users, map[string]any{"id": p.id, "name": p.globalName,
			"admin": e.permissionsOf(p)&0x8 != 0})
	}
	for _, m := range e.messages[e.opts.ChannelID] {
		obj := e.apiObject(m)
		if m.Ephemeral() {
			obj["visible_to"] = m.VisibleTo
		}
		if in := e.interactions[m.InteractionID]; in != nil {
			obj["interaction_user"] = e.userObject(in.userID)["global_name"]
			obj["interaction_command"] = in.command
		}
		st.Messages = append(st.Messages, obj)
	}
	return st
}
