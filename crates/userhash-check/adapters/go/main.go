// Protocol v1 glue: newline-delimited JSON on stdin/stdout.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
)

var out = bufio.NewWriter(os.Stdout)

// reply writes one JSON object whose keys keep the given order, then flushes.
func reply(seq json.RawMessage, kv ...any) {
	var b bytes.Buffer
	b.WriteByte('{')
	if seq != nil {
		b.WriteString(`"seq":`)
		b.Write(seq)
		if len(kv) > 0 {
			b.WriteByte(',')
		}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv[i])
		v, err := json.Marshal(kv[i+1])
		if err != nil {
			v = []byte("null")
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteString("}\n")
	out.Write(b.Bytes())
	out.Flush()
}

// secretOf extracts the secret, which must be a non-empty string.
func secretOf(req map[string]json.RawMessage) (secret string, err error) {
	raw, ok := req["secret"]
	if !ok || len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &secret) != nil {
		return "", ErrBadSecretTyp
	}
	if secret == "" {
		return "", ErrEmptySecret
	}
	return secret, nil
}

// request extracts secret and identifiers from a user_hash/verify request.
func request(req map[string]json.RawMessage) (secret, userID, email string, err error) {
	if secret, err = secretOf(req); err != nil {
		return "", "", "", err
	}
	if userID, err = Identifier(req["user_id"], true, ErrBadUserID); err != nil {
		return
	}
	email, err = Identifier(req["email"], false, ErrBadEmail)
	return
}

func handle(line []byte) (stop bool) {
	var req map[string]json.RawMessage
	if err := json.Unmarshal(line, &req); err != nil || req == nil {
		reply(nil, "error", fmt.Sprintf("malformed request: %v", err))
		return false
	}
	seq := req["seq"]
	var cmd string
	json.Unmarshal(req["cmd"], &cmd) // non-string cmd stays "" -> unknown
	switch cmd {
	case "start":
		if string(bytes.TrimSpace(req["protocol"])) != "1" {
			p := string(req["protocol"])
			if p == "" {
				p = "missing"
			}
			reply(nil, "ok", false, "error", "unsupported protocol version "+p)
			return false
		}
		reply(nil, "ok", true, "implementation", map[string]any{
			"name": "userhash-go", "language": "go", "version": runtime.Version(),
			"homepage": "https://github.com/userhash/userhash", "features": []string{"verify", "jwt", "verify_jwt"},
		})
	case "stop":
		return true
	case "user_hash":
		secret, userID, email, err := request(req)
		if err == nil {
			var h string
			var ok bool
			if h, ok, err = UserHash(secret, userID, email); err == nil {
				if ok {
					reply(seq, "user_hash", h)
				} else {
					reply(seq, "user_hash", nil)
				}
				return false
			}
		}
		reply(seq, "error", err.Error())
	case "verify":
		secret, userID, email, err := request(req)
		if err == nil {
			var presented string
			raw := req["user_hash"]
			if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &presented) != nil {
				// Non-string user_hash: still validate the inputs, then answer false.
				if _, _, err = UserHash(secret, userID, email); err == nil {
					reply(seq, "valid", false)
					return false
				}
			} else {
				var valid bool
				if valid, err = Verify(secret, userID, email, presented); err == nil {
					reply(seq, "valid", valid)
					return false
				}
			}
		}
		reply(seq, "error", err.Error())
	case "user_jwt":
		secret, err := secretOf(req)
		if err == nil {
			// UseNumber keeps every number's exact text (big integers, 1900000000.5).
			var claims map[string]any
			dec := json.NewDecoder(bytes.NewReader(req["claims"]))
			dec.UseNumber()
			if dec.Decode(&claims) != nil || claims == nil {
				err = errors.New("claims must be a JSON object")
			} else {
				var token string
				if token, err = UserJWT(secret, claims); err == nil {
					reply(seq, "jwt", token)
					return false
				}
			}
		}
		reply(seq, "error", err.Error())
	case "verify_jwt":
		secret, err := secretOf(req)
		if err == nil {
			var now int64
			if raw := bytes.TrimSpace(req["now"]); len(raw) == 0 || raw[0] == 'n' || json.Unmarshal(raw, &now) != nil {
				err = errors.New("now must be an integer number of seconds")
			} else {
				token, isString := jsonString(req["jwt"])
				if !isString {
					reply(seq, "valid", false) // not a string: not a valid token
					return false
				}
				var valid bool
				if valid, err = VerifyJWT(secret, token, now); err == nil {
					reply(seq, "valid", valid)
					return false
				}
			}
		}
		reply(seq, "error", err.Error())
	default:
		name := string(req["cmd"])
		if name == "" {
			name = "(missing cmd)"
		}
		reply(seq, "error", "unknown command "+name)
	}
	return false
}

func main() {
	in := bufio.NewReader(os.Stdin)
	for {
		line, err := in.ReadBytes('\n')
		if len(bytes.Trim(line, " \t\r\n")) > 0 && handle(line) {
			return
		}
		if err == io.EOF {
			return
		} else if err != nil {
			fmt.Fprintln(os.Stderr, "read error:", err)
			os.Exit(1)
		}
	}
}
