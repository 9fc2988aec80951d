#!/usr/bin/env python3
"""Recompute every expectation in the vector files with implementations that are not ours.

Each hash is recomputed twice, with Python's `hmac` and with the `openssl` command line; the
rules (which identifier is hashed, what is rejected) are re-implemented here from the README's
reference profile, independently of the Rust library that generated the files. The JWT files
are checked with PyJWT (every token the reference signs or accepts must decode there with the
same claims, and every forgery must fail there) and with a strict verifier written here from
PROTOCOL.md's rules.

usage: crosscheck.py VECTORS_DIR          exit 0 when every case agrees, 1 otherwise
"""
import base64
import binascii
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import warnings


def openssl_hmac(key: bytes, message: bytes) -> str:
    # hexkey: so that any key bytes (NUL, non-UTF-8) reach OpenSSL unchanged.
    out = subprocess.run(
        ["openssl", "dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:" + key.hex()],
        input=message,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return out.strip().split("= ")[-1]


def python_hmac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def select(inp):
    """The reference profile: returns ("error", class) or (identity, message or None)."""
    if inp["secret"] == "":
        return "error", "empty_secret"
    user_id, email = inp.get("user_id"), inp.get("email")
    if user_id is not None and (isinstance(user_id, bool) or not isinstance(user_id, (str, int))):
        return "error", "invalid_user_id_type"
    if email is not None and not isinstance(email, str):
        return "error", "invalid_email_type"
    if isinstance(user_id, int):
        return "user_id", str(user_id)
    if user_id:
        return "user_id", user_id
    if email:
        return "email", email
    return "none", None


class Checker:
    def __init__(self, use_openssl):
        self.use_openssl = use_openssl
        self.passed = 0
        self.failed = []

    def expect(self, case_id, what, expected, actual):
        if expected == actual:
            self.passed += 1
        else:
            self.failed.append(f"{case_id}: {what}: expected {expected!r}, got {actual!r}")

    def tag(self, case_id, key: bytes, message: bytes) -> str:
        ours = python_hmac(key, message)
        if self.use_openssl:
            self.expect(case_id, "openssl agrees with python hmac", ours, openssl_hmac(key, message))
        return ours


def check_generation(checker, suite):
    for case in suite["tests"]:
        inp, exp, cid = case["input"], case["expected"], case["id"]
        identity, message = select(inp)
        if identity == "error":
            checker.expect(cid, "error class", message, exp.get("error"))
            # The 401 principle: a rejection is mandatory only where a port would otherwise emit
            # a hash keyed with nothing (an empty secret for a user with an identifier).
            identified = any(inp.get(k) not in (None, "") for k in ("user_id", "email"))
            mandatory = inp["secret"] == "" and identified
            checker.expect(cid, "result of a rejected input", "invalid" if mandatory else "acceptable", case["result"])
            continue
        checker.expect(cid, "identity", identity, exp.get("identity"))
        checker.expect(cid, "message", message, exp.get("message"))
        encoded = None if message is None else message.encode("utf-8").hex()
        checker.expect(cid, "message_utf8_hex", encoded, exp.get("message_utf8_hex"))
        want = None if message is None else checker.tag(cid, inp["secret"].encode("utf-8"), message.encode("utf-8"))
        checker.expect(cid, "user_hash", want, exp.get("user_hash"))


def check_verify(checker, suite):
    for case in suite["tests"]:
        inp, cid = case["input"], case["id"]
        identity, message = select(inp)
        if identity == "error":
            checker.failed.append(f"{cid}: verification cases must use valid input")
            continue
        valid = False
        if message is not None:
            want = checker.tag(cid, inp["secret"].encode("utf-8"), message.encode("utf-8"))
            valid = hmac.compare_digest(want.encode(), inp["user_hash"].encode("utf-8"))
        checker.expect(cid, "valid", valid, case["expected"]["valid"])
        allowed = ("valid",) if valid else ("invalid", "acceptable")
        checker.expect(cid, f"result is one of {allowed}", True, case["result"] in allowed)


def check_hmac(checker, suite):
    for case in suite["tests"]:
        inp, cid = case["input"], case["id"]
        tag = checker.tag(cid, bytes.fromhex(inp["key_hex"]), bytes.fromhex(inp["message_hex"]))
        checker.expect(cid, "tag", tag[: inp["tag_bits"] // 4], case["expected"]["tag_hex"])


# --- Messenger-security JWTs ---------------------------------------------------------------

LEEWAY = 60
MAX_TOKEN = 8192
B64URL = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def b64url_decode(segment):
    """Strict base64url without padding; None when not canonical."""
    if not set(segment) <= B64URL or len(segment) % 4 == 1:
        return None
    raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    if base64.urlsafe_b64encode(raw).decode().rstrip("=") != segment:
        return None  # non-zero unused bits
    return raw


def unique_object(raw):
    """A JSON object with distinct top-level keys, or an error class."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "malformed_json"

    def pairs(items):
        keys = [k for k, _ in items]
        if len(keys) != len(set(keys)):
            raise KeyError("duplicate")
        return dict(items)

    try:
        # Only the top level must be unique; nested duplicates are the parser's business, so
        # check the top level with a hook that knows its depth.
        depth_first = json.loads(text, object_pairs_hook=lambda items: ("obj", items))
    except (ValueError, RecursionError):
        return "malformed_json"
    if not (isinstance(depth_first, tuple) and depth_first[0] == "obj"):
        return "malformed_json"
    try:
        pairs(depth_first[1])
    except KeyError:
        return "duplicate_key"
    return json.loads(text)


def strict_verify(secret, token, now):
    """PROTOCOL.md §5, written from the text: None when valid, else an error class."""
    if len(token.encode("utf-8")) > MAX_TOKEN:
        return "token_too_large"
    parts = token.split(".")
    if len(parts) != 3:
        return "malformed_token"
    header_raw = b64url_decode(parts[0])
    if header_raw is None:
        return "malformed_base64"
    header = unique_object(header_raw)
    if isinstance(header, str):
        return header
    if not (isinstance(header.get("alg"), str) and header["alg"] == "HS256"):
        return "algorithm_not_allowed"
    if "crit" in header:
        return "unknown_critical_header"
    payload_raw = b64url_decode(parts[1])
    signature = b64url_decode(parts[2])
    if payload_raw is None or signature is None:
        return "malformed_base64"
    want = hmac.new(secret.encode("utf-8"), (parts[0] + "." + parts[1]).encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(want, signature):
        return "bad_signature"
    claims = unique_object(payload_raw)
    if isinstance(claims, str):
        return claims
    user_id = claims.get("user_id")
    if user_id is None or user_id == "":
        return "missing_user_id"
    if not isinstance(user_id, str):
        return "invalid_user_id_type"
    for name in ("exp", "nbf"):
        if name in claims and (isinstance(claims[name], bool) or not isinstance(claims[name], (int, float))):
            return "invalid_time_claim"
    if "exp" in claims and now >= claims["exp"] + LEEWAY:
        return "expired"
    if "nbf" in claims and now + LEEWAY < claims["nbf"]:
        return "not_yet_valid"
    return None


def pyjwt_claims(secret, token):
    """PyJWT's reading of a token with HS256 pinned and times left to the caller; None if refused."""
    import jwt  # PyJWT

    try:
        with warnings.catch_warnings():
            # The suite's secrets are short public test material; PyJWT warns about that.
            warnings.simplefilter("ignore")
            return jwt.decode(token, secret, algorithms=["HS256"],
                              options={"verify_exp": False, "verify_nbf": False, "verify_iat": False})
    except jwt.PyJWTError:
        return None


def signing_rule(inp):
    """What the reference profile signs for these claims, or an error class."""
    if inp["secret"] == "":
        return "error", "empty_secret"
    claims = dict(inp["claims"])
    user_id = claims.get("user_id")
    if user_id is None or user_id == "":
        return "error", "missing_user_id"
    if isinstance(user_id, bool) or not isinstance(user_id, (str, int)):
        return "error", "invalid_user_id_type"
    claims["user_id"] = str(user_id)
    return "claims", claims


def check_jwt(checker, suite):
    for case in suite["tests"]:
        inp, exp, cid = case["input"], case["expected"], case["id"]
        kind, want = signing_rule(inp)
        if kind == "error":
            checker.expect(cid, "error class", want, exp.get("error"))
            mandatory = want in ("empty_secret", "missing_user_id")
            checker.expect(cid, "result of a refused input", "invalid" if mandatory else "acceptable", case["result"])
            continue
        checker.expect(cid, "claims", want, exp.get("claims"))
        token = exp["jwt"]
        header_b64, payload_b64, signature_b64 = token.split(".")
        checker.expect(cid, "header", exp["header"], json.loads(b64url_decode(header_b64)))
        checker.expect(cid, "header alg", "HS256", exp["header"].get("alg"))
        checker.expect(cid, "payload", want, json.loads(b64url_decode(payload_b64)))
        tag = checker.tag(cid, inp["secret"].encode("utf-8"), (header_b64 + "." + payload_b64).encode())
        checker.expect(cid, "signature", tag, b64url_decode(signature_b64).hex())
        checker.expect(cid, "PyJWT reads the same claims", want, pyjwt_claims(inp["secret"], token))


def check_jwt_verify(checker, suite):
    for case in suite["tests"]:
        inp, exp, cid = case["input"], case["expected"], case["id"]
        error = strict_verify(inp["secret"], inp["jwt"], inp["now"])
        checker.expect(cid, "valid", error is None, exp["valid"])
        checker.expect(cid, "error class", error, exp.get("error"))
        allowed = {"valid": (True,), "invalid": (False,), "acceptable": (True, False)}[case["result"]]
        checker.expect(cid, f"result {case['result']} fits", True, exp["valid"] in allowed)
        # PyJWT, an implementation that is not ours: everything the reference accepts it
        # accepts with the same user_id; every forgery (a bad signature or alg none) it refuses.
        theirs = pyjwt_claims(inp["secret"], inp["jwt"])
        if exp["valid"]:
            checker.expect(cid, "PyJWT accepts it", True, theirs is not None and theirs.get("user_id") is not None)
        if error in ("bad_signature",) or "AlgNone" in case["flags"]:
            checker.expect(cid, "PyJWT refuses it", None, theirs)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    vectors = sys.argv[1]
    use_openssl = shutil.which("openssl") is not None
    if not use_openssl and os.environ.get("CI") == "true":
        print("error: openssl is not installed (required under CI=true)", file=sys.stderr)
        return 1
    try:
        import jwt  # noqa: F401  (PyJWT, an oracle for the JWT files)
    except ImportError:
        print("error: PyJWT is not installed (python3 -m pip install pyjwt)", file=sys.stderr)
        return 1
    checker = Checker(use_openssl)
    for name, check in [("user_hash.json", check_generation), ("user_hash_verify.json", check_verify),
                        ("hmac_sha256.json", check_hmac), ("user_jwt.json", check_jwt),
                        ("user_jwt_verify.json", check_jwt_verify)]:
        with open(os.path.join(vectors, name), encoding="utf-8") as handle:
            check(checker, json.load(handle))
    for failure in checker.failed:
        print("FAIL " + failure)
    oracles = "python hmac, PyJWT and openssl" if use_openssl else "python hmac and PyJWT (openssl missing)"
    print(f"crosscheck ({oracles}): {checker.passed} passed, {len(checker.failed)} failed")
    return 1 if checker.failed else 0


if __name__ == "__main__":
    sys.exit(main())
