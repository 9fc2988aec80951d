"""The held-out ports: wrong ports written after the diagnosis engine, by someone who did not
read it, and never used to extend it. `cargo xtask corpus` reports them apart: their share of
fairly named ports is the honest estimate of how the checker names a port nobody has seen.
When a deviation is added to the engine from one of these habits, the port leaves this file for
its stage's module, and the held-out set needs new ports.

Each port imitates one habit of real code (the language and library are in its `habit`), written
from the habit and the published vectors only: not from the engine, the fixtures or the other
corpus modules. Where the catalogue has no name for a habit, the port names one of
`registry.PLANNED_NAMES`; a habit the catalogue names only in another variant keeps the
catalogue's name, with the variant in `target`. Sections follow `registry.STAGES`.
"""
import base64
import hashlib
import hmac
import html.entities
import json
import re
import struct
import urllib.parse
import uuid
from decimal import Decimal

from registry import UNDEFINED, correct_user_hash, port


# Every case whose right answer is a hash: the user_hash cases with one, and the six verify
# cases that present the correct hash (a user_hash port verifies with its own hash). A port
# that changes every hash gets all of these wrong.
_EVERY_HASH = [
    "user-id-only", "email-only", "user-id-and-email", "user-id-null-with-email",
    "email-null-with-user-id", "user-id-empty-with-email", "user-id-whitespace-only",
    "user-id-whitespace-only-with-email", "user-id-surrounding-spaces",
    "email-surrounding-whitespace", "email-mixed-case", "user-id-mixed-case",
    "email-plus-addressing", "user-id-integer", "user-id-integer-as-string",
    "user-id-integer-zero-with-email", "user-id-integer-negative", "user-id-integer-max-safe",
    "user-id-integer-large-round", "user-id-integer-above-2-53", "user-id-integer-u64-max",
    "user-id-literal-null", "user-id-literal-none", "user-id-literal-undefined",
    "user-id-literal-nil", "user-id-latin1-letters", "email-latin1-letters", "user-id-cjk",
    "user-id-emoji", "user-id-nfc", "user-id-nfd", "user-id-compatibility-characters",
    "user-id-right-to-left", "user-id-zero-width-joiner", "user-id-nul", "user-id-tab",
    "user-id-newlines", "user-id-html-special-characters", "email-apostrophe-ampersand",
    "user-id-55-bytes", "user-id-56-bytes", "user-id-63-bytes", "user-id-64-bytes",
    "user-id-119-bytes", "user-id-120-bytes", "user-id-1024-bytes", "secret-1-byte",
    "secret-32-bytes", "secret-64-bytes", "secret-65-bytes", "secret-131-bytes",
    "secret-non-ascii", "secret-hex-looking", "secret-base64-looking",
    "secret-surrounding-spaces", "secret-trailing-newline", "hash-leading-zero",
    "hash-leading-double-zero", "hash-leading-double-zero-secret",
    "user-id-numeric-string-leading-zeros", "user-id-numeric-string-exponent",
    "user-id-numeric-string-plus-sign", "user-id-numeric-string-space-padded",
    "user-id-integer-zero-alone", "email-international-domain",
    "secret-chars-under-block-bytes-over", "secret-nul-inside", "secret-whitespace-only",
    "verify-correct-user-id", "verify-correct-email-only", "verify-correct-user-id-and-email",
    "verify-correct-integer-user-id", "verify-correct-leading-zeros", "verify-correct-non-ascii"
]

# The cases whose hash is the email's: a port that changes only user_id hashes gets them right.
_EMAIL_HASHED = [
    "email-only", "user-id-null-with-email", "user-id-empty-with-email",
    "email-surrounding-whitespace", "email-mixed-case", "email-plus-addressing",
    "email-latin1-letters", "email-apostrophe-ampersand", "email-international-domain",
    "verify-correct-email-only"
]
_USER_ID_HASHED = [case for case in _EVERY_HASH if case not in _EMAIL_HASHED]
# The cases whose user_id is a JSON integer (and hashed).
_INTEGER_ID = [
    "user-id-integer", "user-id-integer-zero-with-email", "user-id-integer-negative",
    "user-id-integer-max-safe", "user-id-integer-large-round", "user-id-integer-above-2-53",
    "user-id-integer-u64-max", "user-id-integer-zero-alone", "verify-correct-integer-user-id"
]


def _pick(user_id, email):
    """The rule's selection, for ports whose mistake lies elsewhere."""
    if user_id is not None and user_id is not UNDEFINED and user_id != "":
        return str(user_id)
    if email is not None and email is not UNDEFINED and email != "":
        return email
    return None


def _hex(key, message):
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _tag(key, message):
    return hmac.new(key, message, hashlib.sha256).digest()


def _is_int(value):
    return type(value) is int


# --- selection ----------------------------------------------------------------------------------

@port("js-nullish-coalescing", stages=["selection"], sees_undefined=True,
      habit="TypeScript `const id = user.userId ?? user.email`: `??` falls through only on null "
            "and undefined, so an empty user_id is hashed as \"\" and shadows the email",
      evidence="the notes' AbsentIdentifier: null and \"\" are both absent; `??` (ES2020) and "
               "PHP's `??` test null only",
      fair=["EMPTY_STRING_NOT_ABSENT"], status="mandatory",
      reveals=["unidentified-empty-strings", "unidentified-empty-email",
               "user-id-empty-with-email"])
def js_nullish_coalescing(secret, user_id, email):
    def nullish(value):
        return value is None or value is UNDEFINED

    identifier = email if nullish(user_id) else user_id
    if nullish(identifier):
        return None
    return _hex(secret.encode("utf-8"), str(identifier).encode("utf-8"))


@port("python-dict-get-default", stages=["selection"], sees_undefined=True,
      habit="Python `payload.get(\"user_id\", payload.get(\"email\"))`: the default applies only "
            "when the key is missing, so `\"user_id\": null` yields None and no hash although the "
            "email is there",
      fair=["MISSING_HASH"], status="mandatory",
      reveals=["user-id-null-with-email", "user-id-empty-with-email"])
def python_dict_get_default(secret, user_id, email):
    payload = {key: value for key, value in (("user_id", user_id), ("email", email))
               if value is not UNDEFINED}
    identifier = payload.get("user_id", payload.get("email"))
    if identifier is None or identifier == "":
        return None
    return _hex(secret.encode("utf-8"), str(identifier).encode("utf-8"))


@port("lodash-isempty-number", stages=["selection"],
      habit="JavaScript `!_.isEmpty(user.user_id) ? String(user.user_id) : user.email`: lodash's "
            "`_.isEmpty(42)` is true (a number has no enumerable keys), so every integer user_id "
            "is taken for absent",
      evidence="lodash documentation: `_.isEmpty(1) // => true`",
      fair=["INTEGER_USER_ID_REJECTED", "EMAIL_WHEN_USER_ID_PRESENT"],
      target=["INTEGER_USER_ID_REJECTED"], status="mandatory",
      reveals=_INTEGER_ID)
def lodash_isempty_number(secret, user_id, email):
    def is_empty(value):  # _.isEmpty: strings by length; null, numbers and booleans are "empty"
        return len(value) == 0 if isinstance(value, str) else True

    if not is_empty(user_id):
        identifier = user_id
    elif not is_empty(email):
        identifier = email
    else:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


@port("ts-undefined-check-only", stages=["selection"], sees_undefined=True,
      habit="TypeScript `if (user.user_id !== undefined && user.user_id !== \"\") id = "
            "String(user.user_id)`: written for an optional field, it lets a JSON null through, "
            "and `String(null)` is \"null\"",
      evidence="research notes: placeholder ids such as \"undefined\"/\"null\" seen in the wild",
      fair=["STRINGIFIED_NULL"], status="mandatory",
      reveals=["user-id-null-with-email", "unidentified-null", "verify-stringified-null"])
