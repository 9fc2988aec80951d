package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"hash"
	"strings"
	"testing"
)

// Expected values computed with Python: hmac.new(key, msg, hashlib.sha256).hexdigest()
func TestKnownAnswers(t *testing.T) {
	cases := []struct{ secret, userID, email, want string }{
		{"secret", "87", "", "003a9666f8c43026072598aef3adfd2251f799697d2eba54f8d4ac3b0e30ea56"},
		{"secret", "", "alice@example.com", "a398d49ce1980b3642bc4dbd110121e3c953e1eadb497d50dea23e9611f83ee7"},
		{"s3cr3t", "42", "ignored@example.com", "7b25340b646377b8707a55deb0f09149bfd93b074f7fadbf7316f978f236fb53"},
		{"secret", "😀", "", "038344e40a595dd4df7d76b801fcd46901ea9c80f167abfc9ed4ec5a838b83ce"},
		{"secret", " ", "", "449cae45786ff49422f05eb94182fb6456b10db5c54f2342387168702e4f5197"},
		{strings.Repeat("k", 65), "x", "", "75092ca3ee2b307470c227697b42b3e65376aa3bae98fb5a1f7b7536daa9588a"},
		{"secret", "a\x00b", "", "2a9b674492a7ed767e2ac259e94f194335db4ac80afc9df7472e039e03270310"},
	}
	for _, c := range cases {
		got, ok, err := UserHash(c.secret, c.userID, c.email)
		if err != nil || !ok || got != c.want {
			t.Errorf("UserHash(%q,%q,%q) = %q,%v,%v; want %q", c.secret, c.userID, c.email, got, ok, err, c.want)
		}
		if v, _ := Verify(c.secret, c.userID, c.email, c.want); !v {
			t.Errorf("Verify rejected %q", c.want)
		}
		if v, _ := Verify(c.secret, c.userID, c.email, strings.ToUpper(c.want)); v {
			t.Errorf("Verify accepted uppercase %q", c.want)
		}
	}
}

func TestRules(t *testing.T) {
	if _, _, err := UserHash("", "87", ""); err == nil {
		t.Error("empty secret accepted")
	}
	if _, ok, _ := UserHash("secret", "", ""); ok {
		t.Error("unidentified produced a hash")
	}
	for raw, want := range map[string]string{`18446744073709551617`: "18446744073709551617", `-7`: "-7", `null`: "", `""`: ""} {
		if got, err := Identifier(json.RawMessage(raw), true, ErrBadUserID); err != nil || got != want {
			t.Errorf("Identifier(%s) = %q,%v", raw, got, err)
		}
	}
	for _, raw := range []string{`4.5`, `42.0`, `1e3`, `true`, `[]`, `{}`} {
		if _, err := Identifier(json.RawMessage(raw), true, ErrBadUserID); err == nil {
			t.Errorf("Identifier(%s) accepted", raw)
		}
	}
	if _, err := Identifier(json.RawMessage(`42`), false, ErrBadEmail); err == nil {
		t.Error("integer email accepted")
	}
}

// claimsOf decodes claims the way the adapter does (UseNumber keeps exact digits).
func claimsOf(t *testing.T, text string) map[string]any {
	t.Helper()
	var claims map[string]any
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&claims); err != nil {
		t.Fatalf("bad test claims %s: %v", text, err)
	}
	return claims
}

