#!/usr/bin/env python3
"""An independent oracle for the mistake catalogue, standard library only.

Reads a JSON array of inputs on stdin, each {"secret": str, "user_id"?: ..., "email"?: ...}
(a missing key = the field is absent), and prints a JSON array with, per input:

    {"reference": <correct answer or null>,
     "mistakes": {"MISTAKE_NAME": [[variant, answer-or-null], ...], ...}}

with every variant of every recomputable mistake in the catalogue's order, including those
that happen to equal the reference answer. Inputs are assumed valid under the reference
(non-empty secret, user_id a string/integer/null, email a string/null).

Written from the catalogue's definitions with Python's own hmac, hashlib, base64,
unicodedata, html and decimal modules, so that it shares no code with the Rust crate.
Known divergence: str.strip() also strips U+001C..U+001F, which Rust's str::trim keeps;
the test inputs avoid those characters.
"""
import base64
import decimal
import hashlib
import hmac
import html
import json
import re
import sys
import unicodedata
import urllib.parse

if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)


def present(value):
    """The reference reading of an identifier: None when missing, null or ""."""
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def mac_hex(key, msg, digest=hashlib.sha256):
    return hmac.new(key, msg, digest).hexdigest()


def node_hex(secret):
    # Buffer.from(s, 'hex'): the longest prefix of whole hex pairs.
    match = re.match(r"(?:[0-9a-fA-F]{2})*", secret)
    return bytes.fromhex(match.group(0))


def lenient_b64(secret):
    kept = re.sub(r"[^A-Za-z0-9+/_-]", "", secret).replace("-", "+").replace("_", "/")
    if len(kept) % 4 == 1:
        kept = kept[:-1]
    return base64.b64decode(kept + "=" * (-len(kept) % 4))


def php_escape(text):
    # htmlspecialchars($s, ENT_QUOTES)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#039;"))


def rails_escape(text):
    # ERB::Util.html_escape
    table = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
    return "".join(table.get(c, c) for c in text)


def exponent(n):
    # Exact digits, shortest mantissa: Decimal does no rounding at this size.
    text = format(decimal.Decimal(n).normalize(decimal.Context(prec=100)), "e")
    return text.replace("e+", "e")


def js_number(f):
    """JavaScript's String(number) for the finite doubles the oracle meets: an integral value
    below 1e21 is its shortest round-trip digits padded with zeros (2**64 prints as
    18446744073709552000, not ...616)."""
    if f == int(f) and abs(f) < 1e21:
        if f == 0:
            return "0"
        digits, exp = decimal.Decimal(repr(abs(f))).normalize().as_tuple()[1:]
        text = "".join(map(str, digits)) + "0" * max(exp, 0)
        return ("-" if f < 0 else "") + text
    return repr(f)


def reparse_integer(text):
    # int(text) accepts more (underscores, other digits); the habit is an ASCII decimal integer.
    return str(int(text)) if re.fullmatch(r"\s*[+-]?[0-9]+\s*", text, re.ASCII) else text


def reparse_number(text):
    pattern = r"\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*"
    return js_number(float(text)) if re.fullmatch(pattern, text, re.ASCII) else text


def manual_hmac(key, msg, inner=0x36, outer=0x5c, fit=None):
    """RFC 2104 written out, with a pluggable way to fit the key to the 64-byte block."""
    key = fit(key) if fit else (hashlib.sha256(key).digest() if len(key) > 64 else key)
    key = key[:64].ljust(64, b"\0")
    inner_hash = hashlib.sha256(bytes(b ^ inner for b in key) + msg).digest()
    return hashlib.sha256(bytes(b ^ outer for b in key) + inner_hash).hexdigest()


def fitted_hmac(key, msg, block, hash_at_block=False, pad=True):
    """RFC 2104 written out for SHA-256 with a (possibly wrong) block size and key fitting."""
    if len(key) > block or (hash_at_block and len(key) == block):
        key = hashlib.sha256(key).digest()
    if pad:
        key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + msg).digest()
    return hashlib.sha256(bytes(b ^ 0x5c for b in key) + inner).hexdigest()


