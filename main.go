// Command hmacctl signs and sends HMAC-authenticated HTTP API requests.
package main

import (
	"os"

	"github.com/hmacctl/hmacctl/cmd"
)

func main() {
	os.Exit(cmd.Main(cmd.NewFactory()))
}
