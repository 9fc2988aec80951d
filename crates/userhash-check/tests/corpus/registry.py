"""The registry of the diagnosis corpus: every wrong port, what it imitates, and its fair names.

A port is one function, registered with the `port` decorator:

    @port("email-first", stages=["selection"], fair=["EMAIL_WHEN_USER_ID_PRESENT"],
          status="mandatory", reveals=["user-id-and-email"],
          habit="`email || userId`: the email is tried first", evidence="...")
    def email_first(secret, user_id, email): ...

A `user_hash` port returns the hash it would send (a string) or None (no hash), and raises
ValueError to reject an input. A verifier port (`verifier=True`) is
`verify(secret, user_id, email, presented) -> bool`; its user_hash is the correct one
(`correct_user_hash`), so only its verify is wrong.

Standard library only, and written apart from the checker's Rust catalogue
(crates/userhash-mistakes): the ports imitate how people port the rule, not how the checker
recomputes a mistake. Nothing here imports or mirrors that code.
"""
import hashlib
import hmac

# The stages of issue 10: every port exercises one or more. A combination port lists the stages of
# both of its mistakes and "combination".
STAGES = {
    "selection": "selection and absence: which identifier, what counts as absent, stringified absences",
    "rendering": "identifier rendering: integers as other languages print them, JSON-stringified ids",
    "text": "text transforms: case, trimming, line ends and controls, invisible characters, "
            "normalisation, escaping, length cuts",
    "encoding": "encodings of the message and of the secret",
    "key": "key handling and hand-written HMACs",
    "digest": "digest and construction",
    "output": "output: case, length, zeros, separators and prefixes, other encodings",
    "verifier": "verifiers: user_hash right, verify wrong",
    "combination": "two mistakes at once, as real code makes them",
}

STATUSES = {
    "mandatory": "fails some valid or invalid case of the suite: the run is not conformant",
    "acceptable-only": "deviates only on acceptable cases: the run conforms, with warnings",
    "uncaught": "the current vectors cannot catch it (a finding about the suite, with the reason)",
}

# Names the diagnosis engine will add: a fair name for a mistake today's catalogue has no name
# for. A name the catalogue gains leaves this list (the registry test says when). Today they are
# all names of held-out ports (ports/held_out.py), whose habits the catalogue has no name for.
PLANNED_NAMES = {
    # selection
    "IDENTIFIERS_CONCATENATED": "Both identifiers signed together (`user_id:email`) when both "
                                "are known, instead of the user_id alone.",
    # rendering
    "OPTIONAL_WRAPPER_RENDERED": "An optional's debug description hashed: Swift's "
                                 "`\"\\(userId)\"` gives `Optional(\"42\")`, Java's "
                                 "`Optional.toString()` `Optional[42]`.",
    "INTEGER_ID_AS_BINARY": "An integer user_id hashed as its fixed-width binary (8 big-endian "
                            "bytes, Go's `binary.Write`) instead of its decimal digits.",
    # text
    "PUNYCODE_DOMAIN": "The email's non-ASCII domain converted to its punycode (xn--) form "
                       "before hashing (`punycode.toASCII(email)`, `IDN.toASCII`).",
    "SUPPLEMENTARY_CHARACTER_CUT": "The identifier cut at its first character outside the BMP "
                                   "(a MySQL utf8mb3 column written in non-strict mode).",
    "LINE_BREAKS_REPLACED": "CR and LF in the identifier replaced by `_` (a log-forging "
                            "defence applied to the value).",
    "WHITESPACE_REMOVED": "Every whitespace character removed from the identifier "
                          "(`replaceAll(\"\\\\s+\", \"\")`), inside as well as at the ends.",
    "SPACE_PADDED_INPUT": "The identifier blank-padded to a fixed width (a `CHAR(n)` column "
                          "read back), or refused when longer.",
    # encoding
    "UTF32_ENCODED": "The identifier encoded as UTF-32LE (a `std::wstring`'s bytes where "
                     "`wchar_t` is 4 bytes).",
    "SECRET_DOUBLE_UTF8_ENCODED": "The secret's UTF-8 bytes read as Latin-1 and encoded to "
                                  "UTF-8 again (a Java .properties file loaded as ISO 8859-1).",
    # key
    "SECRET_JSON_DOCUMENT": "The whole key/value document of a secret store (AWS Secrets "
                            "Manager's SecretString) used as the key instead of the secret in it.",
    "SECRET_BASE64_ENCODED": "The key is the base64 text of the secret (a Kubernetes manifest's "
                             "`data:` value used as is).",
    "SECRET_INTERPOLATED": "The secret went through variable interpolation (Docker Compose, a "
                           "shell, dotenv): `$name` replaced by an unset variable, `$$` by `$`.",
    # digest
    "MESSAGE_NOT_HASHED": "The HMAC finished without the identifier fed in (`doFinal()` with "
                          "no bytes): every user gets the HMAC of the empty string.",
    "HMAC_APPLIED_TWICE": "The HMAC's hex signed again with the same secret (a helper's "
                          "result passed through the signer a second time).",
    "JWT_INSTEAD_OF_HASH": "An HS256 JWT of the identifier (Messenger security's "
                           "`intercom_user_jwt`) sent as the user_hash.",
    "KEYED_HASH_NOT_HMAC": "A keyed hash used instead of HMAC-SHA256 (BLAKE2's `key=`, KMAC): "
                           "the same length, another function.",
    "MESSAGE_LABELLED": "The identifier signed with its field name, as query-string signing "
                        "does (`user_id=...`, `email=...`).",
    # output
    "DIGEST_BUFFER_OVERREAD": "The whole digest buffer printed (OpenSSL's EVP_MAX_MD_SIZE, 64 "
                              "bytes) rather than the tag's 32: the hex plus 64 zeros.",
    "QUOTED_HASH": "The hash sent with the quotes of its JSON literal (`to_json` written into "
                   "an HTML attribute and read back).",
    # verifier
    "VERIFIER_TYPE_JUGGLING": "A verifier comparing with a loose `==` (PHP): a presented JSON "
                              "`true` equals any expected hash, \"\" equals the null of an "
                              "unidentified user.",
    "VERIFIER_CACHES_SUCCESS": "A verifier that remembers a user once verified (a session flag) "
                               "and accepts any later hash for that user.",
}

