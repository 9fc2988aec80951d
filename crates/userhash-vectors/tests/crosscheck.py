#!/usr/bin/env python3
"""Recompute every expectation in the vector files with implementations that are not ours.

Each hash is recomputed twice, with Python's `hmac` and with the `openssl` command line; the
rules (which identifier is hashed, what is rejected) are re-implemented here from the README's
reference profile, independently of the Rust library that generated the files.

usage: crosscheck.py VECTORS_DIR          exit 0 when every case agrees, 1 otherwise
"""
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys


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


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    vectors = sys.argv[1]
    use_openssl = shutil.which("openssl") is not None
    if not use_openssl and os.environ.get("CI") == "true":
        print("error: openssl is not installed (required under CI=true)", file=sys.stderr)
        return 1
    checker = Checker(use_openssl)
    for name, check in [("user_hash.json", check_generation), ("user_hash_verify.json", check_verify),
                        ("hmac_sha256.json", check_hmac)]:
        with open(os.path.join(vectors, name), encoding="utf-8") as handle:
            check(checker, json.load(handle))
    for failure in checker.failed:
        print("FAIL " + failure)
    oracles = "python hmac and openssl" if use_openssl else "python hmac only (openssl missing)"
    print(f"crosscheck ({oracles}): {checker.passed} passed, {len(checker.failed)} failed")
    return 1 if checker.failed else 0


if __name__ == "__main__":
    sys.exit(main())
