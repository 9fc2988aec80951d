package main

import (
	"encoding/json"
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