def ts_undefined_check_only(secret, user_id, email):
    if user_id is not UNDEFINED and user_id != "":
        message = "null" if user_id is None else str(user_id)
    elif email is not None and email is not UNDEFINED and email != "":
        message = email
    else:
        return None
    return _hex(secret.encode("utf-8"), message.encode("utf-8"))


@port("identifiers-concatenated", stages=["selection"],
      habit="both identifiers signed together, `[userId, email].filter(x => x != null && x !== "
            "\"\").join(\":\")`, \"so the hash also binds the email to the account\" "
            "(webhook-style sign-the-whole-payload thinking)",
      fair=["IDENTIFIERS_CONCATENATED"], status="mandatory",
      reveals=["user-id-and-email", "user-id-integer-zero-with-email",
               "user-id-whitespace-only-with-email", "verify-correct-user-id-and-email"])
def identifiers_concatenated(secret, user_id, email):
    parts = [str(value) for value in (user_id, email) if value is not None and value != ""]
    if not parts:
        return None
    return _hex(secret.encode("utf-8"), ":".join(parts).encode("utf-8"))


@port("kotlin-isnotblank", stages=["selection"],
      habit="Kotlin `userId?.toString()?.takeIf { it.isNotBlank() } ?: email?.takeIf { "
            "it.isNotBlank() }`: `isNotBlank` was meant for \"\", but a whitespace-only id is "
            "blank too",
      evidence="research notes: intercom-rails emits the hash only when the value is `present?`",
      fair=["BLANK_IDENTIFIER_ABSENT"], status="acceptable-only",
      reveals=["user-id-whitespace-only", "user-id-whitespace-only-with-email"])
def kotlin_isnotblank(secret, user_id, email):
    def not_blank(value):
        return value is not None and not all(c.isspace() for c in value)

    uid = None if user_id is None else str(user_id)
    identifier = uid if not_blank(uid) else (email if not_blank(email) else None)
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


# --- rendering ----------------------------------------------------------------------------------

@port("dotnet-framework-double-tostring", stages=["rendering"],
      habit="a .NET Framework view model holds the id in a `double` (a DataTable column, "
            "JavaScriptSerializer's number) and `UserId.ToString()` prints 15 significant digits: "
            "\"9.00719925474099E+15\"",
      evidence=".NET Framework's Double.ToString() defaults to 15 digits of precision (\"R\" or "
               ".NET Core 3.0 for round-trip)",
      fair=["NUMERIC_ID_MISFORMAT"], status="mandatory",
      reveals=["user-id-integer-max-safe", "user-id-integer-above-2-53",
               "user-id-integer-u64-max"])
def dotnet_framework_double_tostring(secret, user_id, email):
    if _is_int(user_id):
        identifier = "%.15G" % float(user_id)
    else:
        identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


@port("openresty-cjson-tostring", stages=["rendering"],
      habit="an OpenResty (LuaJIT) gateway: lua-cjson decodes every number as a double and "
            "`tostring(id)` formats it with \"%.14g\": 9007199254740991 becomes "
            "\"9.007199254741e+15\"",
      evidence="Lua's number format LUAI_NUMFFORMAT is \"%.14g\"",
      fair=["NUMERIC_ID_MISFORMAT"], status="mandatory",
      reveals=["user-id-integer-max-safe", "user-id-integer-above-2-53",
               "user-id-integer-u64-max"])
def openresty_cjson_tostring(secret, user_id, email):
    if _is_int(user_id):
        identifier = "%.14g" % float(user_id)
    else:
        identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


@port("php-json-decode-bigint-float", stages=["rendering"],
      habit="PHP `json_decode($body, true)` without JSON_BIGINT_AS_STRING: an integer above "
            "PHP_INT_MAX becomes a float and `(string)` prints \"1.8446744073709552E+19\"",
      evidence="PHP manual, json_decode: large integers are decoded as float unless "
               "JSON_BIGINT_AS_STRING",
      fair=["NUMERIC_ID_MISFORMAT"], status="acceptable-only",
      reveals=["user-id-integer-u64-max"])
def php_json_decode_bigint_float(secret, user_id, email):
    if _is_int(user_id) and not -2**63 <= user_id < 2**63:
        identifier = repr(float(user_id)).replace("e", "E")  # serialize_precision -1
    else:
        identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


def _elixir_inspect_binary(text):
    """Elixir's `inspect/1` of a binary: quoted and escaped when printable, else `<<...>>`."""
    escapes = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v", "\b": "\\b", "\f": "\\f",
               "\x1b": "\\e", "\x07": "\\a", "\x7f": "\\d", "\"": "\\\"", "\\": "\\\\"}

    def printable(c):
        o = ord(c)
        return (0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD
                or 0x10000 <= o <= 0x10FFFF or c in escapes)

    if not all(printable(c) for c in text):
        return "<<" + ", ".join(str(b) for b in text.encode("utf-8")) + ">>"
    body = "".join(escapes.get(c, c) for c in text).replace("#{", "\\#{")
    return "\"" + body + "\""


@port("elixir-inspect-id", stages=["rendering"],
      habit="Elixir: the id turned into a string with `inspect(user.id)` (copied from a Logger "
            "line) instead of `to_string/1`: a string id keeps its quotes, a NUL makes it `<<117, "
            "115, ...>>`",
      fair=["SERIALIZED_INPUT"], target=["SERIALIZED_INPUT (elixir inspect)"], status="mandatory",
      reveals=[case for case in _USER_ID_HASHED if case not in _INTEGER_ID])
def elixir_inspect_id(secret, user_id, email):
    if isinstance(user_id, str) and user_id != "":
        identifier = _elixir_inspect_binary(user_id)
    else:
        identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


def _swift_debug_description(text):
    out = []
    for c in text:
        if c in "\\\"'":
            out.append("\\" + c)
        elif c == "\0":
            out.append("\\0")
        elif c == "\t":
            out.append("\\t")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append("\\u{%x}" % ord(c))
        else:
            out.append(c)
    return "\"" + "".join(out) + "\""


@port("swift-optional-interpolation", stages=["rendering"],
      habit="Swift `let message = \"\\(user.userId)\"` on a `String?` (the Codable model turns "
            "numeric ids into strings): interpolating an optional gives "
            "`Optional(\"user_8f3a2c\")`",
      evidence="the Swift compiler's warning \"string interpolation produces a debug description "
               "for an optional value\"",
      fair=["OPTIONAL_WRAPPER_RENDERED"], status="mandatory",
      reveals=_USER_ID_HASHED)
def swift_optional_interpolation(secret, user_id, email):
    if user_id is not None and user_id != "":
        message = "Optional(" + _swift_debug_description(str(user_id)) + ")"
    elif email is not None and email != "":
        message = email
    else:
        return None
    return _hex(secret.encode("utf-8"), message.encode("utf-8"))


@port("go-binary-bigendian-id", stages=["rendering"],
      habit="Go: `binary.Write(mac, binary.BigEndian, u.ID)` for a numeric id (an `int64` field), "
            "`mac.Write([]byte(s))` for a string one: the integer's 8 bytes are signed, not its "
            "digits",
      fair=["INTEGER_ID_AS_BINARY"], status="mandatory",
      reveals=_INTEGER_ID)
