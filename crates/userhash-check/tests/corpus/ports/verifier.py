"""Verifiers: ports whose user_hash is right and whose verify is wrong.

Each function is `verify(secret, user_id, email, presented) -> bool`, written as a server-side
check of a presented hash would be; the adapter serves the correct user_hash next to it.
"""
import base64
import hashlib
import hmac

from registry import correct_user_hash, port, verify_probe


def _expected(secret, user_id, email):
    """What the verifier recomputes (correctly, unless its habit says otherwise)."""
    if user_id is not None and user_id != "":
        identifier = str(user_id)
    elif email:
        identifier = email
    else:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("verify-stub-true", stages=["verifier"], verifier=True,
      habit="`def verify(...): return True  # TODO` left from development",
      fair=["VERIFIER_ACCEPTS_ANYTHING"], status="mandatory",
      reveals=["verify-wrong-user", "verify-email-hash-with-user-id"])
def verify_stub_true(secret, user_id, email, presented):
    return True


@port("verify-hash-present", stages=["verifier"], verifier=True,
      habit="the middleware only checks that a user_hash was sent: `bool(request.user_hash)`",
      fair=["VERIFIER_ACCEPTS_ANYTHING"], status="mandatory",
      reveals=["verify-wrong-user", "verify-base64"])
def verify_hash_present(secret, user_id, email, presented):
    return bool(presented)


@port("verify-strncmp-presented-length", stages=["verifier"], verifier=True,
      habit="C `strncmp(expected, presented, strlen(presented)) == 0`: any prefix, even an "
            "empty one, matches",
      fair=["VERIFIER_ACCEPTS_PREFIX", "VERIFIER_COMPARES_PREFIX", "VERIFIER_ACCEPTS_OVERLONG"], target=["VERIFIER_ACCEPTS_PREFIX"], status="mandatory",
      reveals=["verify-truncated-32", "verify-empty"])
def verify_strncmp_presented_length(secret, user_id, email, presented):
    expected = _expected(secret, user_id, email)
    return expected is not None and expected.startswith(presented)


@port("verify-strncmp-64", stages=["verifier"], verifier=True,
      habit="C `strncmp(expected, presented, 64) == 0`: anything after the 64th character is "
            "ignored",
      fair=["VERIFIER_ACCEPTS_PREFIX", "VERIFIER_COMPARES_PREFIX", "VERIFIER_ACCEPTS_OVERLONG"], target=["VERIFIER_ACCEPTS_OVERLONG"],
      status="mandatory", reveals=["verify-over-long", "verify-trailing-newline"])
def verify_strncmp_64(secret, user_id, email, presented):
    expected = _expected(secret, user_id, email)
    return expected is not None and presented[:64] == expected


@port("verify-first-16", stages=["verifier"], verifier=True,
      habit="a session cookie keeps 16 characters of the hash, and the verifier compares those",
      fair=["VERIFIER_ACCEPTS_PREFIX", "VERIFIER_COMPARES_PREFIX", "VERIFIER_ACCEPTS_OVERLONG"], target=["VERIFIER_COMPARES_PREFIX"],
      status="mandatory", reveals=["verify-flipped-bit-middle", "verify-truncated-32"])
def verify_first_16(secret, user_id, email, presented):
    expected = _expected(secret, user_id, email)
    return expected is not None and presented[:16] == expected[:16]


@port("verify-python-in", stages=["verifier"], verifier=True,
      habit="Python `presented in expected`, meant as ==: any substring matches",
      fair=["VERIFIER_ACCEPTS_PREFIX", "VERIFIER_COMPARES_PREFIX", "VERIFIER_ACCEPTS_OVERLONG"], target=["VERIFIER_ACCEPTS_PREFIX (substring)"],
      status="mandatory", reveals=["verify-truncated-63", "verify-empty"])
def verify_python_in(secret, user_id, email, presented):
    expected = _expected(secret, user_id, email)
    return expected is not None and presented in expected


@port("verify-case-insensitive", stages=["verifier"], verifier=True,
      habit="`presented.lower() == expected`, to accept the uppercase the old SDK sent",
      fair=["VERIFIER_IGNORES_CASE"], status="acceptable-only", reveals=["verify-uppercase"])
def verify_case_insensitive(secret, user_id, email, presented):
    expected = _expected(secret, user_id, email)
    return expected is not None and hmac.compare_digest(presented.lower().encode(),
                                                        expected.encode())


