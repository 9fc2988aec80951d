"""Combinations: two mistakes in one port, as real code makes them. The fair set is the union of
both mistakes' names: naming either sends the developer after one real fix.
"""
import base64
import hashlib
import hmac
import html
import unicodedata
from decimal import Decimal
from urllib.parse import quote

from registry import port


@port("trim-and-uppercase-hex", stages=["text", "output", "combination"],
      habit="JavaScript: `id.trim()` on input and `digest(\"hex\").toUpperCase()` on output",
      fair=["TRIMMED_INPUT", "UPPERCASE_HEX"], status="mandatory",
      reveals=["user-id-only", "user-id-surrounding-spaces"])
def trim_and_uppercase_hex(secret, user_id, email):
    uid = "" if user_id is None else str(user_id).strip()
    mail = "" if email is None else email.strip()
    identifier = uid or mail
    if not identifier:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest().upper()


@port("strip-and-lower", stages=["text", "combination"],
      habit="the classic `value.strip().lower()` \"normalisation\" of identifiers",
      fair=["TRIMMED_INPUT", "LOWERCASED_INPUT"], status="mandatory",
      reveals=["email-mixed-case", "email-surrounding-whitespace"])
def strip_and_lower(secret, user_id, email):
    uid = "" if user_id is None else str(user_id).strip().lower()
    mail = "" if email is None else email.strip().lower()
    identifier = uid or mail
    if not identifier:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("dotnet-ascii-everywhere", stages=["encoding", "combination"],
      habit="the old official C# example: `new ASCIIEncoding()` for the key and the message",
      evidence="the official C#, Objective-C and Python 3 examples used ASCII encodings",
      fair=["ASCII_REPLACED", "SECRET_NOT_UTF8"], status="mandatory",
      reveals=["secret-non-ascii", "user-id-latin1-letters"])
def dotnet_ascii_everywhere(secret, user_id, email):
    identifier = str(user_id) if user_id not in (None, "") else (email or None)
    if identifier is None:
        return None

    def ascii_bytes(text):  # ASCIIEncoding: one '?' per UTF-16 code unit
        return b"".join(c.encode() if ord(c) < 128 else b"?" * (2 if ord(c) > 0xFFFF else 1)
                        for c in text)
    return hmac.new(ascii_bytes(secret), ascii_bytes(identifier), hashlib.sha256).hexdigest()


@port("java-platform-charset-everywhere", stages=["encoding", "combination"],
      habit="Java `getBytes()` for the key and the message on an ISO-8859-1 JVM",
      evidence="Java getBytes() uses the platform charset before JDK 18",
      fair=["LATIN1_ENCODED", "SECRET_NOT_UTF8"], status="mandatory",
      reveals=["secret-non-ascii", "user-id-latin1-letters"])
def java_platform_charset_everywhere(secret, user_id, email):
    identifier = str(user_id) if user_id not in (None, "") else (email or None)
    if identifier is None:
        return None
    return hmac.new(secret.encode("latin-1", "replace"), identifier.encode("latin-1", "replace"),
                    hashlib.sha256).hexdigest()


@port("java-sha1-uppercase", stages=["digest", "output", "combination"],
      habit="`Mac.getInstance(\"HmacSHA1\")` and `%02X`, both from an old snippet",
      evidence="the 2016 official list printed uppercase in Java",
      fair=["WRONG_DIGEST", "UPPERCASE_HEX"], status="mandatory", reveals=["user-id-only"])
def java_sha1_uppercase(secret, user_id, email):
    identifier = str(user_id) if user_id not in (None, "") else (email or None)
    if identifier is None:
        return None
    return "".join("%02X" % b for b in hmac.new(secret.encode(), identifier.encode(),
                                               hashlib.sha1).digest())


@port("php-swapped-raw-base64", stages=["key", "output", "combination"],
      habit="PHP `base64_encode(hash_hmac('sha256', $secret, $userId, true))`: arguments swapped "
            "and the raw bytes base64-encoded",
      fair=["KEY_MESSAGE_SWAPPED", "BASE64_OUTPUT"], status="mandatory", reveals=["user-id-only"])
def php_swapped_raw_base64(secret, user_id, email):
    identifier = str(user_id) if user_id not in (None, "") else (email or None)
    if identifier is None:
        return None
    return base64.b64encode(hmac.new(identifier.encode(), secret.encode(),
                                     hashlib.sha256).digest()).decode()