def go_binary_bigendian_id(secret, user_id, email):
    if _is_int(user_id):
        if not -2**63 <= user_id < 2**63:
            raise ValueError(f"json: cannot unmarshal number {user_id} into Go struct field "
                             "Visitor.user_id of type int64")
        message = struct.pack(">q", user_id)
    else:
        identifier = _pick(user_id, email)
        if identifier is None:
            return None
        message = identifier.encode("utf-8")
    return _hex(secret.encode("utf-8"), message)


@port("js-tolocalestring-fr", stages=["rendering"],
      habit="JavaScript `Number(id).toLocaleString(locale)` from a shared `formatId()` display "
            "helper, on a French locale: \"1 000 000\" grouped with U+202F narrow no-break spaces "
            "(and the id first rounded to a double)",
      evidence="ICU/CLDR fr-FR grouping separator U+202F",
      fair=["LOCALE_GROUPED_ID"], target=["LOCALE_GROUPED_ID (fr, U+202F)"], status="mandatory",
      reveals=["user-id-integer-max-safe", "user-id-integer-large-round",
               "user-id-integer-above-2-53", "user-id-integer-u64-max"])
def js_tolocalestring_fr(secret, user_id, email):
    if _is_int(user_id):
        identifier = f"{int(float(user_id)):,}".replace(",", "\u202f")
    else:
        identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


# --- text ---------------------------------------------------------------------------------------

def _punycode_to_ascii(email):
    """punycode.js `toASCII`: the part after the first @ is mapped label by label."""
    parts = email.split("@")
    prefix, domain = (parts[0] + "@", parts[1]) if len(parts) > 1 else ("", email)
    domain = re.sub("[\u3002\uff0e\uff61]", ".", domain)
    labels = ["xn--" + label.encode("punycode").decode("ascii") if not label.isascii() else label
              for label in domain.split(".")]
    return prefix + ".".join(labels)


@port("punycode-email-domain", stages=["text"],
      habit="Node `punycode.toASCII(email)` (punycode.js maps the domain of an address) \"so IDN "
            "emails hash the same everywhere\": ada@exämple.com becomes ada@xn--exmple-cua.com",
      evidence="the vectors' InternationalDomain note: never converted to its punycode (xn--) form",
      fair=["PUNYCODE_DOMAIN"], status="mandatory", reveals=["email-international-domain"])
def punycode_email_domain(secret, user_id, email):
    if isinstance(email, str) and email != "":
        email = _punycode_to_ascii(email)
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


def _php_htmlentities(text):
    """PHP 8.1 `htmlentities($s)`: ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML401, UTF-8."""
    out = []
    for c in text:
        if c == "'":
            out.append("&#039;")
        elif ord(c) in html.entities.codepoint2name:
            out.append("&" + html.entities.codepoint2name[ord(c)] + ";")
        else:
            out.append(c)
    return "".join(out)


@port("php-htmlentities-on-input", stages=["text"],
      habit="PHP: form input \"sanitised\" on the way in with `htmlentities($_POST[...])` and "
            "stored; unlike htmlspecialchars it also turns é into &eacute; and U+200F into &rlm;",
      evidence="research notes: values HTML-escaped for a <script> tag before hashing",
      fair=["HTML_ESCAPED_INPUT"], target=["HTML_ESCAPED_INPUT (htmlentities)"],
      status="mandatory",
      reveals=["user-id-latin1-letters", "email-latin1-letters", "user-id-nfc",
               "user-id-right-to-left", "user-id-zero-width-joiner",
               "user-id-html-special-characters", "email-apostrophe-ampersand",
               "user-id-1024-bytes", "email-international-domain", "verify-correct-non-ascii"])
def php_htmlentities_on_input(secret, user_id, email):
    if isinstance(user_id, str):
        user_id = _php_htmlentities(user_id)
    if isinstance(email, str):
        email = _php_htmlentities(email)
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


@port("mysql-utf8mb3-column", stages=["text"],
      habit="identifiers read back from a MySQL `utf8` (utf8mb3) column written in non-strict "
            "mode: the value is cut at its first 4-byte character (an emoji), so \"user-😀\" is "
            "stored as \"user-\" and an id starting with one as \"\"",
      evidence="MySQL: utf8mb3 stores at most 3 bytes per character; without strict mode an "
               "invalid string is truncated with a warning",
      fair=["SUPPLEMENTARY_CHARACTER_CUT"], status="mandatory",
      reveals=["user-id-emoji", "user-id-zero-width-joiner"])
def mysql_utf8mb3_column(secret, user_id, email):
    def stored(value):
        if not isinstance(value, str):
            return value
        for i, c in enumerate(value):
            if ord(c) > 0xFFFF:
                return value[:i]
        return value

    identifier = _pick(stored(user_id), stored(email))
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


@port("owasp-crlf-underscore", stages=["text"],
      habit="Java: a shared `sanitize()` against log forging, `s.replaceAll(\"[\\r\\n]\", \"_\")` "
            "(the OWASP recipe), applied to the identifiers in the request filter rather than in "
            "the log line",
      evidence="OWASP Log Injection: replace CR and LF before logging",
      fair=["LINE_BREAKS_REPLACED"], status="mandatory", reveals=["user-id-newlines"])
def owasp_crlf_underscore(secret, user_id, email):
    def sanitize(value):
        return re.sub("[\r\n]", "_", value) if isinstance(value, str) else value

    identifier = _pick(sanitize(user_id), sanitize(email))
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


@port("bidi-controls-stripped", stages=["text"],
      habit="a \"Trojan Source\" defence that deletes bidirectional controls (U+200E, U+200F, "
            "U+061C, U+202A–U+202E, U+2066–U+2069) from every user-supplied string before use",
      evidence="CVE-2021-42574 (Trojan Source) advisories recommend stripping bidi controls",
      fair=["INVISIBLE_CHARACTERS_REMOVED"], target=["INVISIBLE_CHARACTERS_REMOVED (bidi)"],
      status="mandatory", reveals=["user-id-right-to-left"])
def bidi_controls_stripped(secret, user_id, email):
    bidi = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")

    def clean(value):
        return bidi.sub("", value) if isinstance(value, str) else value

    identifier = _pick(clean(user_id), clean(email))
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


@port("java-whitespace-regex-removed", stages=["text"],
      habit="Java DTO setters that clean input with `value.replaceAll(\"\\\\s+\", \"\")` (written "
            "for phone numbers, reused for ids and emails): every space, tab and line break is "
            "deleted, not just trimmed",
      fair=["WHITESPACE_REMOVED"], status="mandatory",
      reveals=["user-id-whitespace-only", "user-id-whitespace-only-with-email",
               "user-id-surrounding-spaces", "email-surrounding-whitespace", "user-id-tab",
               "user-id-newlines", "user-id-html-special-characters",
               "user-id-numeric-string-space-padded", "verify-hash-of-trimmed-user-id"])
def java_whitespace_regex_removed(secret, user_id, email):
    def clean(value):  # Java's \s is [ \t\n\x0B\f\r]
        return re.sub("[ \t\n\x0b\f\r]+", "", value) if isinstance(value, str) else value

    identifier = _pick(clean(user_id), clean(email))
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


def _validator_normalize_email(email):
    """validator.js `normalizeEmail(email)` with its default options."""
    local, _, domain = email.rpartition("@")
    domain = domain.lower()
    if domain in ("gmail.com", "googlemail.com"):
        local = local.split("+")[0].replace(".", "").lower()
        domain = "gmail.com"
    elif domain in ("hotmail.com", "outlook.com", "live.com", "icloud.com", "me.com"):
        local = local.split("+")[0].lower()
    elif domain in ("yahoo.com", "ymail.com", "rocketmail.com"):
        local = local.split("-")[0].lower()
    else:
        local = local.lower()
    return local + "@" + domain


