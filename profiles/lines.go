package profiles

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// keyOffsets maps every key of a TOML document, written as a dotted path
// ("signature.message", "params[1].value", "headers.x-api-key"), to the
// byte offset it is defined at: its line for an error found after
// decoding (lineAt), and document order for headers, even within an
// inline table. Array-of-tables entries are indexed from 0.
func keyOffsets(data []byte) map[string]int {
	lines := map[string]int{}
	arrayCounts := map[string]int{}
	p := unstable.Parser{KeepComments: false}
	p.Reset(data)
	var table string
	for p.NextExpression() {
		n := p.Expression()
		switch n.Kind {
		case unstable.Table:
			table = joinKey(n.Key())
			lines[table] = keyOffset(&p, n)
		case unstable.ArrayTable:
			base := joinKey(n.Key())
			table = fmt.Sprintf("%s[%d]", base, arrayCounts[base])
			arrayCounts[base]++
			lines[table] = keyOffset(&p, n)
		case unstable.KeyValue:
			addKeyValue(&p, lines, table, n)
		}
	}
	return lines
}

func addKeyValue(p *unstable.Parser, lines map[string]int, prefix string, n *unstable.Node) {
	key := joinKey(n.Key())
	if prefix != "" {
		key = prefix + "." + key
	}
	lines[key] = keyOffset(p, n)
	if v := n.Value(); v.Kind == unstable.InlineTable {
		for it := v.Children(); it.Next(); {
			if child := it.Node(); child.Kind == unstable.KeyValue {
				addKeyValue(p, lines, key, child)
			}
		}
	}
}

func joinKey(it unstable.Iterator) string {
	var parts []string
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return strings.Join(parts, ".")
}

// keyOffset finds a node's offset from the first key part that carries a
// position.
func keyOffset(p *unstable.Parser, n *unstable.Node) int {
	for it := n.Key(); it.Next(); {
		k := it.Node()
		if k.Raw.Length > 0 {
			return int(k.Raw.Offset)
		}
		if len(k.Data) > 0 {
			return int(p.Range(k.Data).Offset)
		}
	}
	return 0
}

// lineAt is the 1-based line of a byte offset.
func lineAt(data []byte, offset int) int {
	return bytes.Count(data[:min(offset, len(data))], []byte("\n")) + 1
}
