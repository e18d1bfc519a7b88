package discord

import (
	"errors"
	"fmt"
	"net/url"
	"testing"
)

func TestRetargetQuotesTheServerReallyAsked(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ to, want string }{
		{"http://127.0.0.1:1/", `Get "http://127.0.0.1:1/api/v9/gateway": connection refused`},
		{"https://proxy.lan/discord/", `Get "https://proxy.lan/discord/api/v9/gateway": connection refused`},
	} {
		to, _ := url.Parse(tt.to)
		err := fmt.Errorf("open: %w", &url.Error{Op: "Get", URL: "https://discord.com/api/v9/gateway",
			Err: errors.New("connection refused")})
		got := (&rewrite{to: to}).retarget(err)
		var ue *url.Error
		if !errors.As(got, &ue) || ue.Error() != tt.want {
			t.Errorf("to %s: got %v, want %s", tt.to, got, tt.want)
		}
	}
	if err := errors.New("no READY within 30s"); (&rewrite{}).retarget(err) != err {
		t.Error("an error without a URL was changed")
	}
}
