package sign

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// The documented function list, the engine's table and docs/format.md
// must agree: a function added to one and not the others fails here.
func TestFunctionsAreDocumented(t *testing.T) {
	var documented []string
	for _, f := range Functions() {
		documented = append(documented, f.Name)
	}
	var implemented []string
	for name := range functionTable() {
		implemented = append(implemented, name)
	}
	slices.Sort(documented)
	slices.Sort(implemented)
	if !slices.Equal(documented, implemented) {
		t.Errorf("Functions() lists %v; the engine has %v", documented, implemented)
	}
	format, err := os.ReadFile("../docs/format.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range implemented {
		if !strings.Contains(string(format), "`"+name+"(") {
			t.Errorf("docs/format.md does not document %s()", name)
		}
	}
	for _, name := range []string{"method", "url", "host", "path", "query", "path_query", "rel_path", "rel_path_query", "body", "params", "timestamp", "signature", "api_key", "api_secret", "api_passphrase", "token"} {
		if _, isString := stringVarGetter(name); !isString && name != "params" {
			t.Errorf("%s is not an engine variable", name)
		}
		if !strings.Contains(string(format), "`"+name+"`") {
			t.Errorf("docs/format.md does not document the variable %s", name)
		}
	}
}