@port("validatorjs-normalize-email", stages=["text"],
      habit="express-validator `body(\"email\").normalizeEmail()` on the hash endpoint: "
            "validator.js lowercases the whole address by default (and canonicalises Gmail, "
            "Outlook and Yahoo addresses)",
      evidence="validator.js normalizeEmail: all_lowercase and gmail_remove_dots default to true",
      fair=["LOWERCASED_INPUT", "EMAIL_CANONICALIZED"], target=["LOWERCASED_INPUT"],
      status="mandatory", reveals=["email-mixed-case"])
def validatorjs_normalize_email(secret, user_id, email):
    if isinstance(email, str) and "@" in email:
        email = _validator_normalize_email(email)
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


@port("gmail-address-canonicalised", stages=["text"],
      habit="a sign-up deduplication helper reused for the hash: for gmail.com and googlemail.com "
            "addresses it drops the dots and the +tag of the local part (\"they are the same "
            "inbox\"), other domains untouched",
      fair=["EMAIL_CANONICALIZED"], status="mandatory", reveals=["email-gmail-dots-and-tag"])
def gmail_address_canonicalised(secret, user_id, email):
    if isinstance(email, str) and "@" in email:
        local, _, domain = email.rpartition("@")
        if domain.lower() in ("gmail.com", "googlemail.com"):
            email = local.split("+")[0].replace(".", "") + "@gmail.com"
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


@port("oracle-char-column-padded", stages=["text"],
      habit="the user_id kept in a legacy Oracle `CHAR(36)` column (sized for UUIDs) and read back "
            "over JDBC: shorter ids come back blank-padded to 36 bytes, longer ones were refused "
            "with ORA-12899 (an empty string is NULL in Oracle)",
      fair=["SPACE_PADDED_INPUT"], status="mandatory",
      reveals=_USER_ID_HASHED)
def oracle_char_column_padded(secret, user_id, email):
    if user_id is not None and user_id != "":
        raw = str(user_id).encode("utf-8")
        if len(raw) > 36:
            raise ValueError(f"ORA-12899: value too large for column \"USERS\".\"USER_ID\" "
                             f"(actual: {len(raw)}, maximum: 36)")
        message = raw + b" " * (36 - len(raw))
    elif email is not None and email != "":
        message = email.encode("utf-8")
    else:
        return None
    return _hex(secret.encode("utf-8"), message)


@port("php-bom-stripped", stages=["text"],
      habit="PHP's stock BOM remover from a CSV import, `str_replace(\"\\xEF\\xBB\\xBF\", '', "
            "$s)`, run over every identifier: U+FEFF is deleted wherever it occurs",
      fair=["INVISIBLE_CHARACTERS_REMOVED"], target=["INVISIBLE_CHARACTERS_REMOVED (bom)"],
      status="mandatory", reveals=["user-id-byte-order-mark"])
def php_bom_stripped(secret, user_id, email):
    def strip_bom(value):
        return value.replace("\ufeff", "") if isinstance(value, str) else value

    identifier = _pick(strip_bom(user_id), strip_bom(email))
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


# --- encoding -----------------------------------------------------------------------------------

@port("tomcat-iso-8859-1-parameter", stages=["encoding"],
      habit="a servlet on Tomcat before 8 (URIEncoding ISO-8859-1): `request.getParameter(\"id\")` "
            "decodes the UTF-8 query bytes as Latin-1, and the mojibake is hashed with "
            "`getBytes(StandardCharsets.UTF_8)`",
      evidence="Tomcat 7's default URIEncoding is ISO-8859-1",
      fair=["DOUBLE_UTF8_ENCODED"], status="mandatory",
      reveals=["user-id-latin1-letters", "email-latin1-letters", "user-id-cjk", "user-id-emoji",
               "user-id-nfc", "user-id-nfd", "user-id-compatibility-characters",
               "user-id-right-to-left", "user-id-zero-width-joiner", "user-id-1024-bytes",
               "email-international-domain", "verify-correct-non-ascii"])
def tomcat_iso_8859_1_parameter(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    parameter = identifier.encode("utf-8").decode("latin-1")
    return _hex(secret.encode("utf-8"), parameter.encode("utf-8"))


def _windows_1252(raw):
    """.NET's Windows-1252 decoder: the five unassigned bytes map to the C1 controls."""
    return "".join(bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
                   else chr(b) for b in raw)


@port("dotnet-windows-1252-body", stages=["encoding"],
      habit=".NET Framework `new StreamReader(Request.InputStream, Encoding.Default)`: the UTF-8 "
            "body is read as Windows-1252 and the resulting string hashed as UTF-8 (\"Ã©\" for é, "
            "\"ç”¨\" for 用)",
      fair=["DOUBLE_UTF8_ENCODED"], target=["DOUBLE_UTF8_ENCODED (windows-1252)"],
      status="mandatory",
      reveals=["user-id-latin1-letters", "email-latin1-letters", "user-id-cjk", "user-id-emoji",
               "user-id-nfc", "user-id-nfd", "user-id-compatibility-characters",
               "user-id-right-to-left", "user-id-zero-width-joiner", "user-id-1024-bytes",
               "email-international-domain", "verify-correct-non-ascii"])
def dotnet_windows_1252_body(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), _windows_1252(identifier.encode("utf-8")).encode("utf-8"))


@port("php-mb-convert-latin1", stages=["encoding"],
      habit="PHP `hash_hmac('sha256', mb_convert_encoding($id, 'ISO-8859-1', 'UTF-8'), $secret)` "
            "\"to match the latin1 database\": mbstring substitutes '?' for what Latin-1 lacks",
      evidence="research notes: Latin-1 bytes from charCodeAt and Java getBytes()",
      fair=["LATIN1_ENCODED"], status="mandatory",
      reveals=["user-id-latin1-letters", "email-latin1-letters", "user-id-cjk", "user-id-emoji",
               "user-id-nfc", "user-id-nfd", "user-id-compatibility-characters",
               "user-id-right-to-left", "user-id-zero-width-joiner", "user-id-1024-bytes",
               "email-international-domain", "verify-correct-non-ascii"])
def php_mb_convert_latin1(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("latin-1", "replace"))


@port("guava-hash-unencoded-chars", stages=["encoding"],
      habit="Java with Guava: `Hashing.hmacSha256(secret.getBytes(UTF_8)).hashUnencodedChars(id)`, "
            "the \"faster\" call Guava's docs recommend: each UTF-16 code unit, little-endian",
      evidence="Guava Hasher javadoc: putUnencodedChars puts each 16-bit code unit; multibyte "
               "values in little-endian order",
      fair=["UTF16_ENCODED"], target=["UTF16_ENCODED (little-endian)"], status="mandatory",
      reveals=_EVERY_HASH)
