package cmd

import (
	"runtime/debug"
	"testing"
)

// setBuild sets the -ldflags variables and the toolchain's build
// information for one test.
func setBuild(t *testing.T, v, c, d string, info *debug.BuildInfo) {
	t.Helper()
	oldV, oldC, oldD, oldRead := version, commit, date, readBuildInfo
	t.Cleanup(func() { version, commit, date, readBuildInfo = oldV, oldC, oldD, oldRead })
	version, commit, date = v, c, d
	readBuildInfo = func() (*debug.BuildInfo, bool) { return info, info != nil }
}

func vcsBuild(mainVersion string, settings ...string) *debug.BuildInfo {
	info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/hmacctl/hmacctl", Version: mainVersion}}
	for i := 0; i+1 < len(settings); i += 2 {
		info.Settings = append(info.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
	}
	return info
}

// toolchain adds what every build records: the Go version and the
// platform.
func toolchain(info *debug.BuildInfo) *debug.BuildInfo {
	info.GoVersion = "go1.26.8"
	info.Settings = append(info.Settings, debug.BuildSetting{Key: "GOOS", Value: "linux"}, debug.BuildSetting{Key: "GOARCH", Value: "amd64"})
	return info
}

func TestVersionString(t *testing.T) {
	const rev = "abc1234def5678abc1234def5678abc1234def56"
	for _, tt := range []struct {
		name          string
		v, c, d       string
		info          *debug.BuildInfo
		want, wantUAV string
	}{
		{
			name: "release: all three from -ldflags",
			v:    "v1.2.3", c: "abc1234", d: "2026-11-23T10:00:00Z",
			info: vcsBuild("(devel)", "vcs.revision", "ffffffffffffffffffffffffffffffffffffffff", "vcs.time", "2020-01-01T00:00:00Z"),
			want: "v1.2.3 (commit abc1234, built 2026-11-23T10:00:00Z)", wantUAV: "v1.2.3",
		},
		{
			name: "-ldflags version only: commit and date from the VCS stamp",
			v:    "v1.2.3",
			info: vcsBuild("(devel)", "vcs.revision", rev, "vcs.time", "2026-11-20T08:00:00Z"),
			want: "v1.2.3 (commit abc1234, built 2026-11-20T08:00:00Z)", wantUAV: "v1.2.3",
		},
		{
			name: "go install module@v1.2.3: module version, no VCS",
			info: vcsBuild("v1.2.3"),
			want: "v1.2.3", wantUAV: "v1.2.3",
		},
		{
			name: "go install module@v1.2.3: the toolchain's record beside the module version",
			info: toolchain(vcsBuild("v1.2.3")),
			want: "v1.2.3 (go1.26.8 linux/amd64)", wantUAV: "v1.2.3",
		},
		{
			name: "go build -buildvcs=false in a checkout: no commit, said so, with the toolchain's record",
			info: toolchain(vcsBuild("(devel)")),
			want: "dev (no commit recorded: built without VCS stamping; go1.26.8 linux/amd64)", wantUAV: "dev",
		},
		{
			name: "go build with the VCS stamp: the commit identifies it",
			info: toolchain(vcsBuild("v0.0.0-20261124002115-d5d807bd5cfa", "vcs.revision", rev, "vcs.time", "2026-11-24T00:21:15Z")),
			want: "v0.0.0-20261124002115-d5d807bd5cfa (commit abc1234, built 2026-11-24T00:21:15Z)", wantUAV: "v0.0.0-20261124002115-d5d807bd5cfa",
		},
		{
			name: "go build in a checkout with local changes",
			info: vcsBuild("v0.0.0-20261124002115-d5d807bd5cfa+dirty", "vcs", "git", "vcs.revision", rev, "vcs.time", "2026-11-24T00:21:15Z", "vcs.modified", "true"),
			want: "v0.0.0-20261124002115-d5d807bd5cfa+dirty (commit abc1234+dirty, built 2026-11-24T00:21:15Z)", wantUAV: "v0.0.0-20261124002115-d5d807bd5cfa+dirty",
		},
		{
			name: "go build with a VCS stamp but no version",
			info: vcsBuild("(devel)", "vcs.revision", rev, "vcs.modified", "false"),
			want: "dev (commit abc1234)", wantUAV: "dev",
		},
		{
			name: "go run: (devel), no VCS stamp",
			info: vcsBuild("(devel)"),
			want: "dev", wantUAV: "dev",
		},
		{
			name: "no build information at all",
			want: "dev", wantUAV: "dev",
		},
	} {
		setBuild(t, tt.v, tt.c, tt.d, tt.info)
		if got := ReadBuild().String(); got != tt.want {
			t.Errorf("%s: version string %q, want %q", tt.name, got, tt.want)
		}
		if got := Version(); got != tt.wantUAV {
			t.Errorf("%s: Version() = %q, want %q", tt.name, got, tt.wantUAV)
		}
	}
}

func TestVersionFlag(t *testing.T) {
	for _, tt := range []struct {
		v, c, d string
		want    string
	}{
		{"v1.2.3", "abc1234", "2026-11-23T10:00:00Z", "hmacctl version v1.2.3 (commit abc1234, built 2026-11-23T10:00:00Z)\n"},
		{"", "", "", "hmacctl version dev\n"},
	} {
		for _, flag := range []string{"--version", "-v"} {
			setBuild(t, tt.v, tt.c, tt.d, vcsBuild("(devel)"))
			f, out, errOut := testFactory(nil)
			root := NewCmdRoot(f)
			root.SetArgs([]string{flag})
			if err := root.Execute(); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want || errOut.Len() != 0 {
				t.Errorf("hmacctl %s printed %q (stderr %q), want %q", flag, out, errOut, tt.want)
			}
		}
	}
}

// The binary the tests run in is built by go test: it has no version of
// its own, so the real ReadBuildInfo gives "dev" unless -ldflags set one.
func TestVersionUnderGoTest(t *testing.T) {
	if version != "" {
		t.Skip("version set with -ldflags")
	}
	if got := Version(); got != "dev" {
		t.Errorf("Version() under go test = %q, want dev", got)
	}
}
