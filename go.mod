module github.com/hmacctl/hmacctl

go 1.26.8

require (
	github.com/expr-lang/expr v1.17.8
	github.com/pelletier/go-toml/v2 v2.4.3
)