def guava_hash_unencoded_chars(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-16-le"))


@port("cpp-wstring-utf32", stages=["encoding"],
      habit="C++ on Linux: the id converted to `std::wstring` "
            "(`wstring_convert<codecvt_utf8<wchar_t>>`) and signed as `HMAC(..., (const unsigned "
            "char*)w.data(), w.size() * sizeof(wchar_t), ...)`: wchar_t is 4 bytes there, so "
            "UTF-32LE",
      fair=["UTF32_ENCODED"], status="mandatory",
      reveals=_EVERY_HASH)
def cpp_wstring_utf32(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-32-le"))


# --- key ----------------------------------------------------------------------------------------

@port("aws-secretsmanager-secretstring", stages=["key"],
      habit="Python with boto3: `key = client.get_secret_value(SecretId=...)[\"SecretString\"]` "
            "for a key/value secret: the whole JSON document "
            "`{\"INTERCOM_IDENTITY_SECRET\":\"...\"}` keys the HMAC, not the value in it",
      evidence="AWS Secrets Manager stores key/value secrets as a JSON SecretString",
      fair=["SECRET_JSON_DOCUMENT"], status="mandatory",
      reveals=_EVERY_HASH)
def aws_secretsmanager_secretstring(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    secret_string = json.dumps({"INTERCOM_IDENTITY_SECRET": secret}, separators=(",", ":"),
                               ensure_ascii=False)
    return _hex(secret_string.encode("utf-8"), identifier.encode("utf-8"))


@port("k8s-manifest-base64-secret", stages=["key"],
      habit="the secret copied from a Kubernetes Secret manifest's `data:` field (base64) into a "
            "ConfigMap / env var and used as is: the key is the base64 text of the secret",
      evidence="research notes: Kubernetes secrets among the sources of mangled secrets",
      fair=["SECRET_BASE64_ENCODED"], status="mandatory",
      reveals=_EVERY_HASH)
def k8s_manifest_base64_secret(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    manifest_value = base64.b64encode(secret.encode("utf-8"))
    return _hex(manifest_value, identifier.encode("utf-8"))


@port("go-key-array-32", stages=["key"],
      habit="Go: `var key [32]byte; copy(key[:], cfg.IntercomSecret)` (\"a 256-bit key\", copied "
            "from AES code): shorter secrets are zero-padded, which HMAC does anyway, longer ones "
            "silently cut to 32 bytes",
      fair=["SECRET_TRUNCATED"], target=["SECRET_TRUNCATED (32 bytes)"], status="mandatory",
      reveals=["secret-64-bytes", "secret-65-bytes", "secret-131-bytes",
               "secret-chars-under-block-bytes-over"])
def go_key_array_32(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    key = secret.encode("utf-8")[:32].ljust(32, b"\0")
    return _hex(key, identifier.encode("utf-8"))


def _django_salted_hmac(key_salt, value, secret, algorithm):
    """django.utils.crypto.salted_hmac, as Django 3.1+ writes it."""
    hasher = getattr(hashlib, algorithm)
    key = hasher(key_salt.encode("utf-8") + secret.encode("utf-8")).digest()
    return hmac.new(key, msg=value.encode("utf-8"), digestmod=hasher)


@port("django-salted-hmac-sha256", stages=["key"],
      habit="Django `salted_hmac(\"intercom.user_hash\", user_id, secret=settings.INTERCOM_SECRET, "
            "algorithm=\"sha256\").hexdigest()`: the helper keys the HMAC with sha256(key_salt + "
            "secret), not the secret",
      evidence="django.utils.crypto.salted_hmac derives its key from the salt and the secret",
      fair=["SECRET_PREHASHED"], target=["SECRET_PREHASHED (salted)"], status="mandatory",
      reveals=_EVERY_HASH)
def django_salted_hmac_sha256(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return _django_salted_hmac("intercom.user_hash", identifier, secret, "sha256").hexdigest()


@port("shell-hmac-inner-hex", stages=["key"],
      habit="a hand-written HMAC in a shell script over `sha256sum`: ipad/opad done right, but the "
            "inner digest goes into the outer hash as its 64 hex characters (no `xxd -r -p`)",
      evidence="research notes' style of hand-written HMACs; RFC 2104 hashes the inner digest's "
               "bytes",
      fair=["HAND_WRITTEN_HMAC"], target=["HAND_WRITTEN_HMAC (inner digest as hex)"],
      status="mandatory", reveals=_EVERY_HASH)
def shell_hmac_inner_hex(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    key = secret.encode("utf-8")
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + identifier.encode("utf-8")).hexdigest()
    return hashlib.sha256(bytes(b ^ 0x5C for b in key) + inner.encode("ascii")).hexdigest()


@port("env-fallback-test-workspace-secret", stages=["key"],
      habit="`os.environ.get(\"INTERCOM_SECRET_KEY\", \"<test workspace secret>\")` while the "
            "deployment sets INTERCOM_IDENTITY_SECRET: the misspelt variable is never found and "
            "every hash is made with the test workspace's secret from the default",
      evidence="research notes: a hash made with another platform's or a test workspace's secret "
               "is the most common support answer",
      fair=["WRONG_PLATFORM_SECRET"], status="mandatory",
      reveals=_EVERY_HASH)
def env_fallback_test_workspace_secret(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    # the default the misspelt environment lookup falls back to
    test_workspace_secret = "Zk3q9Rz2tWb7YpLm4Hc8Vd1Nf6Gs0Jx5"
    return _hex(test_workspace_secret.encode("utf-8"), identifier.encode("utf-8"))


@port("compose-dollar-interpolated-secret", stages=["key"],
      habit="the secret written into docker-compose.yml `environment:`: Compose interpolates it, "
            "so `$name` / `${name}` become the (unset, empty) variable and `$$` becomes `$`",
      evidence="Docker Compose documentation: use $$ for a literal $ in values",
      fair=["SECRET_INTERPOLATED"], status="mandatory", reveals=["secret-dollar-signs"])
def compose_dollar_interpolated_secret(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None

    def interpolate(match):
        return "$" if match.group(0) == "$$" else ""  # variables are unset in the container's env

    value = re.sub(r"\$\$|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*", interpolate, secret)
    return _hex(value.encode("utf-8"), identifier.encode("utf-8"))


# --- digest -------------------------------------------------------------------------------------

@port("java-dofinal-without-message", stages=["digest"],
      habit="Java: `mac.update(id.getBytes(UTF_8))` went onto a second `Mac` from a copy-paste "
            "(`Mac.getInstance` twice), and `mac.doFinal()` on the first signs nothing: every user "
            "gets the same hash",
      fair=["MESSAGE_NOT_HASHED"], status="mandatory",
      reveals=_EVERY_HASH)
def java_dofinal_without_message(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    signer = hmac.new(secret.encode("utf-8"), digestmod=hashlib.sha256)
    other = hmac.new(secret.encode("utf-8"), digestmod=hashlib.sha256)
    other.update(identifier.encode("utf-8"))  # the update that went to the wrong instance
    return signer.hexdigest()


@port("helper-hash-signed-again", stages=["digest"],
      habit="Rails: the view passes `intercom_user_hash(user)` (a helper that already returns the "
            "HMAC) through `OpenSSL::HMAC.hexdigest(\"sha256\", secret, ...)` a second time",
      fair=["HMAC_APPLIED_TWICE"], status="mandatory",
      reveals=_EVERY_HASH)
def helper_hash_signed_again(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    key = secret.encode("utf-8")
    return _hex(key, _hex(key, identifier.encode("utf-8")).encode("ascii"))


def _b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@port("messenger-jwt-as-user-hash", stages=["digest"],
      habit="Node `jwt.sign({ user_id }, secret)` (HS256, from the newer Messenger security docs) "
            "sent in the `user_hash` field: a JWT signed with the same secret instead of the hex "
            "HMAC of the identifier",
      evidence="research notes: Messenger security replaces user_hash with an HS256 JWT "
               "(intercom_user_jwt)",
      fair=["JWT_INSTEAD_OF_HASH"], status="mandatory",
      reveals=_EVERY_HASH)
def messenger_jwt_as_user_hash(secret, user_id, email):
    if user_id is not None and user_id != "":
        claims = {"user_id": user_id}
    elif email is not None and email != "":
        claims = {"email": email}
    else:
        return None
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64url(json.dumps(claims, separators=(",", ":"), ensure_ascii=False)
                      .encode("utf-8"))
    signing_input = f"{header}.{payload}"
    signature = _b64url(_tag(secret.encode("utf-8"), signing_input.encode("ascii")))
    return f"{signing_input}.{signature}"


@port("python-keyed-blake2b", stages=["digest"],
      habit="Python `hashlib.blake2b(user_id.encode(), key=secret.encode(), "
            "digest_size=32).hexdigest()`: keyed BLAKE2, which hashlib's docs offer as a faster "
            "MAC than HMAC; same 64 hex digits, another function (and keys over 64 bytes raise)",
      evidence="Python hashlib documentation: BLAKE2 keyed hashing as a replacement for HMAC",
      fair=["KEYED_HASH_NOT_HMAC"], status="mandatory",
      reveals=_EVERY_HASH)
def python_keyed_blake2b(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return hashlib.blake2b(identifier.encode("utf-8"), key=secret.encode("utf-8"),
                           digest_size=32).hexdigest()


@port("query-string-labelled-message", stages=["digest"],
      habit="signing like an app-proxy or webhook scheme: the message is the parameter as it "
            "appears in the query string, `user_id=user_8f3a2c` (or `email=...`), not the bare "
            "identifier",
      fair=["MESSAGE_LABELLED"], status="mandatory",
      reveals=_EVERY_HASH)
def query_string_labelled_message(secret, user_id, email):
    if user_id is not None and user_id != "":
        message = f"user_id={user_id}"
    elif email is not None and email != "":
        message = f"email={email}"
    else:
        return None
    return _hex(secret.encode("utf-8"), message.encode("utf-8"))


# --- output -------------------------------------------------------------------------------------

@port("openssl-evp-max-md-size", stages=["output"],
      habit="C with OpenSSL: `unsigned char md[EVP_MAX_MD_SIZE] = {0}; HMAC(...); for (i = 0; i < "
            "sizeof md; i++) sprintf(hex + 2*i, \"%02x\", md[i]);`: the whole 64-byte buffer is "
            "printed, not `md_len` bytes",
      fair=["DIGEST_BUFFER_OVERREAD"], status="mandatory",
      reveals=_EVERY_HASH)
def openssl_evp_max_md_size(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    md = _tag(secret.encode("utf-8"), identifier.encode("utf-8")).ljust(64, b"\0")
    return "".join("%02x" % b for b in md)


@port("elixir-base-encode16", stages=["output"],
      habit="Elixir `:crypto.mac(:hmac, :sha256, secret, id) |> Base.encode16()`: Base.encode16 is "
            "uppercase unless given `case: :lower`",
      evidence="Elixir Base docs: the base 16 alphabet is 0-9A-F, `case: :upper` by default "
               "(Erlang's binary:encode_hex too)",
      fair=["UPPERCASE_HEX"], status="mandatory",
      reveals=_EVERY_HASH + ["verify-uppercase"])
def elixir_base_encode16(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return _tag(secret.encode("utf-8"), identifier.encode("utf-8")).hex().upper()


@port("rust-debug-lower-hex", stages=["output"],
      habit="Rust `format!(\"{:x?}\", mac.finalize().into_bytes().as_slice())`: the debug "
            "formatter prints the byte slice as `[2e, 94, 7f, ..., f, ...]`, unpadded bytes in "
            "brackets",
      fair=["DECORATED_HEX", "DROPPED_LEADING_ZEROS"], target=["DECORATED_HEX (rust debug)"],
      status="mandatory", reveals=_EVERY_HASH)
def rust_debug_lower_hex(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    tag = _tag(secret.encode("utf-8"), identifier.encode("utf-8"))
    return "[" + ", ".join(format(b, "x") for b in tag) + "]"


def _go_string_of_bytes(raw):
    """Go's `string(b)` marshalled by encoding/json: each invalid UTF-8 byte becomes U+FFFD."""
    out, i = [], 0
    while i < len(raw):
        lead = raw[i]
        size = (1 if lead < 0x80 else 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF
                else 4 if 0xF0 <= lead <= 0xF4 else 0)
        try:
            if size == 0:
                raise UnicodeDecodeError("utf-8", raw, i, i + 1, "invalid start byte")
            out.append(raw[i:i + size].decode("utf-8"))
            i += size
        except UnicodeDecodeError:
            out.append("\ufffd")
            i += 1
    return "".join(out)


@port("go-string-of-sum-json", stages=["output"],
      habit="Go `resp.UserHash = string(mac.Sum(nil))` (meant `hex.EncodeToString`): the raw tag "
            "bytes as a string, which `json.Marshal` then sends with every invalid UTF-8 byte "
            "replaced by U+FFFD",
      fair=["RAW_DIGEST_OUTPUT"], target=["RAW_DIGEST_OUTPUT (go json)"], status="mandatory",
      reveals=_EVERY_HASH)
def go_string_of_sum_json(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return _go_string_of_bytes(_tag(secret.encode("utf-8"), identifier.encode("utf-8")))


@port("c-signed-char-sprintf", stages=["output"],
      habit="C: `char md[32]` (signed) and `sprintf(hex + 2*i, \"%02x\", md[i])`: a byte over 0x7f "
            "is promoted to a negative int and printed \"ffffff80\"; each later sprintf overwrites "
            "the spill, the last one stays whole",
      evidence="research notes: signed-byte hex in Java and Kotlin",
      fair=["SIGNED_BYTE_HEX"], target=["SIGNED_BYTE_HEX (c char)"], status="mandatory",
      reveals=_EVERY_HASH)
def c_signed_char_sprintf(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    tag = _tag(secret.encode("utf-8"), identifier.encode("utf-8"))
    buffer = []
    for i, b in enumerate(tag):
        printed = "%02x" % (b if b < 0x80 else (b - 256) & 0xFFFFFFFF)
        buffer[2 * i:] = list(printed)  # sprintf writes from hex + 2*i, the NUL ends it
    return "".join(buffer)


@port("ethers-computehmac-0x", stages=["output"],
      habit="a web3 back end using ethers: `computeHmac(\"sha256\", toUtf8Bytes(secret), "
            "toUtf8Bytes(id))` returns a DataHexString, `0x` and all",
      evidence="ethers computeHmac returns hexlify(...) of the tag (a 0x-prefixed hex string)",
      fair=["DECORATED_HEX"], target=["DECORATED_HEX (0x)"], status="mandatory",
      reveals=_EVERY_HASH + ["verify-0x-prefix"])
def ethers_computehmac_0x(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return "0x" + _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


@port("data-attribute-to-json", stages=["output"],
      habit="ERB `<div data-user-hash=\"<%= user_hash.to_json %>\">` read back with "
            "`el.dataset.userHash`: the attribute keeps the JSON literal's quotes, so the hash is "
            "sent as `\"2e94...\"`",
      fair=["QUOTED_HASH"], status="mandatory", reveals=_EVERY_HASH)
def data_attribute_to_json(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return json.dumps(_hex(secret.encode("utf-8"), identifier.encode("utf-8")))


# --- verifier -----------------------------------------------------------------------------------

_PHP_NUMERIC = re.compile(r"[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*")


def _php_loose_equals(a, b):
    """PHP 8's `==` between a JSON-decoded value `a` and a string-or-null `b`."""
    if isinstance(a, bool):
        return a == (b not in (None, "", "0"))
    if a is None or b is None:
        return (a if a is not None else "") == (b if b is not None else "")
    if isinstance(a, (list, dict)):
        return False
    if isinstance(a, (int, float)):
        return _PHP_NUMERIC.fullmatch(b) is not None and float(a) == float(b)
    if _PHP_NUMERIC.fullmatch(a) and _PHP_NUMERIC.fullmatch(b):
        return float(a) == float(b)
    return a == b


@port("php-loose-equals-verifier", stages=["verifier"], verifier=True,
      habit="PHP `$data = json_decode($body, true); if ($data['user_hash'] == user_hash(...))`: "
            "loose `==`, so a JSON `true` equals any non-empty expected hash and an empty hash "
            "equals the null of an unidentified user",
      evidence="PHP manual, comparison operators: bool == string compares as booleans; the classic "
               "type-juggling authentication bypass",
      fair=["VERIFIER_TYPE_JUGGLING"], status="mandatory", reveals=["verify-empty-for-unidentified"])
def php_loose_equals_verifier(secret, user_id, email, presented):
    expected = correct_user_hash(secret, user_id, email)
    return _php_loose_equals(presented, expected)


_JS_WHITESPACE = ("\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                  "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff")


def _js_parse_int_16(text):
    """JavaScript `parseInt(text, 16)`, a double (NaN when nothing parses)."""
    text = str(text).lstrip(_JS_WHITESPACE)
    sign = -1.0 if text[:1] == "-" else 1.0
    if text[:1] in ("+", "-"):
        text = text[1:]
    if text[:2] in ("0x", "0X"):
        text = text[2:]
    digits = re.match(r"[0-9a-fA-F]*", text).group(0)
    if not digits:
        return float("nan")
    try:
        return sign * float(int(digits, 16))
    except OverflowError:
        return sign * float("inf")


@port("js-parseint-verifier", stages=["verifier"], verifier=True,
      habit="JavaScript `parseInt(presented, 16) === parseInt(expected, 16)` \"so case and leading "
            "zeros don't matter\": both sides become doubles, equal in their first 13 or so hex "
            "digits, and parseInt skips leading space, a 0x, and stops at the first non-hex "
            "character",
      fair=["VERIFIER_NUMERIC_COMPARE"], target=["VERIFIER_NUMERIC_COMPARE (doubles)"],
      status="mandatory",
      reveals=["verify-flipped-bit-middle", "verify-flipped-bit-last",
               "verify-trailing-newline", "verify-surrounding-spaces",
               "verify-dropped-leading-zeros", "verify-uppercase", "verify-0x-prefix"])
def js_parseint_verifier(secret, user_id, email, presented):
    expected = correct_user_hash(secret, user_id, email)
    if not expected or presented is None:
        return False
    return _js_parse_int_16(presented) == _js_parse_int_16(expected)


@port("mysql-general-ci-verifier", stages=["verifier"], verifier=True,
      habit="hashes precomputed into `users.intercom_hash` and checked with `SELECT 1 FROM users "
            "WHERE id = ? AND intercom_hash = ?` on a utf8mb4_general_ci column: the comparison "
            "ignores case and trailing spaces (PAD SPACE)",
      evidence="MySQL reference: _ci collations are case-insensitive; PAD SPACE collations ignore "
               "trailing spaces",
      fair=["VERIFIER_IGNORES_CASE", "VERIFIER_STRIPS_INPUT"], target=["VERIFIER_IGNORES_CASE"],
      status="mandatory", reveals=["verify-trailing-spaces", "verify-uppercase"])
def mysql_general_ci_verifier(secret, user_id, email, presented):
    stored = correct_user_hash(secret, user_id, email)
    if stored is None or not isinstance(presented, str):
        return False
    return presented.rstrip(" ").lower() == stored.lower()


@port("mysql-bin-pad-space-verifier", stages=["verifier"], verifier=True,
      habit="the same stored-hash lookup on a MySQL 5.7 utf8mb4_bin column: binary collations are "
            "case-sensitive but still PAD SPACE, so a hash with trailing spaces matches",
      evidence="MySQL 5.7 reference: all collations are PAD SPACE, trailing spaces are not "
               "significant in `=` comparisons",
      fair=["VERIFIER_STRIPS_INPUT"], target=["VERIFIER_STRIPS_INPUT (trailing spaces)"],
      status="mandatory", reveals=["verify-trailing-spaces"])
def mysql_bin_pad_space_verifier(secret, user_id, email, presented):
    stored = correct_user_hash(secret, user_id, email)
    if stored is None or not isinstance(presented, str):
        return False
    return presented.rstrip(" ") == stored


_VERIFIED_THIS_SESSION = set()


@port("session-cached-verifier", stages=["verifier"], verifier=True,
      habit="a Flask app that skips the HMAC once a user is verified: `if "
            "session.get(\"verified_user\") == user_id: return True`, set after the first success; "
            "later requests for that user pass with any hash (one adapter process is one session)",
      fair=["VERIFIER_CACHES_SUCCESS"], status="mandatory",
      reveals=["verify-email-hash-with-user-id", "verify-wrong-user", "verify-wrong-secret",
               "verify-flipped-bit-first", "verify-flipped-bit-middle",
               "verify-flipped-bit-last", "verify-truncated-32", "verify-truncated-63",
               "verify-over-long", "verify-doubled", "verify-empty", "verify-trailing-newline",
               "verify-surrounding-spaces", "verify-base64", "verify-dropped-leading-zeros",
               "verify-not-hex", "verify-uppercase", "verify-spaced-hex", "verify-0x-prefix"])
def session_cached_verifier(secret, user_id, email, presented):
    identifier = _pick(user_id, email)
    if identifier is None:
        return False
    if identifier in _VERIFIED_THIS_SESSION:
        return True
    expected = correct_user_hash(secret, user_id, email)
    ok = isinstance(presented, str) and hmac.compare_digest(
        expected.encode("utf-8"), presented.encode("utf-8", "surrogatepass"))
    if ok:
        _VERIFIED_THIS_SESSION.add(identifier)
    return ok


@port("dotnet-fromhexstring-verifier", stages=["verifier"], verifier=True,
      habit="C# `CryptographicOperations.FixedTimeEquals(Convert.FromHexString(presented), tag)`: "
            "FromHexString accepts either case and throws FormatException (a 500) on an odd length "
            "or a non-hex character instead of answering false",
      evidence="research notes: decide deliberately about uppercase and length when verifying",
      fair=["VERIFIER_ERRORS_INSTEAD_OF_REFUSING", "VERIFIER_IGNORES_CASE"],
      target=["VERIFIER_ERRORS_INSTEAD_OF_REFUSING"], status="mandatory",
      reveals=["verify-truncated-63", "verify-over-long", "verify-trailing-newline",
               "verify-surrounding-spaces", "verify-base64", "verify-not-hex",
               "verify-uppercase", "verify-spaced-hex", "verify-0x-prefix"])
def dotnet_fromhexstring_verifier(secret, user_id, email, presented):
    expected = correct_user_hash(secret, user_id, email)
    if expected is None or not isinstance(presented, str):
        return False
    if len(presented) % 2:
        raise ValueError("System.FormatException: The input is not a valid hex string as its "
                         "length is not a multiple of 2.")
    if any(c not in "0123456789abcdefABCDEF" for c in presented):
        raise ValueError("System.FormatException: The input is not a valid hex string as it "
                         "contains a non-hex character.")
    return hmac.compare_digest(bytes.fromhex(presented), bytes.fromhex(expected))


@port("zip-xor-compare-verifier", stages=["verifier"], verifier=True,
      habit="a hand-rolled constant-time compare, `result |= ord(x) ^ ord(y) for x, y in zip(a, "
            "b)`, without the length check: zip stops at the shorter string, so prefixes (the "
            "empty hash too) and extensions of the right hash pass",
      evidence="research notes: compare in constant time, and decide deliberately about length",
      fair=["VERIFIER_ACCEPTS_PREFIX", "VERIFIER_ACCEPTS_OVERLONG"],
      target=["VERIFIER_ACCEPTS_PREFIX"], status="mandatory",
      reveals=["verify-truncated-32", "verify-truncated-63", "verify-over-long",
               "verify-doubled", "verify-empty", "verify-trailing-newline"])
def zip_xor_compare_verifier(secret, user_id, email, presented):
    expected = correct_user_hash(secret, user_id, email)
    if expected is None or not isinstance(presented, str):
        return False
    result = 0
    for x, y in zip(expected, presented):
        result |= ord(x) ^ ord(y)
    return result == 0


# --- combination --------------------------------------------------------------------------------

@port("django-salted-hmac-default", stages=["key", "digest", "combination"],
      habit="Django `salted_hmac(\"intercom\", user_id, "
            "secret=settings.INTERCOM_SECRET).hexdigest()` with the default algorithm: a key "
            "derived as sha1(salt + secret) and an HMAC-SHA1, 40 hex digits",
      evidence="django.utils.crypto.salted_hmac: algorithm defaults to 'sha1'",
      fair=["SECRET_PREHASHED", "WRONG_DIGEST"], status="mandatory",
      reveals=_EVERY_HASH)
def django_salted_hmac_default(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return _django_salted_hmac("intercom", identifier, secret, "sha1").hexdigest()


@port("postgres-uuid-column-hash", stages=["output", "combination"],
      habit="the hash kept in a Postgres `uuid` column (\"it is 128 bits of random\"): "
            "`uuid.UUID(hexdigest[:32])` on insert, so what is sent is the first 32 hex digits "
            "with UUID dashes",
      fair=["TRUNCATED_HASH", "DECORATED_HEX"], status="mandatory",
      reveals=_EVERY_HASH)
def postgres_uuid_column_hash(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    return str(uuid.UUID(_hex(secret.encode("utf-8"), identifier.encode("utf-8"))[:32]))


@port("java-properties-file-secret", stages=["encoding", "key", "combination"],
      habit="Spring Boot 1.x / `Properties.load(InputStream)` reading `intercom.secret=...` from a "
            "UTF-8 application.properties: the file is decoded as ISO-8859-1 (a non-ASCII secret "
            "turns into mojibake, signed as UTF-8), leading blanks of the value are skipped and "
            "the line end ends it (an empty key then throws)",
      evidence="java.util.Properties.load(InputStream) assumes ISO 8859-1",
      fair=["SECRET_DOUBLE_UTF8_ENCODED", "SECRET_TRIMMED"], status="mandatory",
      reveals=["secret-non-ascii", "secret-surrounding-spaces", "secret-trailing-newline",
               "secret-chars-under-block-bytes-over", "secret-whitespace-only"])
def java_properties_file_secret(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    value = re.split("\r\n|\r|\n", secret)[0].lstrip(" \t\f")
    if value == "":
        raise ValueError("java.lang.IllegalArgumentException: Empty key")
    key = value.encode("utf-8").decode("latin-1").encode("utf-8")
    return _hex(key, identifier.encode("utf-8"))


@port("powershell-ascii-bitconverter", stages=["encoding", "key", "output", "combination"],
      habit="PowerShell: `$hmac.Key = [Text.Encoding]::ASCII.GetBytes($secret)`, "
            "`$hmac.ComputeHash([Text.Encoding]::ASCII.GetBytes($id))` and "
            "`[BitConverter]::ToString($h) -replace '-',''`: '?' for every non-ASCII character of "
            "secret and id, uppercase hex",
      evidence="research notes: the official C# example used ASCII encodings; uppercase from C#",
      fair=["ASCII_REPLACED", "SECRET_NOT_UTF8", "UPPERCASE_HEX"], status="mandatory",
      reveals=_EVERY_HASH + ["verify-uppercase"])
def powershell_ascii_bitconverter(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    tag = _tag(secret.encode("ascii", "replace"), identifier.encode("ascii", "replace"))
    return tag.hex().upper()


def _js_number_to_string(n):
    """`String(n)` for an integer that went through a JavaScript number (below 1e21)."""
    return format(Decimal(repr(float(n))).to_integral_value(), "f")


@port("intercom-node-userdata-2017", stages=["selection", "rendering", "combination"],
      habit="Node, as intercom-node's 2017 UserData did: `const id = user.user_id ? "
            "String(user.user_id) : user.email`: 0 is falsy, so the email (or nothing) is hashed, "
            "and JSON numbers are doubles, so ids above 2^53 are rounded",
      evidence="research notes: intercom-node's 2017 UserData used `user_id ? String(user_id) : "
               "email`",
      fair=["ZERO_ID_ABSENT", "NUMERIC_ID_MISFORMAT"], status="mandatory",
      reveals=["user-id-integer-zero-with-email", "user-id-integer-zero-alone",
               "user-id-integer-above-2-53", "user-id-integer-u64-max"])
def intercom_node_userdata_2017(secret, user_id, email):
    if user_id:  # JavaScript truthiness: 0, "" and null are falsy
        identifier = _js_number_to_string(user_id) if _is_int(user_id) else user_id
    else:
        identifier = email
    if not identifier:
        return None
    return _hex(secret.encode("utf-8"), identifier.encode("utf-8"))


@port("mysql-sha2-concat-coalesce", stages=["selection", "digest", "combination"],
      habit="a reporting view that computes the hash in SQL: `SHA2(CONCAT(@secret, "
            "COALESCE(user_id, email)), 256)`: a plain SHA-256 of secret and id, and COALESCE "
            "skips NULL only, so an empty user_id is used",
      evidence="research notes: `hash('sha256', secret . email)` used for two years by a plugin",
      fair=["PLAIN_SHA256_CONCAT", "EMPTY_STRING_NOT_ABSENT"], target=["PLAIN_SHA256_CONCAT"],
      status="mandatory",
      reveals=_EVERY_HASH + ["unidentified-empty-strings", "unidentified-empty-email"])
def mysql_sha2_concat_coalesce(secret, user_id, email):
    value = user_id if user_id is not None else email
    if value is None:
        return None  # CONCAT(..., NULL) is NULL
    return hashlib.sha256((secret + str(value)).encode("utf-8")).hexdigest()


@port("c-strlen-upper-hex", stages=["key", "text", "output", "combination"],
      habit="C: `HMAC(EVP_sha256(), secret, strlen(secret), (const unsigned char *)id, strlen(id), "
            "md, &len)` then `sprintf(hex + 2*i, \"%02X\", md[i])`: secret and id end at their "
            "first NUL, and the hex is uppercase",
      evidence="research notes: C strings that stop at NUL; %02X in the 2016 official list",
      fair=["SECRET_NUL_TERMINATED", "NUL_TERMINATED_INPUT", "UPPERCASE_HEX"],
      target=["UPPERCASE_HEX"], status="mandatory",
      reveals=_EVERY_HASH + ["verify-uppercase"])
def c_strlen_upper_hex(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    key = secret.encode("utf-8").split(b"\0")[0]
    message = identifier.encode("utf-8").split(b"\0")[0]
    return _tag(key, message).hex().upper()


@port("worker-form-body-base64", stages=["text", "output", "combination"],
      habit="a Cloudflare Worker: the page posts `\"id=\" + id` as a form body without encoding "
            "it, the Worker reads `(await request.formData()).get(\"id\")` (+ becomes a space, & "
            "ends the value) and answers `btoa(String.fromCharCode(...new Uint8Array(sig)))`",
      fair=["URL_DECODED_INPUT", "BASE64_OUTPUT"], status="mandatory",
      reveals=_EVERY_HASH + ["verify-base64"])
def worker_form_body_base64(secret, user_id, email):
    identifier = _pick(user_id, email)
    if identifier is None:
        return None
    body = "id=" + identifier
    value = urllib.parse.unquote_plus(body.split("&")[0].split("=", 1)[1])
    return base64.b64encode(_tag(secret.encode("utf-8"), value.encode("utf-8"))).decode("ascii")