def whole_key_hmac(key, msg):
    """Zero-padded to the block, a longer key used whole."""
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + msg).digest()
    return hashlib.sha256(bytes(b ^ 0x5c for b in key) + inner).hexdigest()


def hmac_sha512_256(key, msg):
    return hmac.new(key, msg, lambda *data: hashlib.new("sha512_256", *data)).hexdigest()


def fromhex_or_text(secret):
    try:
        return bytes.fromhex(secret)
    except ValueError:
        return secret.encode("utf-8")


def b64_or_text(secret):
    try:
        return base64.b64decode(secret, validate=True)
    except ValueError:
        return secret.encode("utf-8")


def utf16_units_low_byte(text):
    units = text.encode("utf-16-le")
    return bytes(units[i] for i in range(0, len(units), 2))


def dotnet_ascii(text):
    return b"".join(c.encode("ascii") if ord(c) < 128 else b"?" * (len(c.encode("utf-16-le")) // 2)
                    for c in text)


def cesu8(text, modified):
    out = bytearray()
    for c in text:
        if modified and c == "\0":
            out += b"\xc0\x80"
        elif ord(c) > 0xFFFF:
            v = ord(c) - 0x10000
            for unit in (0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF)):
                out += chr(unit).encode("utf-8", "surrogatepass")
        else:
            out += c.encode("utf-8")
    return bytes(out)


def java_double(n):
    d = float(n)
    if d == 0:
        return "0.0"
    if 1e-3 <= abs(d) < 1e7:
        return f"{int(d)}.0"
    digits, exponent = decimal.Decimal(repr(abs(d))).normalize().as_tuple()[1:]
    text = "".join(map(str, digits))
    return ("-" if d < 0 else "") + f"{text[0]}.{text[1:] or '0'}E{len(text) - 1 + exponent}"


def go_sprint(n):
    d = float(n)
    if d == 0:
        return "0"
    digits, exponent = decimal.Decimal(repr(abs(d))).normalize().as_tuple()[1:]
    text = "".join(map(str, digits))
    sci = len(text) - 1 + exponent
    sign = "-" if d < 0 else ""
    if sci < -4 or sci >= 6:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{sign}{mantissa}e{'+' if sci >= 0 else '-'}{abs(sci):02d}"
    return sign + str(int(abs(d)))


# JavaScript's trim(): WhiteSpace and LineTerminator, BOM included, U+0085 not.
JS_SPACE = ("\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
            "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff")


def shortest_exponent(n):
    """Rust's `{:e}` of a double: its shortest round-trip digits as d.ddde<exponent>."""
    d = float(n)
    if d == 0:
        return "0e0"
    digits, exp = decimal.Decimal(repr(abs(d))).normalize().as_tuple()[1:]
    text = "".join(map(str, digits))
    mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
    return ("-" if d < 0 else "") + f"{mantissa}e{len(text) - 1 + exp}"


def php_string(n):
    return str(n) if -2**63 <= n < 2**63 else "%.14G" % float(n)


def wrap(n, bits, signed):
    n %= 2**bits
    return n - 2**bits if signed and n >= 2**(bits - 1) else n


