#!/usr/bin/env python3
"""userhash reference port for Python (standard library only).

Section 1 is the rule itself -- the part an implementer copies.
Section 2 is the glue for the userhash-check adapter protocol v1
(newline-delimited JSON on stdin/stdout).
"""
import base64
import hashlib
import hmac
import json
import math
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


# Messenger-security JWTs (HS256): the token that replaces the user hash.

JWT_HEADER = {"alg": "HS256", "typ": "JWT"}
JWT_MAX_LEN = 8192  # bytes: a longer token is refused before anything is decoded
JWT_LEEWAY = 60  # seconds of clock skew tolerated on exp and nbf
JSON_MAX_DEPTH = 128  # nesting refused at this depth, as strict parsers do (json allows ~1000)

_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _b64url(data):
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(segment):
    """The bytes of a base64url segment, or None unless it is canonical and unpadded."""
    # urlsafe_b64decode alone would skip whitespace and stray characters and accept '+', '/' and '='.
    if not _B64URL.fullmatch(segment) or len(segment) % 4 == 1:
        return None
    data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    # A last character with non-zero unused bits decodes to the same bytes; only one re-encodes.
    return data if _b64url(data) == segment else None


def _json_bytes(value):
    """Compact UTF-8 JSON; NaN, infinities and lone surrogates raise ValueError."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.encode("utf-8")


def user_jwt(secret, claims):
    """An HS256 user JWT for `claims` (a dict): user_id required, every other claim signed as given."""
    if not isinstance(secret, str) or secret == "":
        raise ValueError("secret must be a non-empty string")
    if not isinstance(claims, dict):
        raise ValueError("claims must be an object")
    user_id = _identifier("user_id", claims.get("user_id"))  # digits for an integer, as user_hash
    if user_id is None:
        raise ValueError("user_id is missing or empty (a JWT needs one)")
    payload = {**claims, "user_id": user_id}  # same key order, user_id as a string
    signing_input = _b64url(_json_bytes(JWT_HEADER)) + "." + _b64url(_json_bytes(payload))
    tag = hmac.new(secret.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + _b64url(tag)


class _JsonObject(dict):
    """A decoded JSON object that remembers whether a key appeared twice."""

    repeated_key = False


def _json_object_pairs(pairs):
    obj = _JsonObject(pairs)
    obj.repeated_key = len(obj) != len(pairs)  # dict() would silently keep the last one
    return obj


def _finite_float(text):
    value = float(text)
    if math.isinf(value):  # 1e999 would be inf: an exp that never comes
        raise ValueError("number out of range")
    return value


def _bounded_int(text):
    value = int(text)
    float(value)  # OverflowError beyond the double range, which other JSON parsers refuse
    return value


def _not_json(name):
    raise ValueError(f"{name} is not JSON")  # json accepts NaN and Infinity unless told not to


def _well_formed(value, depth=1):
    """True iff every string inside (keys too) is valid Unicode -- json accepts a lone "\\ud800"
    -- and no array or object is nested JSON_MAX_DEPTH deep."""
    if isinstance(value, str):
        return not _SURROGATE.search(value)
    if isinstance(value, (list, dict)) and depth >= JSON_MAX_DEPTH:
        return False
    if isinstance(value, list):
        return all(_well_formed(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(_well_formed(k) and _well_formed(v, depth + 1) for k, v in value.items())
    return True


def _json_object(data):
    """The dict a segment holds, or None unless it is a UTF-8 JSON object with distinct keys."""
    try:
        # Decode first: json.loads(bytes) would also guess UTF-16 and UTF-32.
        obj = json.loads(data.decode("utf-8"), object_pairs_hook=_json_object_pairs,
                         parse_float=_finite_float, parse_int=_bounded_int, parse_constant=_not_json)
        if type(obj) is _JsonObject and not obj.repeated_key and _well_formed(obj):
            return obj
    except (ValueError, OverflowError, RecursionError):  # UnicodeDecodeError is a ValueError
        pass
    return None


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def verify_jwt(secret, token, now):
    """True iff `token` is a valid HS256 user JWT for `secret` at `now` (Unix seconds)."""
    if not isinstance(secret, str) or secret == "":
        raise ValueError("secret must be a non-empty string")
    if not _is_number(now):
        raise ValueError("now must be a number of seconds")
    key = secret.encode("utf-8")
    # Only base64url and dots are valid, all ASCII: characters are bytes.
    if not isinstance(token, str) or not token.isascii() or len(token) > JWT_MAX_LEN:
        return False
    segments = token.split(".")
    if len(segments) != 3:
        return False
    decoded = [_b64url_decode(segment) for segment in segments]
    if None in decoded:
        return False
    header = _json_object(decoded[0])
    # The algorithm is pinned, never taken from the header: "none", "HS512", "hs256" are refused,
    # and so are critical extensions (crit), none of which is implemented here.
    if header is None or header.get("alg") != "HS256" or "crit" in header:
        return False
    signing_input = (segments[0] + "." + segments[1]).encode("ascii")  # exactly as sent
    expected = hmac.new(key, signing_input, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, decoded[2]):
        return False
    claims = _json_object(decoded[1])  # read only once the signature is known good
    if claims is None:
        return False
    user_id = claims.get("user_id")
    if not isinstance(user_id, str) or user_id == "":  # a number is not accepted here
        return False
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if ("exp" in claims and not _is_number(exp)) or ("nbf" in claims and not _is_number(nbf)):
        return False  # a string, boolean or null exp must not mean "never expires"
    if exp is not None and now >= exp + JWT_LEEWAY:
        return False
    if nbf is not None and now + JWT_LEEWAY < nbf:
        return False
    return True


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
            "homepage": "https://github.com/userhash/userhash", "features": ["verify", "jwt", "verify_jwt"]}}
    if cmd == "stop":
        return None
    reply = {"seq": req["seq"]} if "seq" in req else {}
    try:
        args = (req.get("secret"), req.get("user_id"), req.get("email"))
        if cmd == "user_hash":
            reply["user_hash"] = user_hash(*args)
        elif cmd == "verify":
            reply["valid"] = verify(*args, req.get("user_hash"))
        elif cmd == "user_jwt":
            reply["jwt"] = user_jwt(req.get("secret"), req.get("claims"))
        elif cmd == "verify_jwt":
            reply["valid"] = verify_jwt(req.get("secret"), req.get("jwt"), req.get("now"))
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