@port("email-first-uppercase", stages=["selection", "output", "combination"],
      habit="C#: `var id = email ?? userId;` and `Convert.ToHexString(hash)`",
      fair=["EMAIL_WHEN_USER_ID_PRESENT", "UPPERCASE_HEX"], status="mandatory",
      reveals=["user-id-and-email", "user-id-only"])
def email_first_uppercase(secret, user_id, email):
    identifier = email if email is not None and email != "" else (
        str(user_id) if user_id not in (None, "") else None)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest().upper()


@port("double-id-biginteger-hex", stages=["rendering", "output", "combination"],
      habit="Java: the id held in a Double (\"42.0\") and the hash printed with BigInteger",
      fair=["NUMERIC_ID_MISFORMAT", "DROPPED_LEADING_ZEROS"], status="mandatory",
      reveals=["user-id-integer", "hash-leading-zero"])
def double_id_biginteger_hex(secret, user_id, email):
    def double_to_string(n):  # Java Double.toString: "42.0", and "9.007199254740991E15"
        d = float(n)
        if abs(d) < 1e7:
            return f"{d:.1f}"
        digits, exponent = Decimal(repr(abs(d))).normalize().as_tuple()[1:]
        text = "".join(map(str, digits))
        sign = "-" if d < 0 else ""
        return f"{sign}{text[0]}.{text[1:] or '0'}E{len(text) - 1 + exponent}"
    if type(user_id) is int:
        identifier = double_to_string(user_id)
    else:
        identifier = user_id if user_id not in (None, "") else (email or None)
    if identifier is None:
        return None
    digest = hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).digest()
    return format(int.from_bytes(digest, "big"), "x")


@port("secret-newline-html-escaped", stages=["key", "text", "combination"],
      habit="a template helper: the secret from a file with its newline, the id escaped with "
            "`html.escape` before signing",
      fair=["TRAILING_NEWLINE_IN_SECRET", "HTML_ESCAPED_INPUT"], status="mandatory",
      reveals=["user-id-only", "user-id-html-special-characters"])
def secret_newline_html_escaped(secret, user_id, email):
    identifier = str(user_id) if user_id not in (None, "") else (email or None)
    if identifier is None:
        return None
    return hmac.new((secret + "\n").encode(), html.escape(identifier).encode(),
                    hashlib.sha256).hexdigest()


@port("python-none-truncated", stages=["selection", "output", "combination"],
      habit="`str(user.id)` (\"None\" when logged out) and `hexdigest()[:32]` for a short cookie",
      fair=["STRINGIFIED_NULL", "HASH_FOR_UNIDENTIFIED", "TRUNCATED_HASH"], status="mandatory",
      reveals=["email-only", "user-id-only"])
def python_none_truncated(secret, user_id, email):
    identifier = str(user_id) if user_id != "" else email
    if not identifier:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()[:32]


@port("nfc-then-latin1", stages=["text", "encoding", "combination"],
      habit="Java `Normalizer.normalize(id, NFC).getBytes(\"ISO-8859-1\")` \"so that accents fit "
            "one byte\"",
      fair=["UNICODE_NORMALIZED", "LATIN1_ENCODED"], status="mandatory",
      reveals=["user-id-nfd", "user-id-latin1-letters"])
def nfc_then_latin1(secret, user_id, email):
    identifier = str(user_id) if user_id not in (None, "") else (email or None)
    if identifier is None:
        return None
    message = unicodedata.normalize("NFC", identifier).encode("latin-1", "replace")
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@port("secret-trimmed-id-lowercased", stages=["key", "text", "combination"],
      habit="`settings.SECRET.strip()` and `user_id.lower()`: tidying both sides",
      fair=["SECRET_TRIMMED", "LOWERCASED_INPUT"], status="mandatory",
      reveals=["secret-surrounding-spaces", "user-id-mixed-case"])
def secret_trimmed_id_lowercased(secret, user_id, email):
    identifier = str(user_id) if user_id not in (None, "") else (email or None)
    if identifier is None:
        return None
    return hmac.new(secret.strip().encode(), identifier.lower().encode(),
                    hashlib.sha256).hexdigest()


