package discord

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/discarr/discarr/messages"
)

// Scope says where a component lives: on a public board, or in somebody's personal
// (ephemeral) view.
type Scope string

// The scopes of a custom_id.
const (
	ScopeBoard Scope = "board"
	ScopeView  Scope = "view"
)

// Board names one of the two boards.
type Board string

// The boards.
const (
	BoardDownloads Board = "dl"
	BoardHealth    Board = "health"
)

// Action is what a component does when pressed.
type Action string

// The actions a component can carry.
const (
	ActionPage    Action = "page"    // show page N with filter F
	ActionFilter  Action = "filter"  // a select menu choosing the filter
	ActionRefresh Action = "refresh" // poll now and redraw
	ActionDetail  Action = "detail"  // open the detailed personal view
)

// CustomID is the state a component carries in its custom_id, so that buttons keep
// working after a restart: nothing about a view lives only in memory. Its text form
// is `scope:board:action[:page[:filter]]`, e.g. `board:dl:page:2:tv`, always well
// under Discord's 100-character limit.
type CustomID struct {
	Scope  Scope
	Board  Board
	Action Action
	Page   int
	Filter messages.Filter
	// Service narrows a health view to one service.
	Service string
}

// String encodes the custom_id.
func (c CustomID) String() string {
	parts := []string{string(c.Scope), string(c.Board), string(c.Action)}
	switch {
	case c.Board == BoardHealth && c.Service != "":
		parts = append(parts, c.Service)
	case c.Board == BoardDownloads && c.Action != ActionFilter:
		f := c.Filter
		if f == "" {
			f = messages.FilterAll
		}
		parts = append(parts, strconv.Itoa(c.Page), string(f))
	}
	return strings.Join(parts, ":")
}

// ParseCustomID decodes a custom_id made by String. Unknown or malformed ids are an
// error: they may come from an older or newer discarr, and are answered politely.
func ParseCustomID(s string) (CustomID, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 3 {
		return CustomID{}, fmt.Errorf("parse custom_id %q: too few parts", s)
	}
	c := CustomID{Scope: Scope(parts[0]), Board: Board(parts[1]), Action: Action(parts[2]),
		Filter: messages.FilterAll}
	if c.Scope != ScopeBoard && c.Scope != ScopeView {
		return CustomID{}, fmt.Errorf("parse custom_id %q: unknown scope", s)
	}
	switch c.Board {
	case BoardDownloads:
		if len(parts) >= 5 {
			page, err := strconv.Atoi(parts[3])
			if err != nil || page < 0 {
				return CustomID{}, fmt.Errorf("parse custom_id %q: bad page", s)
			}
			c.Page = page
			c.Filter, _ = messages.ParseFilter(parts[4])
		}
	case BoardHealth:
		if len(parts) >= 4 {
			c.Service = parts[3]
		}
	default:
		return CustomID{}, fmt.Errorf("parse custom_id %q: unknown board", s)
	}
	switch c.Action {
	case ActionPage, ActionFilter, ActionRefresh, ActionDetail:
	default:
		return CustomID{}, fmt.Errorf("parse custom_id %q: unknown action", s)
	}
	return c, nil
}

// Name is the board's name as logs and people say it.
func (b Board) Name() string {
	if b == BoardDownloads {
		return "downloads"
	}
	return string(b)
}
