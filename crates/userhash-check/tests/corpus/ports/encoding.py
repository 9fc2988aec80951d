"""Encodings: the identifier's or the secret's text turned into bytes some other way than UTF-8.

Each port uses the encoding its habit uses and Python's codec of the same name where there is
one; JavaScript's charCodeAt bytes and CESU-8 are written out.
"""
import hashlib
import hmac
import unicodedata

from registry import port


def _identifier(user_id, email):
    if user_id is not None and user_id != "":
        return str(user_id)
    return email or None


@port("java-getbytes-latin1", stages=["encoding"],
      habit="Java `id.getBytes()` on a JVM whose platform charset is ISO-8859-1 (before JDK 18): "
            "other characters become '?'",
      evidence="Java getBytes() uses the platform charset before JDK 18",
      fair=["LATIN1_ENCODED"], status="mandatory",
      reveals=["user-id-latin1-letters", "user-id-cjk"])
def java_getbytes_latin1(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode("latin-1", "replace"),
                    hashlib.sha256).hexdigest()


@port("charcodeat-bytes", stages=["encoding"],
      habit="JavaScript bytes built with `s.charCodeAt(i) & 0xff`: the low byte of each UTF-16 "
            "code unit",
      evidence="the archived official calculator built bytes with charCodeAt",
      fair=["LATIN1_ENCODED"], target=["LATIN1_ENCODED (charcodeat)"], status="mandatory",
      reveals=["user-id-latin1-letters", "user-id-cjk"])