def bytes_limited(text, limit):
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def oracle(case):
    secret = case["secret"]
    raw_uid = case.get("user_id")
    raw_email = case.get("email")
    key = secret.encode("utf-8")
    uid = present(raw_uid)
    email = present(raw_email)
    msg = uid if uid is not None else email

    def h(text, k=key):
        return None if text is None else mac_hex(k, text.encode("utf-8"))

    def hb(data):
        return None if data is None else mac_hex(key, data)

    def on_msg(fn):
        return None if msg is None else fn(msg)

    tag = None if msg is None else hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()

    def on_tag(fn):
        return None if tag is None else fn(tag)

    def keyed(k):
        return h(msg, k)

    def first(*candidates):
        """The first candidate that is not None or ""."""
        return next((c for c in candidates if c not in (None, "")), None)

    def cleaned(fn):
        """Both identifiers cleaned before the choice; integers left alone."""
        c_uid = fn(raw_uid) if isinstance(raw_uid, str) else uid
        c_email = fn(raw_email) if isinstance(raw_email, str) else None
        return h(first(c_uid, c_email))

    def email_rewritten(fn):
        return h(uid if uid is not None else (None if email is None else fn(email)))

    reference = h(msg)
    text_uid = isinstance(raw_uid, str) and uid is not None
    out = {}
    out["EMAIL_WHEN_USER_ID_PRESENT"] = [["default", h(email if email is not None else msg)]]
    email_is_nothing = raw_email is None  # missing or null; "" is falsy but not nothing
    email_missing = "email" not in case
    out["HASH_FOR_UNIDENTIFIED"] = [
        ["default", h(msg if msg is not None else "")],
        ["python", h(msg if msg is not None else ("None" if email_is_nothing else None))],
        ["java", h(msg if msg is not None else ("null" if email_is_nothing else None))],
        ["javascript", h(msg if msg is not None else
                         ("undefined" if email_missing else "null" if raw_email is None else None))],
    ]

    def rails_present():
        value = raw_uid if raw_uid is not None else raw_email
        text = "" if value is None else str(value)
        return None if not text.strip() else h(text)

    out["MISSING_HASH"] = [["default", h(uid)], ["present", rails_present()]]
    out["UPPERCASE_HEX"] = [["default", on_tag(lambda t: t.hex().upper())]]
    out["BASE64_OUTPUT"] = [
        ["std", on_tag(lambda t: base64.b64encode(t).decode())],
        ["std-nopad", on_tag(lambda t: base64.b64encode(t).decode().rstrip("="))],
        ["url", on_tag(lambda t: base64.urlsafe_b64encode(t).decode())],
        ["url-nopad", on_tag(lambda t: base64.urlsafe_b64encode(t).decode().rstrip("="))],
        ["std-newline", on_tag(lambda t: base64.encodebytes(t).decode())],
        ["of-hex", on_tag(lambda t: base64.b64encode(t.hex().encode()).decode())],
    ]
    out["DROPPED_LEADING_ZEROS"] = [
        ["whole", on_tag(lambda t: format(int.from_bytes(t, "big"), "x"))],
        ["per-byte", on_tag(lambda t: "".join("%x" % b for b in t))],
    ]
    out["TRUNCATED_HASH"] = [
        ["128-bit", on_tag(lambda t: t[:16].hex())],
        ["160-bit", on_tag(lambda t: t[:20].hex())],
        ["63-digits", on_tag(lambda t: t.hex()[:63])],
    ]
    out["PLAIN_SHA256_CONCAT"] = [
        ["secret-message", on_msg(lambda m: hashlib.sha256(key + m.encode("utf-8")).hexdigest())],
        ["message-secret", on_msg(lambda m: hashlib.sha256(m.encode("utf-8") + key).hexdigest())],
        ["message-only", on_msg(lambda m: hashlib.sha256(m.encode("utf-8")).hexdigest())],
        ["separator", on_msg(lambda m: hashlib.sha256(f"{secret}:{m}".encode("utf-8")).hexdigest())],
        ["sha1", on_msg(lambda m: hashlib.sha1((secret + m).encode("utf-8")).hexdigest())],
        ["md5", on_msg(lambda m: hashlib.md5((secret + m).encode("utf-8")).hexdigest())],
    ]
    out["WRONG_DIGEST"] = [
        [name, on_msg(lambda m, d=d: mac_hex(key, m.encode("utf-8"), d))]
        for name, d in (("sha1", hashlib.sha1), ("md5", hashlib.md5),
                        ("sha512", hashlib.sha512), ("sha224", hashlib.sha224),
                        ("sha384", hashlib.sha384), ("sha3-256", hashlib.sha3_256))
    ] + [
        ["sha512-256", on_msg(lambda m: hmac_sha512_256(key, m.encode("utf-8")))],
        ["sha512-truncated", on_msg(lambda m: mac_hex(key, m.encode("utf-8"), hashlib.sha512)[:64])],
    ]
    out["KEY_MESSAGE_SWAPPED"] = [["default", on_msg(lambda m: mac_hex(m.encode("utf-8"), key))]]
    out["SECRET_HEX_DECODED"] = [
        ["node", keyed(node_hex(secret))],
        ["when-valid", keyed(fromhex_or_text(secret))],
    ]
    out["SECRET_BASE64_DECODED"] = [
        ["lenient", keyed(lenient_b64(secret))],
        ["when-valid", keyed(b64_or_text(secret))],
    ]
    out["TRAILING_NEWLINE_IN_SECRET"] = [
        ["lf", keyed((secret + "\n").encode("utf-8"))],
        ["crlf", keyed((secret + "\r\n").encode("utf-8"))],
    ]
    out["SECRET_TRIMMED"] = [
        ["default", keyed(secret.strip().encode("utf-8"))],
        ["newline", keyed(secret.rstrip("\n").encode("utf-8"))],
    ]

    def chomp(text):
        for end in ("\r\n", "\n", "\r"):
            if text.endswith(end):
                return text[:-len(end)]
        return text

    out["TRIMMED_INPUT"] = [
        ["default", cleaned(str.strip)],
        ["right", cleaned(lambda v: v.rstrip(" \t\n\r\0\x0b"))],
        ["javascript", cleaned(lambda v: v.strip(JS_SPACE))],
        ["email", email_rewritten(lambda e: e.strip() or None)],
        ["chomp", on_msg(lambda m: h(chomp(m)))],
    ]

    def domain_lowered(e):
        local, at, domain = e.rpartition("@")
        return local + at + domain.lower() if at else e

    out["LOWERCASED_INPUT"] = [
        ["default", on_msg(lambda m: h(m.lower()))],
        ["upper", on_msg(lambda m: h(m.upper()))],
        ["email", email_rewritten(str.lower)],
        ["email-domain", email_rewritten(domain_lowered)],
    ]
    out["UNICODE_NORMALIZED"] = [
        [form.lower(), on_msg(lambda m, form=form: h(unicodedata.normalize(form, m)))]
        for form in ("NFC", "NFD", "NFKC", "NFKD")
    ]
    out["LATIN1_ENCODED"] = [
        ["default", on_msg(lambda m: hb(m.encode("latin-1", "replace")))],
        ["charcodeat", on_msg(lambda m: hb(utf16_units_low_byte(m)))],
        ["cp1252", on_msg(lambda m: hb(m.encode("cp1252", "replace")))],
    ]
    out["UTF16_ENCODED"] = [
        ["le", on_msg(lambda m: hb(m.encode("utf-16-le")))],
        ["be", on_msg(lambda m: hb(m.encode("utf-16-be")))],
        ["be-bom", on_msg(lambda m: hb(b"\xfe\xff" + m.encode("utf-16-be")))],
    ]
    out["ASCII_REPLACED"] = [
        ["code-point", on_msg(lambda m: hb(m.encode("ascii", "replace")))],
        ["utf16-unit", on_msg(lambda m: hb(dotnet_ascii(m)))],
        ["ignore", on_msg(lambda m: hb(m.encode("ascii", "ignore")))],
    ]
    out["STRINGIFIED_NULL"] = [
        [lit, h(lit) if raw_uid is None else reference]
        for lit in ("null", "None", "undefined", "nil", "<nil>")
    ]

    def go_escape(text):
        return (text.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;")
                .replace(">", "&gt;").replace('"', "&#34;"))

    out["HTML_ESCAPED_INPUT"] = [
        ["python", on_msg(lambda m: h(html.escape(m, quote=True)))],
        ["php", on_msg(lambda m: h(php_escape(m)))],
        ["rails", on_msg(lambda m: h(rails_escape(m)))],
        ["minimal", on_msg(lambda m: h(html.escape(m, quote=False)))],
        ["php-compat", on_msg(lambda m: h(html.escape(m, quote=False).replace('"', "&quot;")))],
        ["go", on_msg(lambda m: h(go_escape(m)))],
    ]
    renderings = [
        ("float", lambda n: str(n) + ".0"),
        ("exponent", exponent),
        ("float64-rounded", lambda n: str(int(float(n)))),
        ("python-float", lambda n: str(float(n))),
        ("java-double", java_double),
        ("rust-exponent", shortest_exponent),
        ("go", go_sprint),
        ("printf-g", lambda n: "%g" % float(n)),
        ("decimal", lambda n: str(decimal.Decimal(n).normalize())),
        ("javascript", lambda n: js_number(float(n))),
        ("php-float", php_string),
    ]
    out["NUMERIC_ID_MISFORMAT"] = [
        [name, h(fn(raw_uid)) if is_int(raw_uid) else reference] for name, fn in renderings
    ]
    zero_uid = None if is_int(raw_uid) and raw_uid == 0 else uid
    out["ZERO_ID_ABSENT"] = [["default", h(zero_uid if zero_uid is not None else email)]]

    def digits_only(text):
        return str(int(text)) if re.fullmatch(r"[0-9]+", text, re.ASCII) else text

    def pandas_cell(text):
        return str(float(text)) if re.fullmatch(r"\s*-?[0-9]+\s*", text, re.ASCII) else text

    out["NUMERIC_STRING_REPARSED"] = [
        [name, h(fn(uid)) if text_uid else reference]
        for name, fn in (("integer", reparse_integer), ("number", reparse_number),
                         ("digits-only", digits_only), ("python-float", pandas_cell))
    ]
    if is_int(raw_uid):
        out["LOCALE_GROUPED_ID"] = [
            ["comma", h(format(raw_uid, ","))],
            ["dot", h(format(raw_uid, ",").replace(",", "."))],
            ["comma-float64", h(format(int(float(raw_uid)), ","))],
        ]
    else:
        out["LOCALE_GROUPED_ID"] = [[v, reference] for v in ("comma", "dot", "comma-float64")]
    out["SERIALIZED_INPUT"] = [
        ["json", h(json.dumps(uid, ensure_ascii=False)) if text_uid else reference],
        ["python-repr", h(repr(uid)) if text_uid else reference],
        ["json-escaped", on_msg(lambda m: h(json.dumps(m)[1:-1]))],
    ]
    out["NUL_TERMINATED_INPUT"] = [["default", on_msg(lambda m: h(m.split("\0")[0]))]]
    out["URL_ENCODED_INPUT"] = [
        ["percent", on_msg(lambda m: h(urllib.parse.quote(m, safe="-_.!~*'()")))],
        ["form", on_msg(lambda m: h(urllib.parse.quote_plus(m)))],
    ]
    out["SECRET_NUL_TERMINATED"] = [["default", keyed(secret.split("\0")[0].encode("utf-8"))]]
    out["EMPTY_KEY"] = [["default", keyed(b"")]]
    by_chars = (lambda k: hashlib.sha256(k).digest() if len(k.decode("utf-8")) > 64 else k)
    out["HAND_WRITTEN_HMAC"] = [
        ["long-key-truncated", on_msg(lambda m: manual_hmac(key, m.encode("utf-8"), fit=lambda k: k))],
        ["long-key-by-chars", on_msg(lambda m: manual_hmac(key, m.encode("utf-8"), fit=by_chars))],
        ["pads-swapped", on_msg(lambda m: manual_hmac(key, m.encode("utf-8"), 0x5c, 0x36))],
        ["long-key-whole", on_msg(lambda m: whole_key_hmac(key, m.encode("utf-8")))],
        ["hashes-at-64", on_msg(lambda m: fitted_hmac(key, m.encode("utf-8"), 64, hash_at_block=True))],
        ["block-128", on_msg(lambda m: fitted_hmac(key, m.encode("utf-8"), 128))],
        ["block-32", on_msg(lambda m: fitted_hmac(key, m.encode("utf-8"), 32))],
        ["unpadded", on_msg(lambda m: fitted_hmac(key, m.encode("utf-8"), 64, pad=False))],
    ]
    out["DECORATED_HEX"] = [
        ["dash-upper", on_tag(lambda t: "-".join("%02X" % b for b in t))],
        ["colon", on_tag(lambda t: ":".join("%02x" % b for b in t))],
        ["0x", on_tag(lambda t: "0x" + t.hex())],
        ["sha256=", on_tag(lambda t: "sha256=" + t.hex())],
        ["space", on_tag(lambda t: t.hex(" "))],
        ["openssl-3", on_tag(lambda t: "SHA2-256(stdin)= " + t.hex() + "\n")],
        ["openssl-3-hmac", on_tag(lambda t: "HMAC-SHA2-256(stdin)= " + t.hex() + "\n")],
        ["openssl-1.1", on_tag(lambda t: "(stdin)= " + t.hex() + "\n")],
    ]
    out["TRAILING_NEWLINE_IN_OUTPUT"] = [["default", on_tag(lambda t: t.hex() + "\n")]]

    placeholders = {"", "null", "none", "undefined", "nil"}

    def placeholder_free():
        p_uid = None if raw_uid is None or str(raw_uid).lower() in placeholders else str(raw_uid)
        return h(p_uid or (raw_email if raw_email and raw_email.lower() not in placeholders else None))

    out["PLACEHOLDER_STRING_ABSENT"] = [["default", placeholder_free()]]

    def blank_absent():
        b_uid = "" if raw_uid is None else str(raw_uid)
        if b_uid.strip():
            return h(b_uid)
        return h(raw_email) if raw_email and raw_email.strip() else None

    out["BLANK_IDENTIFIER_ABSENT"] = [["default", blank_absent()]]
    out["EMPTY_STRING_NOT_ABSENT"] = [
        ["both", h(str(raw_uid) if raw_uid is not None else raw_email)],
        ["email", h(uid if uid is not None else raw_email)],
    ]
    out["EMAIL_CANONICALIZED"] = [
        ["plus-tag", email_rewritten(lambda e: re.sub(r"\+[^@]*@", "@", e, count=1))],
    ]
    overflows = [
        ("int32", lambda n: wrap(n, 32, True)),
        ("int32-saturated", lambda n: max(-2**31, min(2**31 - 1, n))),
        ("uint64", lambda n: wrap(n, 64, False)),
        ("int64", lambda n: wrap(n, 64, True)),
    ]
    out["INTEGER_ID_OVERFLOW"] = [
        [name, h(str(fn(raw_uid))) if is_int(raw_uid) else reference] for name, fn in overflows
    ]
    out["FIRST_LINE_ONLY"] = [["default", on_msg(lambda m: h(m.split("\n", 1)[0]))]]
    out["LINE_ENDINGS_CHANGED"] = [
        ["lf", on_msg(lambda m: h(m.replace("\r\n", "\n").replace("\r", "\n")))],
        ["crlf", on_msg(lambda m: h(re.sub(r"\r?\n|\r", "\r\n", m)))],
    ]
    out["CONTROL_CHARACTERS_REMOVED"] = [
        ["c0", cleaned(lambda v: re.sub(r"[\x00-\x1f\x7f]", "", v))],
        ["nul", on_msg(lambda m: h(m.replace("\0", "")))],
    ]
    out["WHITESPACE_COLLAPSED"] = [["default", cleaned(lambda v: " ".join(v.split()))]]
    out["INVISIBLE_CHARACTERS_REMOVED"] = [
        ["default", on_msg(lambda m: h(re.sub("[\u200b-\u200f\u2060\ufeff]", "", m)))],
    ]
    out["URL_DECODED_INPUT"] = [["form", on_msg(lambda m: h(urllib.parse.unquote_plus(m)))]]
    out["TAGS_STRIPPED"] = [["default", on_msg(lambda m: h(re.sub(r"<[^>]*>", "", m)))]]
    out["BACKSLASH_ESCAPED_INPUT"] = [
        ["default", on_msg(lambda m: h(m.replace("\\", "\\\\").replace("'", "\\'")
                                        .replace('"', '\\"').replace("\0", "\\0")))],
    ]
    out["LENGTH_LIMITED_INPUT"] = [
        ["64-chars", on_msg(lambda m: h(m[:64]))],
        ["255-bytes", on_msg(lambda m: h(bytes_limited(m, 255)))],
    ]
    out["ASCII_FOLDED"] = [
        ["default", on_msg(lambda m: hb(unicodedata.normalize("NFKD", m).encode("ascii", "ignore")))],
    ]
    out["CESU8_ENCODED"] = [
        ["cesu-8", on_msg(lambda m: hb(cesu8(m, False)))],
        ["java-modified", on_msg(lambda m: hb(cesu8(m, True)))],
    ]
    out["DOUBLE_UTF8_ENCODED"] = [
        ["default", on_msg(lambda m: hb(m.encode("utf-8").decode("latin-1").encode("utf-8")))],
    ]
    out["SECRET_NOT_UTF8"] = [
        ["latin1", keyed(secret.encode("latin-1", "replace"))],
        ["cp1252", keyed(secret.encode("cp1252", "replace"))],
        ["ascii", keyed(dotnet_ascii(secret))],
        ["utf16le", keyed(secret.encode("utf-16-le"))],
        ["charcodeat", keyed(utf16_units_low_byte(secret))],
    ]
    out["SECRET_QUOTED"] = [["default", keyed(f'"{secret}"'.encode("utf-8"))]]
    out["SECRET_TRUNCATED"] = [["8-bytes", keyed(key[:8])]]
    out["SECRET_WITH_NUL_TERMINATOR"] = [["default", keyed(key + b"\0")]]
    out["SECRET_PREHASHED"] = [
        ["raw", keyed(hashlib.sha256(key).digest())],
        ["hex", keyed(hashlib.sha256(key).hexdigest().encode())],
    ]
    out["MESSAGE_PREHASHED"] = [
        ["hex", on_msg(lambda m: h(hashlib.sha256(m.encode("utf-8")).hexdigest()))],
    ]
    out["HMAC_SUM_MISUSED"] = [
        ["default", on_msg(lambda m: (m.encode("utf-8") + hmac.new(key, b"", hashlib.sha256).digest()).hex())],
    ]
    out["EMPTY_HASH"] = [["default", on_tag(lambda t: "")]]
    out["SIGNED_BYTE_HEX"] = [
        ["java", on_tag(lambda t: "".join(format(b if b < 0x80 else b - 0x100 + 2**32, "x") for b in t))],
        ["kotlin", on_tag(lambda t: "".join(format(b, "x") if b < 0x80 else "-" + format(0x100 - b, "x")
                                            for b in t))],
    ]
    out["NIBBLES_SWAPPED"] = [["default", on_tag(lambda t: "".join("%x%x" % (b & 0xF, b >> 4) for b in t))]]
    out["HEX_ENCODED_TWICE"] = [["default", on_tag(lambda t: t.hex().encode().hex())]]
    out["RAW_DIGEST_OUTPUT"] = [["latin1", on_tag(lambda t: t.decode("latin-1"))]]
    out["BYTES_REPR_OUTPUT"] = [
        ["digest", on_tag(lambda t: str(t))],
        ["hexdigest", on_tag(lambda t: str(t.hex().encode()))],
    ]
    out["BYTE_ORDER_REVERSED"] = [["default", on_tag(lambda t: format(int.from_bytes(t, "little"), "064x"))]]
    # A validation mistake with a variant that changes the hash.
    out["INTEGER_USER_ID_REJECTED"] = [
        ["default", reference],
        ["skipped", h(uid if isinstance(raw_uid, str) and uid is not None else email)],
    ]
    return {"reference": reference, "mistakes": out}


def main():
    cases = json.load(sys.stdin)
    json.dump([oracle(case) for case in cases], sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
