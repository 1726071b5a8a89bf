package sign_test

import (
	"fmt"
	"time"

	"github.com/hmacctl/hmacctl/sign"
)

// WOO X's documented example (its v3 API docs, "Request Example"): the
// string to sign is timestamp + method + path with query + body.
func Example_woox() {
	scheme, err := sign.Compile(sign.Spec{
		Credentials: []string{"api_key", "api_secret"},
		Timestamp:   sign.UnixMillis,
		Hash:        "sha256",
		Message:     "timestamp + method + path_query + body",
		Encoding:    "hex",
		Headers: []sign.Header{
			{Name: "x-api-key", Value: "api_key"},
			{Name: "x-api-timestamp", Value: "timestamp"},
			{Name: "x-api-signature", Value: "signature"},
		},
	})
	if err != nil {
		panic(err)
	}
	res, err := scheme.Sign(sign.Request{
		Method:      "GET",
		BaseURL:     "https://api.woox.io",
		Target:      "/v3/algo/orders?algoType=STOP",
		Credentials: map[string]string{"api_key": "AbmyVJGUpN064ks5ELjLfA==", "api_secret": "QHKRXHPAW1MC9YGZMAT8YDJG2HPR"},
		Time:        time.UnixMilli(1578565539808),
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s\n", res.Canonical)
	for _, h := range res.Headers {
		fmt.Printf("%s: %s\n", h.Name, h.Value)
	}
	// Output:
	// 1578565539808GET/v3/algo/orders?algoType=STOP
	// x-api-key: AbmyVJGUpN064ks5ELjLfA==
	// x-api-timestamp: 1578565539808
	// x-api-signature: fddab579aff8c193f920c2d4f0cda6a21a60f06fd9c3916541ecc4f6461f5977
}
