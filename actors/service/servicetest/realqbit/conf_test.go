package realqbit

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestPasswordPBKDF2MatchesQBittorrent pins the hash format to a value that
// qbittorrent-nox 4.5.2 itself wrote after its WebUI password was set to
// "s3cret-pass" through app/setPreferences.
func TestPasswordPBKDF2MatchesQBittorrent(t *testing.T) {
	t.Parallel()
	salt, err := base64.StdEncoding.DecodeString("t0+Q+PPidbh60WIYvPfYHA==")
	if err != nil {
		t.Fatal(err)
	}
	got, err := passwordPBKDF2Salted("s3cret-pass", salt)
	if err != nil {
		t.Fatal(err)
	}
	const want = "@ByteArray(t0+Q+PPidbh60WIYvPfYHA==:fbBlNg0s8JfcNaXZMQ34ujaS4Zg15we/" +
		"x95O5VlflCjjGMZ+fQavYRzNf3vjMDpoxBb9ZZUmxcc7JVmvPq6euA==)"
	if got != want {
		t.Errorf("passwordPBKDF2Salted = %s, want %s", got, want)
	}
}

func TestKibPerSecondRoundsUp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want int64 }{
		{0, 0}, {1, 1}, {1024, 1}, {1025, 2}, {2 << 20, 2048},
	} {
		if got := kibPerSecond(tc.in); got != tc.want {
			t.Errorf("kibPerSecond(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestRenderConf(t *testing.T) {
	t.Parallel()
	base := profileConf{webPort: 8081, sessionPort: 40000, username: "admin", savePath: "/x/dl"}
	withPassword := base
	withPassword.password, withPassword.downloadLimit = "hunter22", 3000
	cases := []struct {
		name      string
		conf      profileConf
		want, not []string
	}{
		{
			name: "no password",
			conf: base,
			want: []string{"[LegalNotice]\nAccepted=true\n", `WebUI\LocalHostAuth=false`,
				`WebUI\Port=8081`, `Session\Port=40000`, `Session\Interface=lo`,
				`Session\DefaultSavePath=/x/dl`, `WebUI\MaxAuthenticationFailCount=0`},
			not: []string{"Password_PBKDF2", "GlobalDLSpeedLimit"},
		},
		{
			name: "password and limit",
			conf: withPassword,
			want: []string{`WebUI\LocalHostAuth=true`, `WebUI\Password_PBKDF2="@ByteArray(`,
				`Session\GlobalDLSpeedLimit=3`},
			not: []string{"hunter22"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			text, err := tc.conf.render()
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("conf lacks %q:\n%s", w, text)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(text, n) {
					t.Errorf("conf contains %q:\n%s", n, text)
				}
			}
		})
	}
}