PORTS = []  # every registered Port, in registration order
_NAMES = set()


class Undefined:
    """A field absent from the request, for ports that tell it from null (JavaScript)."""

    def __repr__(self):
        return "undefined"


UNDEFINED = Undefined()


class Port:
    def __init__(self, fn, name, stages, habit, fair, status, reveals, evidence, target,
                 uncaught_because, probes, verifier, own_validation, sees_undefined):
        self.fn = fn
        self.name = name
        self.stages = list(stages)
        self.habit = habit
        self.fair = list(fair)
        self.status = status
        self.reveals = list(reveals)
        self.evidence = evidence
        self.target = list(target) if target else list(fair[:1])
        self.uncaught_because = uncaught_because
        self.probes = list(probes)
        self.verifier = verifier
        self.own_validation = own_validation
        self.sees_undefined = sees_undefined

    def describe(self):
        """The registry entry as JSON (what `adapter.py --list` prints)."""
        return {
            "name": self.name,
            "function": f"{self.fn.__module__}.{self.fn.__name__}",
            "kind": "verify" if self.verifier else "user_hash",
            "stages": self.stages,
            "habit": self.habit,
            "evidence": self.evidence,
            "fair": self.fair,
            "target": self.target,
            "status": self.status,
            "reveals": self.reveals,
            "uncaught_because": self.uncaught_because,
            "probes": self.probes,
            "held_out": self.held_out,
        }

    @property
    def held_out(self):
        """Whether the port is in the held-out set (`ports/held_out.py`): written after the
        catalogue, by someone who did not read the engine, and never used to extend it."""
        return self.fn.__module__.split(".")[-1] == "held_out"


def port(name, *, stages, habit, fair, status, reveals=(), evidence=None, target=None,
         uncaught_because=None, probes=(), verifier=False, own_validation=False,
         sees_undefined=False):
    """Registers one wrong port.

    reveals: suite case ids the port gets wrong (checked by the registry test).
    uncaught_because / probes: for an `uncaught` port, why the vectors miss it, and requests
        (protocol-shaped, without seq) on which it does differ from the reference.
    own_validation: the port gets the raw JSON values and does its own input checks (the
        validation mistakes); otherwise the adapter rejects what the reference rejects first,
        as the app's input layer would, so the port's one mistake is the one it is registered for.
    sees_undefined: a missing field arrives as UNDEFINED rather than None (JavaScript ports).
    """
    def register(fn):
        if name in _NAMES:
            raise ValueError(f"port {name} registered twice")
        _NAMES.add(name)
        PORTS.append(Port(fn, name, stages, habit, fair, status, reveals, evidence, target,
                          uncaught_because, probes, verifier, own_validation, sees_undefined))
        return fn
    return register


def by_name(name):
    return next((p for p in PORTS if p.name == name), None)


# --- the app's input layer and the correct hash ------------------------------------------------

def check_input(secret, user_id, email):
    """Rejects what the reference rejects (ValueError), before any non-validating port runs."""
    if not isinstance(secret, str) or secret == "":
        raise ValueError("secret must be a non-empty string")
    if user_id is not None and not isinstance(user_id, str) and type(user_id) is not int:
        raise ValueError(f"user_id must be a string or an integer, got {type(user_id).__name__}")
    if email is not None and not isinstance(email, str):
        raise ValueError(f"email must be a string, got {type(email).__name__}")
    for text in (secret, user_id, email):
        if isinstance(text, str):
            text.encode("utf-8")  # a lone surrogate is a UnicodeEncodeError, a ValueError


def correct_user_hash(secret, user_id, email):
    """The rule, for verifier ports (whose user_hash is right) and for the probes' expectations."""
    if user_id is not None and user_id != "":
        message = str(user_id)
    elif email is not None and email != "":
        message = email
    else:
        return None
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def user_hash_probe(secret, user_id=UNDEFINED, email=UNDEFINED):
    """A user_hash request for an `uncaught` port's probes (absent fields left out)."""
    request = {"cmd": "user_hash", "secret": secret}
    if user_id is not UNDEFINED:
        request["user_id"] = user_id
    if email is not UNDEFINED:
        request["email"] = email
    return request


def verify_probe(secret, presented, user_id=UNDEFINED, email=UNDEFINED):
    """A verify request for an `uncaught` port's probes."""
    request = user_hash_probe(secret, user_id, email)
    request["cmd"] = "verify"
    request["user_hash"] = presented
    return request
