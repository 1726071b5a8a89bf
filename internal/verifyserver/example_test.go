package verifyserver_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/hmacctl/hmacctl/internal/verifyserver"
)

// A test starts the server and points the client at http://HOST/VENDOR
// (for hmacctl: --base-url http://HOST/woox).
func Example() {
	srv := httptest.NewServer(verifyserver.New(verifyserver.Credentials{
		APIKey:    "k",
		APISecret: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==",
	}))
	defer srv.Close()

	// WOO X signs timestamp + method + full path with query + body; the
	// full path includes the /woox routing prefix.
	m := hmac.New(sha256.New, []byte("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA=="))
	m.Write([]byte("1578565539808GET/woox/v3/algo/orders?algoType=STOP"))
	req, _ := http.NewRequest("GET", srv.URL+"/woox/v3/algo/orders?algoType=STOP", nil)
	req.Header.Set("x-api-key", "k")
	req.Header.Set("x-api-timestamp", "1578565539808")
	req.Header.Set("x-api-signature", hex.EncodeToString(m.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	fmt.Print(string(body))

	req.Header.Set("x-api-timestamp", "1578565539809")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	fmt.Print(string(body))
	// Output:
	// 200
	// {"ok":true,"vendor":"woox","canonical":"1578565539808GET/woox/v3/algo/orders?algoType=STOP","canonical_base64":"MTU3ODU2NTUzOTgwOEdFVC93b294L3YzL2FsZ28vb3JkZXJzP2FsZ29UeXBlPVNUT1A=","expected_signature":"f5ceb612cfbf8ac8567f34314297c4f7746b2b4e5ff8a1669339fcbc0b34c4f5","signature":"f5ceb612cfbf8ac8567f34314297c4f7746b2b4e5ff8a1669339fcbc0b34c4f5","method":"GET","path":"/woox/v3/algo/orders","query":"algoType=STOP","body":""}
	// 401
	// {"ok":false,"vendor":"woox","error":"signature mismatch: header x-api-signature is f5ceb612cfbf8ac8567f34314297c4f7746b2b4e5ff8a1669339fcbc0b34c4f5, the server computed 044ea73623034d9dabca3cf0e6dd17ed03d2fc2d1a1e2f27e10890ade8b4309f","canonical":"1578565539809GET/woox/v3/algo/orders?algoType=STOP","canonical_base64":"MTU3ODU2NTUzOTgwOUdFVC93b294L3YzL2FsZ28vb3JkZXJzP2FsZ29UeXBlPVNUT1A=","expected_signature":"044ea73623034d9dabca3cf0e6dd17ed03d2fc2d1a1e2f27e10890ade8b4309f","signature":"f5ceb612cfbf8ac8567f34314297c4f7746b2b4e5ff8a1669339fcbc0b34c4f5","method":"GET","path":"/woox/v3/algo/orders","query":"algoType=STOP","body":""}
}
