package discordtest

import (
	"encoding/json"
	"time"

	"github.com/bwmarrin/discordgo"
)

// interaction is one dispatched interaction and everything the bot did with it.
type interaction struct {
	id, token    string
	kind         discordgo.InteractionType
	userID       string
	command      string
	customID     string
	messageID    string
	dispatchedAt time.Time

	accepted     bool
	ackedAt      *time.Time
	callbackType int
	response     json.RawMessage
	errorCode    int
	attempts     []CallbackAttempt
	originalID   string // the @original message, once there is one
	editsAtAck   int    // the @original's edit count when it was acknowledged
}

// CallbackAttempt is one callback request for an interaction, accepted or not.
type CallbackAttempt struct {
	// At is when the request reached the emulator's handler.
	At     time.Time `json:"at"`
	Type   int       `json:"type"`
	Status int       `json:"status"`
	Code   int       `json:"code,omitempty"`
}

// InteractionRecord is what happened to one interaction.
type InteractionRecord struct {
	ID           string                    `json:"id"`
	Type         discordgo.InteractionType `json:"type"`
	UserID       string                    `json:"user_id"`
	Command      string                    `json:"command,omitempty"`
	CustomID     string                    `json:"custom_id,omitempty"`
	MessageID    string                    `json:"message_id,omitempty"`
	DispatchedAt time.Time                 `json:"dispatched_at"`
	// AckedAt is when the accepted callback reached the handler; nil if none was.
	AckedAt *time.Time `json:"acked_at"`
	// AckMS is AckedAt minus DispatchedAt in milliseconds.
	AckMS *float64 `json:"ack_ms"`
	// CallbackType is the accepted callback's type, else the first attempt's.
	CallbackType *int `json:"callback_type"`
	// Response is the accepted callback body, else the first attempt's.
	Response json.RawMessage `json:"response"`
	// ErrorCode is the Discord error code of the first rejected callback.
	ErrorCode  *int              `json:"error_code"`
	Callbacks  []CallbackAttempt `json:"callbacks"`
	OriginalID string            `json:"original_id,omitempty"`
}

func (in *interaction) record() InteractionRecord {
	r := InteractionRecord{
		ID: in.id, Type: in.kind, UserID: in.userID, Command: in.command, CustomID: in.customID,
		MessageID: in.messageID, DispatchedAt: in.dispatchedAt, Response: in.response,
		Callbacks: append([]CallbackAttempt{}, in.attempts...), OriginalID: in.originalID,
	}
	if len(r.Response) == 0 {
		r.Response = json.RawMessage("null")
	}
	if in.ackedAt != nil {
		t := *in.ackedAt
		ms := float64(t.Sub(in.dispatchedAt).Nanoseconds()) / 1e6
		r.AckedAt, r.AckMS = &t, &ms
	}
	if in.accepted || len(in.attempts) > 0 {
		ct := in.callbackType
		r.CallbackType = &ct
	}
	if in.errorCode != 0 {
		code := in.errorCode
		r.ErrorCode = &code
	}
	return r
}

// Interactions returns every interaction so far, in dispatch order.
func (e *Emulator) Interactions() []InteractionRecord {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]InteractionRecord, 0, len(e.order))
	for _, in := range e.order {
		out = append(out, in.record())
	}
	return out
}

// Interaction returns the record of one interaction.
func (e *Emulator) Interaction(id string) (InteractionRecord, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	in := e.interactions[id]
	if in == nil {
		return InteractionRecord{}, false
	}
	return in.record(), true
}

// validCallbacks lists the callback types Discord accepts per interaction type.
var validCallbacks = map[discordgo.InteractionType][]int{
	discordgo.InteractionApplicationCommand:             {4, 5, 9},
	discordgo.InteractionMessageComponent:               {4, 5, 6, 7, 9},
	discordgo.InteractionApplicationCommandAutocomplete: {8},
	discordgo.InteractionModalSubmit:                    {4, 5, 6, 7},
}

func (e *Emulator) remember(in *interaction) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.interactions[in.id] = in
	e.tokens[in.token] = in
	e.order = append(e.order, in)
	if len(e.order) > e.opts.MaxRecords {
		drop := e.order[:len(e.order)-e.opts.MaxRecords/2]
		for _, old := range drop {
			delete(e.interactions, old.id)
			delete(e.tokens, old.token)
		}
		e.order = append([]*interaction(nil), e.order[len(drop):]...)
	}
}