@port("node-hex-secret-sha512", stages=["key", "digest", "combination"],
      habit="Node `createHmac(\"sha512\", Buffer.from(secret, \"hex\"))`, from a webhook snippet",
      fair=["SECRET_HEX_DECODED", "WRONG_DIGEST"], status="mandatory", reveals=["user-id-only"])
def node_hex_secret_sha512(secret, user_id, email):
    identifier = str(user_id) if user_id not in (None, "") else (email or None)
    if identifier is None:
        return None
    digits = "0123456789abcdefABCDEF"
    key = bytearray()
    for i in range(0, len(secret) - 1, 2):
        if secret[i] not in digits or secret[i + 1] not in digits:
            break
        key.append(int(secret[i:i + 2], 16))
    return hmac.new(bytes(key), identifier.encode(), hashlib.sha512).hexdigest()


@port("python-str-or", stages=["selection", "combination"],
      habit="`str(user_id or email)`: 0 falls through to the email, and an anonymous visitor is "
            "signed as \"None\"",
      evidence="Django packages: `str(user_id) if user_id else email`; one can hash \"None\"",
      fair=["ZERO_ID_ABSENT", "EMAIL_WHEN_USER_ID_PRESENT", "STRINGIFIED_NULL",
            "HASH_FOR_UNIDENTIFIED"],
      status="mandatory", reveals=["user-id-integer-zero-with-email", "unidentified-missing"])
def python_str_or(secret, user_id, email):
    identifier = str(user_id or email)
    if not identifier:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("sha512-cut-to-64", stages=["digest", "output", "combination"],
      habit="HMAC-SHA512 \"for strength\", cut to 64 hex digits to fit the field",
      fair=["WRONG_DIGEST", "TRUNCATED_HASH"], status="mandatory", reveals=["user-id-only"])
def sha512_cut_to_64(secret, user_id, email):
    identifier = str(user_id) if user_id not in (None, "") else (email or None)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha512).hexdigest()[:64]


@port("uri-encoded-uppercase", stages=["text", "output", "combination"],
      habit="Java `URLEncoder.encode(id, UTF_8)` before signing, and `%02X` after",
      fair=["URL_ENCODED_INPUT", "UPPERCASE_HEX"], status="mandatory",
      reveals=["email-only", "user-id-only"])
def uri_encoded_uppercase(secret, user_id, email):
    identifier = str(user_id) if user_id not in (None, "") else (email or None)
    if identifier is None:
        return None
    encoded = quote(identifier, safe="*-._").replace("%20", "+")  # URLEncoder: form style
    return "".join("%02X" % b for b in hmac.new(secret.encode(), encoded.encode(),
                                               hashlib.sha256).digest())


@port("verify-strip-and-lower", stages=["verifier", "combination"], verifier=True,
      habit="`presented.strip().lower() == expected`: \"be liberal in what you accept\"",
      fair=["VERIFIER_STRIPS_INPUT", "VERIFIER_IGNORES_CASE"], status="mandatory",
      reveals=["verify-trailing-newline", "verify-uppercase"])
def verify_strip_and_lower(secret, user_id, email, presented):
    identifier = str(user_id) if user_id not in (None, "") else (email or None)
    if identifier is None:
        return False
    expected = hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(presented.strip().lower().encode(), expected.encode())


@port("go-float-id-base64", stages=["rendering", "output", "combination"],
      habit="Go: `fmt.Sprint(body[\"user_id\"])` on a float64 and `base64.StdEncoding` for the "
            "output",
      fair=["NUMERIC_ID_MISFORMAT", "BASE64_OUTPUT"], status="mandatory",
      reveals=["user-id-integer-large-round", "user-id-only"])
def go_float_id_base64(secret, user_id, email):
    def sprint(n):  # Go %v of a float64: the shortest digits, exponent form from 1e+06 up
        d = float(n)
        if d == 0:
            return "0"
        digits, exponent = Decimal(repr(abs(d))).normalize().as_tuple()[1:]
        text = "".join(map(str, digits))
        sci = len(text) - 1 + exponent
        sign = "-" if d < 0 else ""
        if sci >= 6:
            return f"{sign}{text[0]}{'.' + text[1:] if len(text) > 1 else ''}e+{sci:02d}"
        return sign + str(int(abs(d)))
    if type(user_id) is int:
        identifier = sprint(user_id)
    else:
        identifier = user_id if user_id not in (None, "") else (email or None)
    if identifier is None:
        return None
    digest = hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
