package realqbit_test

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/discarr/discarr/actors/service/servicetest/realqbit"
)

func TestInfoHash(t *testing.T) {
	t.Parallel()
	const info = "d6:lengthi5e4:name5:a.bin12:piece lengthi16384e6:pieces20:" +
		"aaaaaaaaaaaaaaaaaaaae"
	sum := sha1.Sum([]byte(info))
	want := hex.EncodeToString(sum[:])
	cases := []struct {
		name    string
		meta    string
		want    string
		wantErr string
	}{
		{name: "info only", meta: "d4:info" + info + "e", want: want},
		{name: "after other keys", meta: "d8:announce9:http://x/7:comment2:hi" +
			"8:url-listl3:abc3:defe4:info" + info + "e", want: want},
		{name: "no info", meta: "d7:comment2:hie", wantErr: `no "info"`},
		{name: "not a dictionary", meta: "l4:infoe", wantErr: "not a bencoded dictionary"},
		{name: "info not a dictionary", meta: "d4:infoi3ee", wantErr: "not a dictionary"},
		{name: "truncated", meta: "d4:infod4:name", wantErr: "info"},
		{name: "bad length", meta: "d4:info99:abce", wantErr: "bad string length"},
		{name: "empty", meta: "", wantErr: "not a bencoded dictionary"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := realqbit.InfoHash([]byte(tc.meta))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("InfoHash error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("InfoHash = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