@port("verify-strips-presented", stages=["verifier"], verifier=True,
      habit="`presented.strip()` before comparing, because a client sent a newline once",
      fair=["VERIFIER_STRIPS_INPUT"], status="mandatory",
      reveals=["verify-trailing-newline", "verify-surrounding-spaces"])
def verify_strips_presented(secret, user_id, email, presented):
    expected = _expected(secret, user_id, email)
    return expected is not None and hmac.compare_digest(presented.strip().encode(),
                                                        expected.encode())


@port("verify-node-buffer-hex", stages=["verifier"], verifier=True,
      habit="Node `Buffer.from(presented, \"hex\").equals(Buffer.from(expected, \"hex\"))`: "
            "decoding stops at the first bad pair and drops a dangling digit",
      fair=["VERIFIER_LENIENT_HEX"], target=["VERIFIER_LENIENT_HEX (node)"], status="mandatory",
      reveals=["verify-over-long", "verify-trailing-newline"])
def verify_node_buffer_hex(secret, user_id, email, presented):
    def buffer_from_hex(text):
        digits = "0123456789abcdefABCDEF"
        out = bytearray()
        for i in range(0, len(text) - 1, 2):
            if text[i] not in digits or text[i + 1] not in digits:
                break
            out.append(int(text[i:i + 2], 16))
        return bytes(out)
    expected = _expected(secret, user_id, email)
    return expected is not None and buffer_from_hex(presented) == buffer_from_hex(expected)


@port("verify-python-fromhex", stages=["verifier"], verifier=True,
      habit="`bytes.fromhex(presented) == mac.digest()`: fromhex skips whitespace between pairs",
      fair=["VERIFIER_LENIENT_HEX", "VERIFIER_STRIPS_INPUT"], target=["VERIFIER_LENIENT_HEX (python)"],
      status="mandatory", reveals=["verify-surrounding-spaces", "verify-trailing-newline"])
def verify_python_fromhex(secret, user_id, email, presented):
    expected = _expected(secret, user_id, email)
    if expected is None:
        return False
    try:
        return hmac.compare_digest(bytes.fromhex(presented), bytes.fromhex(expected))
    except ValueError:
        return False


@port("verify-int-compare", stages=["verifier"], verifier=True,
      habit="`int(presented, 16) == int(expected, 16)` \"to ignore formatting\": lost zeros, "
            "case and surrounding whitespace all pass",
      fair=["VERIFIER_NUMERIC_COMPARE"], status="mandatory",
      reveals=["verify-dropped-leading-zeros", "verify-surrounding-spaces"])
def verify_int_compare(secret, user_id, email, presented):
    expected = _expected(secret, user_id, email)
    if expected is None:
        return False
    try:
        return int(presented, 16) == int(expected, 16)
    except ValueError:
        return False


@port("verify-skips-unidentified", stages=["verifier"], verifier=True,
      habit="\"identity verification does not apply to unidentified users\", read as: accept "
            "whatever they send",
      fair=["VERIFIER_SKIPS_UNIDENTIFIED", "HASH_FOR_UNIDENTIFIED"], status="mandatory",
      reveals=["verify-unidentified", "verify-stringified-null"])
def verify_skips_unidentified(secret, user_id, email, presented):
    expected = _expected(secret, user_id, email)
    if expected is None:
        return True
    return hmac.compare_digest(presented.encode(), expected.encode())


@port("verify-hash-optional", stages=["verifier"], verifier=True,
      habit="rolling out verification: `if not presented: return True`, so an empty hash passes",
      fair=["VERIFIER_ACCEPTS_EMPTY"], status="mandatory", reveals=["verify-empty"])
def verify_hash_optional(secret, user_id, email, presented):
    if not presented:
        return True
    expected = _expected(secret, user_id, email)
    return expected is not None and hmac.compare_digest(presented.encode(), expected.encode())


@port("verify-accepts-legacy-base64", stages=["verifier"], verifier=True,
      habit="a migration: the hex hash or the base64 one the old client sent are both accepted",
      fair=["VERIFIER_ACCEPTS_OTHER_FORMAT"], status="mandatory", reveals=["verify-base64"])
