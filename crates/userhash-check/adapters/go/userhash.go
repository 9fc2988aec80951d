// Reference profile of the userhash rule: no protocol code lives here.
package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
)

var (
	ErrEmptySecret  = errors.New("secret must be a non-empty string")
	ErrBadUserID    = errors.New("user_id must be a string or an integer")
	ErrBadEmail     = errors.New("email must be a string")
	ErrBadSecretTyp = errors.New("secret must be a string")
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
