// Reference profile of the userhash rule: no protocol code lives here.
package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

var (
	ErrEmptySecret  = errors.New("secret must be a non-empty string")
	ErrBadUserID    = errors.New("user_id must be a string or an integer")
	ErrBadEmail     = errors.New("email must be a string")
	ErrBadSecretTyp = errors.New("secret must be a string")
	ErrNoUserID     = errors.New("a JWT needs a user_id: it is missing, null or empty")
)

// Identifier converts a raw JSON value into an identifier. The result is ""
// when the identifier is absent (missing, null or ""). allowInt permits JSON
// integer tokens, which are kept exactly as their literal digits.
func Identifier(raw json.RawMessage, allowInt bool, bad error) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	switch c := raw[0]; {
	case c == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", bad
		}
		return s, nil
	case allowInt && (c == '-' || (c >= '0' && c <= '9')):
		if bytes.ContainsAny(raw, ".eE") { // float token: reject
			return "", bad
		}
		return string(raw), nil
	}
	return "", bad
}

// Select returns the identifier to hash: user_id wins over email; "" means unidentified.
func Select(userID, email string) string {
	if userID != "" {
		return userID
	}
	return email
}

// UserHash returns the lowercase hex HMAC-SHA256 of the selected identifier
// keyed with the secret's literal bytes; ok is false when unidentified.
func UserHash(secret, userID, email string) (hash string, ok bool, err error) {
	if secret == "" {
		return "", false, ErrEmptySecret
	}
	id := Select(userID, email)
	if id == "" {
		return "", false, nil
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(id))
	return hex.EncodeToString(mac.Sum(nil)), true, nil
}

// Verify recomputes the hash and compares it in constant time with the
// presented value (exact lowercase hex). Unidentified is never valid.
func Verify(secret, userID, email, presented string) (bool, error) {
	want, ok, err := UserHash(secret, userID, email)
	if err != nil || !ok {
		return false, err
	}
	return hmac.Equal([]byte(want), []byte(presented)), nil
}

// ---- Messenger-security JWTs (HS256) ----

const (
	// jwtHeader is the only header UserJWT writes.
	jwtHeader = `{"alg":"HS256","typ":"JWT"}`
	// MaxJWTLen is the longest token VerifyJWT reads, in bytes.
	MaxJWTLen = 8192
	// JWTLeeway is the clock skew tolerated on exp and nbf, in seconds.
	JWTLeeway = 60
)

// b64 is base64url without padding (RFC 7515); Strict rejects non-zero unused bits.
var b64 = base64.RawURLEncoding.Strict()

func hmacSHA256(secret, message string) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(message))
	return mac.Sum(nil)
}

// jwtUserID returns user_id as the string to sign. Decode claims with
// json.Decoder.UseNumber so that integers arrive as json.Number and keep their
// exact digits (a float64 cannot tell 42 from 42.0 and is rejected).
func jwtUserID(v any) (string, error) {
	switch id := v.(type) {
	case nil:
		return "", ErrNoUserID
	case string:
		if id == "" {
			return "", ErrNoUserID
		}
		return id, nil
	case json.Number:
		return Identifier(json.RawMessage(id), true, ErrBadUserID) // integer token -> its digits
	case int:
		return strconv.Itoa(id), nil
	case int64:
		return strconv.FormatInt(id, 10), nil
	case uint64:
		return strconv.FormatUint(id, 10), nil
	}
	return "", ErrBadUserID
}

// UserJWT signs claims as an HS256 JWT: header {"alg":"HS256","typ":"JWT"},
// payload the claims with user_id as a string, both base64url without padding,
// and the HMAC-SHA256 of "header.payload" keyed with the secret's UTF-8 bytes.
// Every claim other than user_id is signed as given (json.Number keeps numbers exact).
func UserJWT(secret string, claims map[string]any) (string, error) {
	if secret == "" {
		return "", ErrEmptySecret
	}
	id, err := jwtUserID(claims["user_id"])
	if err != nil {
		return "", err
	}
	payload := make(map[string]any, len(claims))
	for k, v := range claims {
		payload[k] = v
	}
	payload["user_id"] = id
	body, err := json.Marshal(payload)
	if err != nil {
		return "", err
	}
	signed := b64.EncodeToString([]byte(jwtHeader)) + "." + b64.EncodeToString(body)
	return signed + "." + b64.EncodeToString(hmacSHA256(secret, signed)), nil
}

// VerifyJWT reports whether token is a valid HS256 user JWT for secret at time
// now (Unix seconds). Only an empty secret is an error; every malformed,
// forged or expired token is simply false.
func VerifyJWT(secret, token string, now int64) (bool, error) {
	if secret == "" {
		return false, ErrEmptySecret
	}
	if len(token) > MaxJWTLen {
		return false, nil
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false, nil
	}
	var raw [3][]byte
	for i, part := range parts {
		b, ok := decodeSegment(part)
		if !ok {
			return false, nil
		}
		raw[i] = b
	}
	header, ok := uniqueObject(raw[0])
	if !ok {
		return false, nil
	}
	if alg, ok := jsonString(header["alg"]); !ok || alg != "HS256" {
		return false, nil // never "none", never what the header asks for
	}
	if _, ok := header["crit"]; ok {
		return false, nil // no critical extension is understood
	}
	want := hmacSHA256(secret, token[:len(parts[0])+1+len(parts[1])])
	if !hmac.Equal(want, raw[2]) { // constant time
		return false, nil
	}
	claims, ok := uniqueObject(raw[1])
	if !ok {
		return false, nil
	}
	if id, ok := jsonString(claims["user_id"]); !ok || id == "" {
		return false, nil
	}
	t := float64(now)
	if exp, present, ok := numericDate(claims["exp"]); !ok || present && t >= exp+JWTLeeway {
		return false, nil
	}
	if nbf, present, ok := numericDate(claims["nbf"]); !ok || present && t+JWTLeeway < nbf {
		return false, nil
	}
	return true, nil
}

// decodeSegment decodes strict base64url without padding. The alphabet check
// matters: Go's decoder silently skips '\r' and '\n'.
func decodeSegment(s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return nil, false
		}
	}
	b, err := b64.DecodeString(s)
	return b, err == nil
}

// uniqueObject parses a UTF-8 JSON object, refusing a top-level key seen twice.
func uniqueObject(data []byte) (map[string]json.RawMessage, bool) {
	if !utf8.Valid(data) { // encoding/json would silently replace bad bytes
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	obj := map[string]json.RawMessage{}
	for dec.More() {
		t, err := dec.Token()
		key, isKey := t.(string)
		if err != nil || !isKey {
			return nil, false
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, false
		}
		if _, dup := obj[key]; dup {
			return nil, false
		}
		obj[key] = value
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF { // nothing may follow the object
		return nil, false
	}
	return obj, true
}

// jsonString returns the value if raw is a JSON string.
func jsonString(raw json.RawMessage) (string, bool) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// numericDate reads an optional exp/nbf claim: absent is fine, a JSON number
// is its value, anything else (string, bool, null, out of range) is not ok.
func numericDate(raw json.RawMessage) (value float64, present, ok bool) {
	if raw == nil {
		return 0, false, true
	}
	if c := raw[0]; c != '-' && (c < '0' || c > '9') {
		return 0, true, false
	}
	v, err := strconv.ParseFloat(string(raw), 64)
	return v, true, err == nil
}
