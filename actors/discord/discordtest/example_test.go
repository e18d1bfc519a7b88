package discordtest_test

import (
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

// A discordgo Session reaches the emulator through Transport; the emulator then
// holds what the bot posted.
func ExampleEmulator_Transport() {
	e := discordtest.New(discordtest.Options{})
	if err := e.Listen("127.0.0.1:0"); err != nil {
		panic(err)
	}
	defer func() { _ = e.Close() }()

	s, _ := discordgo.New("Bot " + e.Info().Token)
	s.Client = &http.Client{Transport: e.Transport(nil)}
	if _, err := s.ChannelMessageSend(e.Info().ChannelID, "hello"); err != nil {
		panic(err)
	}
	msgs := e.Messages(e.Info().ChannelID)
	fmt.Println(len(msgs), msgs[0].Content, len(e.Violations()))
	// Output: 1 hello 0
}
