#!/usr/bin/env python3
"""userhash reference port for Python (standard library only).

Section 1 is the rule itself -- the part an implementer copies.
Section 2 is the glue for the userhash-check adapter protocol v1
(newline-delimited JSON on stdin/stdout).
"""
import hashlib
import hmac
import json
import platform
import re
import sys

# ---------------------------------------------------------------------------
# 1. Reference implementation
# ---------------------------------------------------------------------------


def _identifier(name, value):
    """The identifier as text, or None when absent (missing, None or "")."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value  # byte for byte: no trimming, case folding or normalisation
    if name == "user_id" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # plain decimal digits: "42", "-7", "0"
    kind = "a string or an integer" if name == "user_id" else "a string"
    raise ValueError(f"{name} must be {kind}, got {type(value).__name__}")


def user_hash(secret, user_id=None, email=None):
    """Lowercase hex HMAC-SHA256 of the user_id (else the email); None if unidentified."""
    if not isinstance(secret, str) or secret == "":
        raise ValueError("secret must be a non-empty string")
    uid = _identifier("user_id", user_id)
    mail = _identifier("email", email)
    identity = uid if uid is not None else mail
    if identity is None:
        return None
    # str.encode("utf-8") rejects lone surrogates, which have no UTF-8 form.
    key, msg = secret.encode("utf-8"), identity.encode("utf-8")
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def verify(secret, user_id, email, presented):
    """True iff `presented` is exactly the lowercase hex user_hash (constant time)."""
    expected = user_hash(secret, user_id, email)
    if expected is None or not isinstance(presented, str):
        return False
    return hmac.compare_digest(expected.encode(), presented.encode("utf-8", "surrogatepass"))


# ---------------------------------------------------------------------------
# 2. Adapter protocol v1 glue
# ---------------------------------------------------------------------------


def handle(req):
    """One reply (a dict) for one request, or None for "stop"."""
    cmd = req.get("cmd")
    if cmd == "start":
        if type(req.get("protocol")) is not int or req["protocol"] != 1:
            return {"ok": False, "error": f"unsupported protocol version {json.dumps(req.get('protocol'))}"}
        return {"ok": True, "implementation": {
            "name": "userhash-python", "language": "python",
            "version": platform.python_version(),
            "homepage": "https://github.com/userhash/userhash", "features": ["verify"]}}
    if cmd == "stop":
        return None
    reply = {"seq": req["seq"]} if "seq" in req else {}
    try:
        args = (req.get("secret"), req.get("user_id"), req.get("email"))
        if cmd == "user_hash":
            reply["user_hash"] = user_hash(*args)
        elif cmd == "verify":
            reply["valid"] = verify(*args, req.get("user_hash"))
        else:
            reply["error"] = f"unknown command {json.dumps(cmd)}"
    except ValueError as e:
        reply["error"] = str(e)
    return reply


def main():
    if hasattr(sys, "set_int_max_str_digits"):
        sys.set_int_max_str_digits(0)  # hash arbitrarily long integer ids exactly
    for raw in sys.stdin.buffer:
        if not raw.strip():
            continue
        try:
            req = json.loads(raw.decode("utf-8"))
            if not isinstance(req, dict):
                raise ValueError("request is not a JSON object")
        except (ValueError, RecursionError) as e:
            req, reply = None, {"error": f"malformed request: {e}"}
            m = re.search(rb'"seq"\s*:\s*(\d+)', raw)  # best effort, keeps replies matchable
            if m:
                reply["seq"] = int(m.group(1))
        if req is not None:
            reply = handle(req)
            if reply is None:
                return 0
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
