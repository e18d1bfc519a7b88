package discordtest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
)

// defaultInteractWait bounds each of Interact's waits: for the first callback, then
// for the edit that completes a deferred response.
const defaultInteractWait = 3 * time.Second

// InteractRequest is a user's action: a slash command, an autocomplete keystroke or
// a click on a message component.
type InteractRequest struct {
	// UserID is who acts; default the admin user.
	UserID string `json:"user_id,omitempty"`
	// Command is the command name, optionally followed by subcommand names
	// ("downloads", "/admin cleanup").
	Command string `json:"command,omitempty"`
	// Options are the command's options by name, converted to the registered types.
	Options map[string]any `json:"options,omitempty"`
	// Autocomplete asks for suggestions for the Focused option instead of running.
	Autocomplete bool   `json:"autocomplete,omitempty"`
	Focused      string `json:"focused,omitempty"`
	// MessageID and CustomID name the clicked component; Values are a select's picks.
	MessageID string   `json:"message_id,omitempty"`
	CustomID  string   `json:"custom_id,omitempty"`
	Values    []string `json:"values,omitempty"`
	// Wait bounds the wait for the first callback and DeferWait the wait for the
	// edit after a deferred one; both default to 3 s.
	Wait      time.Duration `json:"-"`
	DeferWait time.Duration `json:"-"`
}

// InteractResult is what came of an Interact call.
type InteractResult struct {
	ID           string                    `json:"id"`
	Type         discordgo.InteractionType `json:"type"`
	DispatchedAt time.Time                 `json:"dispatched_at"`
	AckedAt      *time.Time                `json:"acked_at"`
	AckMS        *float64                  `json:"ack_ms"`
	CallbackType *int                      `json:"callback_type"`
	// Response is the callback body the bot sent.
	Response json.RawMessage `json:"response"`
	// Message is the @original message after any deferred edit, or null.
	Message   json.RawMessage `json:"message"`
	ErrorCode *int            `json:"error_code"`
}

// BadInteractionError says why a requested interaction cannot happen: no such
// command, message, component or option.
type BadInteractionError struct{ Reason string }

// Error returns the reason.
func (b *BadInteractionError) Error() string { return b.Reason }

func bad(format string, args ...any) error {
	return &BadInteractionError{Reason: fmt.Sprintf(format, args...)}
}

// Interact dispatches an interaction to the bot, waits for its first callback (and for
// the edit that completes a deferred one), and reports what happened. It fails with
// ErrNotConnected without a bot session and with *BadInteractionError for a request
// no Discord user could make.
func (e *Emulator) Interact(ctx context.Context, r InteractRequest) (InteractResult, error) {
	if r.UserID == "" {
		r.UserID = e.opts.AdminUserID
	}
	if _, ok := e.person(r.UserID); !ok {
		return InteractResult{}, bad("unknown user %q", r.UserID)
	}
	if !e.Connected() {
		return InteractResult{}, ErrNotConnected
	}
	in, payload, err := e.build(r)
	if err != nil {
		return InteractResult{}, err
	}
	in.dispatchedAt = e.now()
	payload["id"], payload["token"] = in.id, in.token
	e.remember(in)
	if err := e.dispatchOne("INTERACTION_CREATE", payload); err != nil {
		e.forget(in)
		return InteractResult{}, fmt.Errorf("dispatch interaction: %w", err)
	}

	e.waitCtx(ctx, orDefault(r.Wait), func() bool { return len(in.attempts) > 0 })
	e.waitCtx(ctx, orDefault(r.DeferWait), func() bool {
		if !in.accepted || (in.callbackType != 5 && in.callbackType != 6) {
			return true
		}
		m := e.findLocked(e.opts.ChannelID, in.originalID)
		return m == nil || m.Edits > in.editsAtAck
	})
	return e.result(in), ctx.Err()
}

func orDefault(d time.Duration) time.Duration {
	if d <= 0 {
		return defaultInteractWait
	}
	return d
}

// waitCtx is waitFor that also ends when ctx does.
func (e *Emulator) waitCtx(ctx context.Context, d time.Duration, cond func() bool) {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		d = time.Until(dl)
	}
	e.waitFor(d, cond)
}

func (e *Emulator) forget(in *interaction) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.interactions, in.id)
	delete(e.tokens, in.token)
	for i, o := range e.order {
		if o == in {
			e.order = append(e.order[:i], e.order[i+1:]...)
			break
		}
	}
}

func (e *Emulator) result(in *interaction) InteractResult {
	e.mu.Lock()
	defer e.mu.Unlock()
	rec := in.record()
	res := InteractResult{
		ID: rec.ID, Type: rec.Type, DispatchedAt: rec.DispatchedAt, AckedAt: rec.AckedAt,
		AckMS: rec.AckMS, CallbackType: rec.CallbackType, Response: rec.Response,
		Message: json.RawMessage("null"), ErrorCode: rec.ErrorCode,
	}
	if m := e.findLocked(e.opts.ChannelID, in.originalID); m != nil && in.originalID != "" {
		res.Message, _ = json.Marshal(e.apiObject(m))
	}
	return res
}

// build makes the interaction and its INTERACTION_CREATE payload.
func (e *Emulator) build(r InteractRequest) (*interaction, map[string]any, error) {
	p, _ := e.person(r.UserID)
	in := &interaction{id: e.ids.next(), token: "aW50ZXJhY3Rpb24" + randomToken(48), userID: r.UserID}
	payload := map[string]any{
		"application_id": e.opts.ApplicationID, "guild_id": e.opts.GuildID,
		"channel_id": e.opts.ChannelID, "version": 1, "locale": "en-US", "guild_locale": "en-US",
		"app_permissions": perm(BotPermissions | EveryonePermissions), "entitlements": []any{},
		"authorizing_integration_owners": map[string]string{"0": e.opts.GuildID}, "context": 0,
	}
	member := e.memberObject(p)
	member["permissions"] = perm(e.permissionsOf(p))
	payload["member"] = member

	var data map[string]any
	var err error
	switch {
	case r.CustomID != "" || r.MessageID != "":
		in.kind = discordgo.InteractionMessageComponent
		in.customID, in.messageID = r.CustomID, r.MessageID
		data, err = e.componentData(r, payload)
	case r.Command != "":
		in.kind = discordgo.InteractionApplicationCommand
		if r.Autocomplete {
			in.kind = discordgo.InteractionApplicationCommandAutocomplete
		}
		in.command = r.Command
		data, err = e.commandData(r)
	default:
		err = bad("give a command, or a message_id and custom_id")
	}
	if err != nil {
		return nil, nil, err
	}
	e.mu.Lock()
	ch := e.channelObject(e.opts.ChannelID)
	e.mu.Unlock()
	payload["type"], payload["data"], payload["channel"] = in.kind, data, ch
	return in, payload, nil
}
