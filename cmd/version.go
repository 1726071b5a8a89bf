package cmd

import "runtime/debug"

// version is set at release with -ldflags "-X github.com/hmacctl/hmacctl/cmd.version=v1.2.3".
var version = ""

// Version is hmacctl's version: the release's, else the module's under
// go install, else "dev".
func Version() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}
