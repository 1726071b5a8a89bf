package cmd

import (
	"runtime/debug"
	"strings"
)

// Set at release with -ldflags, for example
//
//	pkg=github.com/hmacctl/hmacctl/cmd
//	go build -ldflags "-X $pkg.version=v1.2.3 -X $pkg.commit=abc1234 -X $pkg.date=2026-11-23T10:00:00Z"
//
// Each one left empty falls back to what the Go toolchain recorded in the
// binary (runtime/debug.ReadBuildInfo): the module version under
// go install module@version, and vcs.revision and vcs.time when the
// binary was built with go build in a checkout.
var (
	version = ""
	commit  = ""
	date    = ""
)

// readBuildInfo is debug.ReadBuildInfo; tests replace it.
var readBuildInfo = debug.ReadBuildInfo

// BuildInfo is what hmacctl knows about its own build. Commit and Date
// may be empty; Version never is.
type BuildInfo struct {
	Version string
	Commit  string
	Date    string
	// GoVersion and Platform ("linux/amd64") are the toolchain's record,
	// shown when there is no commit to identify the build by.
	GoVersion string
	Platform  string
}

// ReadBuild returns the build's version, commit and date: the values
// injected with -ldflags, else the toolchain's build information, else
// "dev" for the version and nothing for the others; and the toolchain's
// Go version and platform.
func ReadBuild() BuildInfo {
	b := BuildInfo{Version: version, Commit: commit, Date: date}
	if info, ok := readBuildInfo(); ok && info != nil {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		var revision, modified, vcsTime, goos, goarch string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value
			case "vcs.time":
				vcsTime = s.Value
			case "GOOS":
				goos = s.Value
			case "GOARCH":
				goarch = s.Value
			}
		}
		b.GoVersion = info.GoVersion
		if goos != "" && goarch != "" {
			b.Platform = goos + "/" + goarch
		}
		if b.Commit == "" && revision != "" {
			b.Commit = shortRevision(revision)
			if modified == "true" {
				b.Commit += "+dirty"
			}
		}
		if b.Date == "" {
			b.Date = vcsTime
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	return b
}

// shortRevision abbreviates a full commit hash to seven characters, as
// git log --oneline does.
func shortRevision(rev string) string {
	if len(rev) > 7 && strings.Trim(rev, "0123456789abcdef") == "" {
		return rev[:7]
	}
	return rev
}

// String is the version as --version shows it after "hmacctl version":
// "v1.2.3 (commit abc1234, built 2026-11-23T10:00:00Z)". Without a
// commit it says what the toolchain recorded instead, and for a build
// from a checkout without VCS stamping (go build -buildvcs=false, or
// GOFLAGS=-buildvcs=false) that the commit is unknown:
// "dev (no commit recorded: built without VCS stamping; go1.26.8 linux/amd64)".
func (b BuildInfo) String() string {
	var extra []string
	if b.Commit != "" {
		extra = append(extra, "commit "+b.Commit)
	}
	if b.Date != "" {
		extra = append(extra, "built "+b.Date)
	}
	if b.Commit == "" && b.GoVersion != "" {
		toolchain := strings.TrimSpace(b.GoVersion + " " + b.Platform)
		if b.Version == "dev" {
			extra = append(extra, "no commit recorded: built without VCS stamping; "+toolchain)
		} else {
			extra = append(extra, toolchain)
		}
	}
	if len(extra) == 0 {
		return b.Version
	}
	return b.Version + " (" + strings.Join(extra, ", ") + ")"
}

// Version is hmacctl's version: the release's, else the module's under
// go install, else "dev". The User-Agent carries it.
func Version() string {
	return ReadBuild().Version
}