def charcodeat_bytes(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    units = identifier.encode("utf-16-le")
    message = bytes(units[i] for i in range(0, len(units), 2))
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@port("windows-1252", stages=["encoding"],
      habit="C# `Encoding.Default` on a Windows server (code page 1252): unmapped characters "
            "become '?'",
      fair=["LATIN1_ENCODED"], target=["LATIN1_ENCODED (cp1252)"], status="mandatory",
      reveals=["user-id-latin1-letters"])
def windows_1252(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode("cp1252", "replace"),
                    hashlib.sha256).hexdigest()


@port("cesu-8", stages=["encoding"],
      habit="bytes from a CESU-8 store (Oracle's UTF8, MySQL's 3-byte utf8): a character outside "
            "the BMP is two 3-byte surrogates",
      fair=["CESU8_ENCODED"], status="mandatory",
      reveals=["user-id-emoji", "user-id-zero-width-joiner"])
def cesu_8(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    surrogates = "".join(
        chr(0xD800 + ((ord(c) - 0x10000) >> 10)) + chr(0xDC00 + ((ord(c) - 0x10000) & 0x3FF))
        if ord(c) > 0xFFFF else c for c in identifier)
    return hmac.new(secret.encode(), surrogates.encode("utf-8", "surrogatepass"),
                    hashlib.sha256).hexdigest()


@port("java-modified-utf8", stages=["encoding"],
      habit="Java `DataOutputStream.writeUTF` bytes (without the length prefix): CESU-8, and NUL "
            "as C0 80",
      fair=["CESU8_ENCODED"], target=["CESU8_ENCODED (java-modified)"], status="mandatory",
      reveals=["user-id-emoji", "user-id-nul"])
def java_modified_utf8(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    out = bytearray()
    for c in identifier:
        code = ord(c)
        if code == 0:
            out += b"\xc0\x80"
        elif code > 0xFFFF:
            high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
            out += chr(high).encode("utf-8", "surrogatepass") + chr(low).encode("utf-8",
                                                                                 "surrogatepass")
        else:
            out += c.encode("utf-8")
    return hmac.new(secret.encode(), bytes(out), hashlib.sha256).hexdigest()


@port("dotnet-encoding-unicode", stages=["encoding"],
      habit="C# `Encoding.Unicode.GetBytes(id)`: UTF-16LE, two bytes per ASCII character",
      evidence="UTF16_ENCODED in the catalogue",
      fair=["UTF16_ENCODED"], target=["UTF16_ENCODED (le)"], status="mandatory",
      reveals=["user-id-only"])
def dotnet_encoding_unicode(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode("utf-16-le"), hashlib.sha256).hexdigest()


@port("java-getbytes-utf16", stages=["encoding"],
      habit="Java `id.getBytes(\"UTF-16\")`: big-endian with a byte-order mark FE FF",
      fair=["UTF16_ENCODED"], target=["UTF16_ENCODED (be-bom)"], status="mandatory",
      reveals=["user-id-only"])
def java_getbytes_utf16(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), b"\xfe\xff" + identifier.encode("utf-16-be"),
                    hashlib.sha256).hexdigest()


@port("python-ascii-replace", stages=["encoding"],
      habit="Python 3 `id.encode(\"ascii\", \"replace\")`, from an official example that used "
            "ASCII",
      evidence="the official C#, Objective-C and Python 3 examples used ASCII encodings",
      fair=["ASCII_REPLACED"], target=["ASCII_REPLACED (code-point)"], status="mandatory",
      reveals=["user-id-latin1-letters", "user-id-emoji"])
def python_ascii_replace(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode("ascii", "replace"),
                    hashlib.sha256).hexdigest()


@port("java-us-ascii", stages=["encoding"],
      habit="Java `id.getBytes(StandardCharsets.US_ASCII)`: one '?' per UTF-16 code unit, so an "
            "emoji is \"??\"",
      evidence="Java turns a lone surrogate into \"?\"",
      fair=["ASCII_REPLACED"], target=["ASCII_REPLACED (utf16-unit)"], status="mandatory",
      reveals=["user-id-emoji", "user-id-cjk"])
def java_us_ascii(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    message = b"".join(c.encode("ascii") if ord(c) < 128 else b"?" * (2 if ord(c) > 0xFFFF else 1)
                       for c in identifier)
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@port("python-ascii-ignore", stages=["encoding"],
      habit="Python `id.encode(\"ascii\", \"ignore\")`: non-ASCII characters silently dropped",
      evidence="Django packages: one encodes ASCII only",
      fair=["ASCII_REPLACED"], target=["ASCII_REPLACED (ignore)"], status="mandatory",
      reveals=["user-id-latin1-letters", "user-id-cjk"])
def python_ascii_ignore(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode("ascii", "ignore"),
                    hashlib.sha256).hexdigest()


@port("ascii-folded", stages=["encoding"],
      habit="a slugify-style fold: NFKD, then the combining marks (and whatever else is not "
            "ASCII) dropped: \"josé\" becomes \"jose\"",
      fair=["ASCII_FOLDED", "ASCII_REPLACED", "UNICODE_NORMALIZED"], status="mandatory",
      reveals=["user-id-latin1-letters", "user-id-nfc"])
def ascii_folded(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    folded = unicodedata.normalize("NFKD", identifier).encode("ascii", "ignore")
    return hmac.new(secret.encode(), folded, hashlib.sha256).hexdigest()


@port("php-utf8-encode", stages=["encoding"],
      habit="PHP `utf8_encode($id)` on a string that was already UTF-8: every byte taken for "
            "Latin-1 and encoded again",
      fair=["DOUBLE_UTF8_ENCODED"], status="mandatory", reveals=["user-id-latin1-letters"])
def php_utf8_encode(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    message = identifier.encode("utf-8").decode("latin-1").encode("utf-8")
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@port("secret-getbytes-latin1", stages=["encoding"],
      habit="Java `new SecretKeySpec(secret.getBytes(), \"HmacSHA256\")` on an ISO-8859-1 JVM, "
            "while the message was fixed to getBytes(UTF_8)",
      evidence="Java getBytes() uses the platform charset before JDK 18",
      fair=["SECRET_NOT_UTF8"], target=["SECRET_NOT_UTF8 (latin1)"], status="mandatory",
      reveals=["secret-non-ascii"])
def secret_getbytes_latin1(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode("latin-1", "replace"), identifier.encode("utf-8"),
                    hashlib.sha256).hexdigest()


@port("secret-dotnet-ascii", stages=["encoding"],
      habit="C# `new HMACSHA256(Encoding.ASCII.GetBytes(secret))`, from the old official example",
      evidence="the official C# example used an ASCII encoding",
      fair=["SECRET_NOT_UTF8"], target=["SECRET_NOT_UTF8 (ascii)"], status="mandatory",
      reveals=["secret-non-ascii"])
def secret_dotnet_ascii(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    # .NET encodes UTF-16 code units: a character outside the BMP is two '?'.
    key = b"".join(c.encode("ascii") if ord(c) < 128 else b"?" * (2 if ord(c) > 0xFFFF else 1)
                   for c in secret)
    return hmac.new(key, identifier.encode("utf-8"), hashlib.sha256).hexdigest()


@port("secret-dotnet-unicode", stages=["encoding"],
      habit="C# `new HMACSHA256(Encoding.Unicode.GetBytes(secret))`: the key is UTF-16LE",
      fair=["SECRET_NOT_UTF8"], target=["SECRET_NOT_UTF8 (utf16le)"], status="mandatory",
      reveals=["user-id-only"])
def secret_dotnet_unicode(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode("utf-16-le"), identifier.encode("utf-8"),
                    hashlib.sha256).hexdigest()


@port("secret-charcodeat", stages=["encoding"],
      habit="JavaScript key bytes from `secret.charCodeAt(i) & 0xff`, as the archived calculator "
            "built them",
      evidence="the archived official calculator built bytes with charCodeAt",
      fair=["SECRET_NOT_UTF8"], target=["SECRET_NOT_UTF8 (charcodeat)"], status="mandatory",
      reveals=["secret-non-ascii"])
def secret_charcodeat(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    units = secret.encode("utf-16-le")
    key = bytes(units[i] for i in range(0, len(units), 2))
    return hmac.new(key, identifier.encode("utf-8"), hashlib.sha256).hexdigest()