def verify_accepts_legacy_base64(secret, user_id, email, presented):
    expected = _expected(secret, user_id, email)
    if expected is None:
        return False
    legacy = base64.b64encode(bytes.fromhex(expected)).decode()
    return presented in (expected, legacy)


@port("verify-timingsafeequal-throws", stages=["verifier"], verifier=True,
      habit="Node `crypto.timingSafeEqual(Buffer.from(presented), Buffer.from(expected))` throws "
            "a RangeError on unequal lengths, and the error is passed on",
      evidence="crypto.timingSafeEqual throws on unequal lengths",
      fair=["VERIFIER_ERRORS_INSTEAD_OF_REFUSING"], status="mandatory",
      reveals=["verify-truncated-32", "verify-empty"])
def verify_timingsafeequal_throws(secret, user_id, email, presented):
    expected = _expected(secret, user_id, email)
    if expected is None:
        return False
    a, b = presented.encode(), expected.encode()
    if len(a) != len(b):
        raise ValueError("RangeError [ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH]: Input buffers must "
                         "have the same byte length")
    return hmac.compare_digest(a, b)


@port("verify-go-hex-decode-error", stages=["verifier"], verifier=True,
      habit="Go `got, err := hex.DecodeString(presented); if err != nil { return false, err }`: "
            "a malformed hash is an error, not a refusal",
      fair=["VERIFIER_ERRORS_INSTEAD_OF_REFUSING"], status="mandatory",
      reveals=["verify-not-hex", "verify-truncated-63"])
def verify_go_hex_decode_error(secret, user_id, email, presented):
    expected = _expected(secret, user_id, email)
    if expected is None:
        return False
    if len(presented) % 2:
        raise ValueError("encoding/hex: odd length hex string")
    bad = next((c for c in presented if c not in "0123456789abcdefABCDEF"), None)
    if bad is not None:
        raise ValueError(f"encoding/hex: invalid byte: U+{ord(bad):04X}")
    return hmac.compare_digest(bytes.fromhex(presented), bytes.fromhex(expected))


@port("verify-email-when-present", stages=["verifier"], verifier=True,
      habit="the verifier was written apart from the signer and hashes the email whenever one is "
            "sent",
      fair=["EMAIL_WHEN_USER_ID_PRESENT"], status="mandatory",
      reveals=["verify-email-hash-with-user-id", "verify-correct-user-id-and-email"])
def verify_email_when_present(secret, user_id, email, presented):
    identifier = email or (str(user_id) if user_id not in (None, "") else None)
    if identifier is None:
        return False
    expected = hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(presented.encode(), expected.encode())


@port("verify-either-identifier", stages=["verifier"], verifier=True,
      habit="\"be lenient\": a hash of the user_id or of the email is accepted",
      fair=["EMAIL_WHEN_USER_ID_PRESENT"], target=["EMAIL_WHEN_USER_ID_PRESENT (verifier)"],
      status="mandatory", reveals=["verify-email-hash-with-user-id"])
def verify_either_identifier(secret, user_id, email, presented):
    candidates = [str(v) for v in (user_id, email) if v not in (None, "")]
    return any(hmac.compare_digest(presented.encode(),
                                   hmac.new(secret.encode(), c.encode(),
                                            hashlib.sha256).hexdigest().encode())
               for c in candidates)


@port("verify-expects-uppercase", stages=["verifier"], verifier=True,
      habit="the verifier compares with `expected.upper()`, matching what the old SDK sent",
      fair=["UPPERCASE_HEX"], status="mandatory", reveals=["verify-correct-user-id"])
def verify_expects_uppercase(secret, user_id, email, presented):
    expected = _expected(secret, user_id, email)
    return expected is not None and hmac.compare_digest(presented.encode(),
                                                        expected.upper().encode())


@port("verify-trims-identifiers", stages=["verifier"], verifier=True,
      habit="the verifier reads the identifiers from a form and `.strip()`s them; the signer "
            "does not",
      fair=["TRIMMED_INPUT"], status="mandatory",
      reveals=["verify-hash-of-trimmed-user-id"])
def verify_trims_identifiers(secret, user_id, email, presented):
    uid = user_id.strip() if isinstance(user_id, str) else user_id
    mail = email.strip() if isinstance(email, str) else email
    expected = _expected(secret, uid, mail)
    return expected is not None and hmac.compare_digest(presented.encode(), expected.encode())