// Expected tokens computed with Python's hmac and base64 (encoding/json sorts map keys).
func TestUserJWTKnownAnswers(t *testing.T) {
	cases := []struct{ claims, want string }{
		{`{"user_id":"87"}`, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoiODcifQ.9FR1TVL8Dwc4figivzAH5lvTBRaVecf0ovk5A88Aa30"},
		{`{"user_id":87}`, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoiODcifQ.9FR1TVL8Dwc4figivzAH5lvTBRaVecf0ovk5A88Aa30"},
		{`{"user_id":42,"exp":1900000000,"email":"ada@example.com"}`, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6ImFkYUBleGFtcGxlLmNvbSIsImV4cCI6MTkwMDAwMDAwMCwidXNlcl9pZCI6IjQyIn0.lx6NCXQOMm8naKTgQEqWCTxyPvAi3mb9ZAT8c22B1Vc"},
	}
	for _, c := range cases {
		got, err := UserJWT("secret", claimsOf(t, c.claims))
		if err != nil || got != c.want {
			t.Errorf("UserJWT(%s) = %q, %v; want %q", c.claims, got, err, c.want)
		}
	}
}

func TestUserJWTKeepsClaims(t *testing.T) {
	in := `{"user_id":18446744073709551615,"exp":1900000000.5,"big":123456789012345678901234567890,` +
		`"name":"Ådå 😀","company":{"id":"c1","tags":[1,2.5,null,true]},"flag":false,"none":null}`
	token, err := UserJWT("secret", claimsOf(t, in))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 || strings.ContainsAny(token, "=+/") {
		t.Fatalf("not a compact JWS: %q", token)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	got := claimsOf(t, string(payload))
	want := claimsOf(t, in)
	want["user_id"] = "18446744073709551615"
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if !bytes.Equal(gotJSON, wantJSON) {
		t.Errorf("claims changed:\n got %s\nwant %s", gotJSON, wantJSON)
	}
	if ok, err := VerifyJWT("secret", token, 1_800_000_000); !ok || err != nil {
		t.Errorf("own token rejected: %v %v", ok, err)
	}
}

func TestUserJWTRejects(t *testing.T) {
	if _, err := UserJWT("", claimsOf(t, `{"user_id":"87"}`)); err != ErrEmptySecret {
		t.Errorf("empty secret: %v", err)
	}
	for _, c := range []string{`{}`, `{"email":"a@b.c"}`, `{"user_id":null}`, `{"user_id":""}`} {
		if _, err := UserJWT("secret", claimsOf(t, c)); err != ErrNoUserID {
			t.Errorf("UserJWT(%s): %v, want ErrNoUserID", c, err)
		}
	}
	for _, c := range []string{`{"user_id":42.0}`, `{"user_id":4.5}`, `{"user_id":1e3}`, `{"user_id":true}`,
		`{"user_id":[]}`, `{"user_id":{}}`, `{"user_id":["87"]}`} {
		if _, err := UserJWT("secret", claimsOf(t, c)); err != ErrBadUserID {
			t.Errorf("UserJWT(%s): %v, want ErrBadUserID", c, err)
		}
	}
	// Without UseNumber a number is a float64, which cannot be told apart from 42.0.
	if _, err := UserJWT("secret", map[string]any{"user_id": float64(42)}); err != ErrBadUserID {
		t.Errorf("float64 user_id: %v", err)
	}
	if tok, err := UserJWT("secret", map[string]any{"user_id": int64(-7)}); err != nil || !strings.HasPrefix(tok, "eyJ") {
		t.Errorf("int64 user_id: %q %v", tok, err)
	}
}

func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// forge signs any header and payload text with any HMAC.
func forge(secret, header, payload string, h func() hash.Hash) string {
	signed := b64url(header) + "." + b64url(payload)
	mac := hmac.New(h, []byte(secret))
	mac.Write([]byte(signed))
	return signed + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// resign replaces the signature with the right one over the first two segments as given.
func resign(secret, signed string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(signed))
	return signed + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func TestVerifyJWT(t *testing.T) {
	const now = 1_800_000_000
	const hs = `{"alg":"HS256","typ":"JWT"}`
	tok := func(payload string) string { return forge("secret", hs, payload, sha256.New) }
	good := tok(`{"user_id":"87"}`)
	parts := strings.Split(good, ".")
	h, p, s := parts[0], parts[1], parts[2]
	flip := func(c byte) string { // same 6-bit value with the lowest unused bit set
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		return string(alphabet[strings.IndexByte(alphabet, c)|1])
	}
	cases := []struct {
		name  string
		token string
		want  bool
	}{
		{"valid", good, true},
		{"valid exp future", tok(`{"user_id":"87","exp":1800003600}`), true},
		{"exp 30 s ago (leeway)", tok(`{"user_id":"87","exp":1799999970}`), true},
		{"exp 60 s ago", tok(`{"user_id":"87","exp":1799999940}`), false},
		{"exp 61 s ago", tok(`{"user_id":"87","exp":1799999939}`), false},
		{"exp float in leeway", tok(`{"user_id":"87","exp":1799999940.5}`), true},
		{"nbf 60 s ahead", tok(`{"user_id":"87","nbf":1800000060}`), true},
		{"nbf 61 s ahead", tok(`{"user_id":"87","nbf":1800000061}`), false},
		{"exp string", tok(`{"user_id":"87","exp":"1900000000"}`), false},
		{"exp null", tok(`{"user_id":"87","exp":null}`), false},
		{"nbf bool", tok(`{"user_id":"87","nbf":true}`), false},
		{"exp out of range", tok(`{"user_id":"87","exp":1e400}`), false},
		{"alg none, no signature", b64url(`{"alg":"none"}`) + "." + p + ".", false},
		{"alg none, signed", forge("secret", `{"alg":"none"}`, `{"user_id":"87"}`, sha256.New), false},
		{"alg hs256", forge("secret", `{"alg":"hs256"}`, `{"user_id":"87"}`, sha256.New), false},
		{"alg HS512 with HS512 signature", forge("secret", `{"alg":"HS512"}`, `{"user_id":"87"}`, sha512.New), false},
		{"alg RS256", forge("secret", `{"alg":"RS256"}`, `{"user_id":"87"}`, sha256.New), false},
		{"alg missing", forge("secret", `{"typ":"JWT"}`, `{"user_id":"87"}`, sha256.New), false},
		{"alg not a string", forge("secret", `{"alg":["HS256"]}`, `{"user_id":"87"}`, sha256.New), false},
		{"crit", forge("secret", `{"alg":"HS256","crit":["b64"],"b64":false}`, `{"user_id":"87"}`, sha256.New), false},
		{"duplicate alg", forge("secret", `{"alg":"HS256","alg":"HS256"}`, `{"user_id":"87"}`, sha256.New), false},
		{"tampered payload", h + "." + b64url(`{"user_id":"88"}`) + "." + s, false},
		{"wrong secret", forge("other", hs, `{"user_id":"87"}`, sha256.New), false},
		{"empty signature", h + "." + p + ".", false},
		{"2 segments", h + "." + p, false},
		{"4 segments", good + ".", false},
		{"leading space", " " + good, false},
		{"newline inside", h[:5] + "\n" + h[5:] + "." + p + "." + s, false},
		{"newline inside, resigned", resign("secret", h[:5]+"\n"+h[5:]+"."+p), false},
		{"carriage return inside", h + "." + p + "." + s[:5] + "\r" + s[5:], false},
		{"carriage return in payload, resigned", resign("secret", h+"."+p[:5]+"\r\n"+p[5:]), false},
		{"padded signature", good + "=", false},
		{"padded payload, resigned", resign("secret", h+"."+b64url(`{"user_id":"87","x":1}`)+"=="), false},
		{"standard alphabet", strings.NewReplacer("-", "+", "_", "/").Replace(forge("secret", hs, `{"user_id":"87","n":4}`, sha256.New)), false}, // its signature has both - and _
		{"non-canonical signature", h + "." + p + "." + s[:len(s)-1] + flip(s[len(s)-1]), false},
		{"payload length % 4 == 1, resigned", resign("secret", h+"."+p+"A"), false},
		{"duplicate user_id", tok(`{"user_id":"87","user_id":"88"}`), false},
		{"duplicate via escape", tok(`{"user_id":"87","user\u005fid":"87"}`), false},
		{"nested duplicate is fine", tok(`{"user_id":"87","a":{"b":1,"b":2}}`), true},
		{"numeric user_id", tok(`{"user_id":87}`), false},
		{"empty user_id", tok(`{"user_id":""}`), false},
		{"missing user_id", tok(`{"email":"a@b.c"}`), false},
		{"payload array", tok(`["user_id"]`), false},
		{"trailing data", tok(`{"user_id":"87"} x`), false},
		{"two objects", tok(`{"user_id":"87"}{}`), false},
		{"trailing comma", tok(`{"user_id":"87",}`), false},
		{"not UTF-8", tok("{\"user_id\":\"8\xff\xfe7\"}"), false},
		{"whitespace inside JSON is fine", tok(" {\"user_id\" : \"87\"}\n"), true},
		{"too long", tok(`{"user_id":"87","pad":"` + strings.Repeat("x", 7000) + `"}`), false},
		{"long but within 8192", tok(`{"user_id":"87","pad":"` + strings.Repeat("x", 5000) + `"}`), true},
	}
	for _, c := range cases {
		got, err := VerifyJWT("secret", c.token, now)
		if err != nil || got != c.want {
			t.Errorf("%s: VerifyJWT = %v, %v; want %v", c.name, got, err, c.want)
		}
	}
	if _, err := VerifyJWT("", good, now); err != ErrEmptySecret {
		t.Errorf("empty secret: %v", err)
	}
}
