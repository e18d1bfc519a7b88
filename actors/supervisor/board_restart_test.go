package supervisor_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/discord/discordtest"
	"github.com/discarr/discarr/actors/service/servicetest"
)

// TestRestartKeepsTheBoardsUntilTheServicesAnswer restarts discarr while its
// services are slow or hung: the boards of the last run are not edited to say that
// nothing is known, only once a service answered (or failed), and always in place.
func TestRestartKeepsTheBoardsUntilTheServicesAnswer(t *testing.T) {
	t.Parallel()
	slow := servicetest.Fault{Mode: servicetest.FaultSlow, Delay: 700 * time.Millisecond}
	hang := servicetest.Fault{Mode: servicetest.FaultHang}
	tests := []struct {
		name                string
		sonarr, radarr, qbt servicetest.Fault
		// then is what the downloads board shows at last: a hung service does not
		// freeze it.
		then []string
	}{
		{"slow and hung", slow, slow, hang, []string{"qbit — failing"}},
		{"all hung", hang, hang, hang, []string{"3 services failing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStack(t)
			cfg := s.config(t, "")
			stop := s.start(t, cfg)
			defer func() {
				if t.Failed() {
					t.Log(s.logs.String())
				}
			}()
			s.waitBoards(t)
			waitFor(t, settle, "the boards to show every service", func() bool {
				return !isPlaceholder("Downloads", s.boardText("Downloads"), false) &&
					!isPlaceholder("Health", s.boardText("Health"), false)
			})
			ids := map[string]string{"Downloads": s.boards("Downloads")[0].ID, "Health": s.boards("Health")[0].ID}
			stop()
			s.emu.DropSessions()

			s.sonarr.SetFault(tt.sonarr)
			s.radarr.SetFault(tt.radarr)
			s.qbit.SetFault(tt.qbt)
			since := len(s.emu.Requests())
			s.start(t, cfg)
			waitFor(t, settle, "both boards edited after the restart", func() bool {
				w := boardWrites(s.emu.Requests()[since:], s.emu.Info().ChannelID)
				return editedOK(w, ids["Downloads"]) && editedOK(w, ids["Health"])
			})
			waitForText(t, settle, "the downloads board to go on", func() string {
				return s.boardText("Downloads")
			}, func(text string) bool { return containsAll(text, tt.then) })

			for _, w := range boardWrites(s.emu.Requests()[since:], s.emu.Info().ChannelID) {
				title, text := writtenText(t, w)
				if w.Method != "PATCH" || !strings.HasSuffix(w.Path, "/"+ids[title]) {
					t.Errorf("after the restart %s %s (%s), want edits of the boards %v", w.Method, w.Path, title, ids)
				}
				if isPlaceholder(title, text, true) {
					t.Errorf("after the restart the %s board was edited before any service answered:\n%s", title, text)
				}
			}
			for title, id := range ids {
				if b := s.boards(title); len(b) != 1 || b[0].ID != id {
					t.Errorf("%s boards after the restart: %d, want the one of the last run (%s)", title, len(b), id)
				}
			}
			if n := len(s.emu.Messages(s.emu.Info().ChannelID)); n != 2 {
				t.Errorf("channel holds %d messages after the restart, want the same 2", n)
			}
		})
	}
}

// boardText is the board's description and fields as plain text, "" when the
// channel does not hold exactly one such board.
func (s *stack) boardText(title string) string {
	b := s.boards(title)
	if len(b) != 1 {
		return ""
	}
	return plain(embedsText(b[0].Embeds))
}

// isPlaceholder reports whether a board's text shows a model in which no service
// has answered yet (strict), or any service has not (otherwise). The world has
// downloads, so "nothing is downloading" is a placeholder too, as is the health
// board's "unknown" for every service.
func isPlaceholder(title, text string, strict bool) bool {
	switch {
	case text == "", title == "Downloads" && strings.Contains(text, "Nothing is downloading"),
		title == "Health" && strings.Contains(text, "❔ 3 unknown"):
		return true
	case !strict:
		return strings.Contains(strings.ToLower(text), "waiting for the first answer")
	case title == "Health":
		return strings.Contains(text, "3 waiting for the first answer")
	}
	return strings.Contains(text, "Waiting for the first answer from qbit, radarr, sonarr")
}

// boardWrites are the requests that create or edit a message of the channel.
func boardWrites(rs []discordtest.Request, channel string) []discordtest.Request {
	var out []discordtest.Request
	for _, r := range rs {
		if (r.Method == "POST" || r.Method == "PATCH") &&
			strings.HasPrefix(r.Path, "/api/v10/channels/"+channel+"/messages") {
			out = append(out, r)
		}
	}
	return out
}

// editedOK reports whether message id was edited successfully.
func editedOK(ws []discordtest.Request, id string) bool {
	for _, w := range ws {
		if w.Method == "PATCH" && strings.HasSuffix(w.Path, "/"+id) && w.Status == 200 {
			return true
		}
	}
	return false
}

// writtenText is the title and plain text of the board a request sent.
func writtenText(t *testing.T, r discordtest.Request) (title, text string) {
	t.Helper()
	var body struct {
		Embeds []struct {
			Title       string `json:"title"`
			Description string `json:"description"`
			Fields      []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"fields"`
		} `json:"embeds"`
	}
	if err := json.Unmarshal([]byte(r.Body), &body); err != nil || len(body.Embeds) == 0 {
		t.Fatalf("%s %s sent no embed (%v): %s", r.Method, r.Path, err, r.Body)
	}
	e := body.Embeds[0]
	var b strings.Builder
	b.WriteString(e.Description + "\n")
	for _, f := range e.Fields {
		b.WriteString(f.Name + "\n" + f.Value + "\n")
	}
	return e.Title, plain(b.String())
}
