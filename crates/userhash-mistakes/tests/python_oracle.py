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
    """JavaScript's String(number) for the finite doubles the oracle meets."""
    if f == int(f) and abs(f) < 1e21:
        return str(int(f))
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

    reference = h(msg)
    out = {}
    out["EMAIL_WHEN_USER_ID_PRESENT"] = [["default", h(email if email is not None else msg)]]
    out["HASH_FOR_UNIDENTIFIED"] = [["default", h(msg if msg is not None else "")]]
    out["MISSING_HASH"] = [["default", h(uid)]]
    out["UPPERCASE_HEX"] = [["default", on_tag(lambda t: t.hex().upper())]]
    out["BASE64_OUTPUT"] = [
        ["std", on_tag(lambda t: base64.b64encode(t).decode())],
        ["std-nopad", on_tag(lambda t: base64.b64encode(t).decode().rstrip("="))],
        ["url", on_tag(lambda t: base64.urlsafe_b64encode(t).decode())],
        ["url-nopad", on_tag(lambda t: base64.urlsafe_b64encode(t).decode().rstrip("="))],
        ["std-newline", on_tag(lambda t: base64.encodebytes(t).decode())],
    ]
    out["DROPPED_LEADING_ZEROS"] = [
        ["whole", on_tag(lambda t: format(int.from_bytes(t, "big"), "x"))],
        ["per-byte", on_tag(lambda t: "".join("%x" % b for b in t))],
    ]
    out["TRUNCATED_HASH"] = [
        ["128-bit", on_tag(lambda t: t[:16].hex())],
        ["160-bit", on_tag(lambda t: t[:20].hex())],
    ]
    out["PLAIN_SHA256_CONCAT"] = [
        ["secret-message", on_msg(lambda m: hashlib.sha256(key + m.encode("utf-8")).hexdigest())],
        ["message-secret", on_msg(lambda m: hashlib.sha256(m.encode("utf-8") + key).hexdigest())],
        ["message-only", on_msg(lambda m: hashlib.sha256(m.encode("utf-8")).hexdigest())],
    ]
    out["WRONG_DIGEST"] = [
        [name, on_msg(lambda m, d=d: mac_hex(key, m.encode("utf-8"), d))]
        for name, d in (("sha1", hashlib.sha1), ("md5", hashlib.md5),
                        ("sha512", hashlib.sha512), ("sha224", hashlib.sha224),
                        ("sha384", hashlib.sha384))
    ]
    out["KEY_MESSAGE_SWAPPED"] = [["default", on_msg(lambda m: mac_hex(m.encode("utf-8"), key))]]
    out["SECRET_HEX_DECODED"] = [["node", h(msg, node_hex(secret))]]
    out["SECRET_BASE64_DECODED"] = [["lenient", h(msg, lenient_b64(secret))]]
    out["TRAILING_NEWLINE_IN_SECRET"] = [
        ["lf", h(msg, (secret + "\n").encode("utf-8"))],
        ["crlf", h(msg, (secret + "\r\n").encode("utf-8"))],
    ]
    out["SECRET_TRIMMED"] = [["default", h(msg, secret.strip().encode("utf-8"))]]

    def trimmed(value):
        return present(value.strip()) if isinstance(value, str) else present(value)

    t_uid, t_email = trimmed(raw_uid), trimmed(raw_email)
    out["TRIMMED_INPUT"] = [["default", h(t_uid if t_uid is not None else t_email)]]
    out["LOWERCASED_INPUT"] = [["default", on_msg(lambda m: h(m.lower()))]]
    out["UNICODE_NORMALIZED"] = [
        [form.lower(), on_msg(lambda m, form=form: h(unicodedata.normalize(form, m)))]
        for form in ("NFC", "NFD", "NFKC", "NFKD")
    ]
    out["LATIN1_ENCODED"] = [["default", on_msg(lambda m: hb(m.encode("latin-1", "replace")))]]
    out["UTF16_ENCODED"] = [
        ["le", on_msg(lambda m: hb(m.encode("utf-16-le")))],
        ["be", on_msg(lambda m: hb(m.encode("utf-16-be")))],
    ]
    out["ASCII_REPLACED"] = [
        ["code-point", on_msg(lambda m: hb(m.encode("ascii", "replace")))],
        ["utf16-unit", on_msg(lambda m: h("".join(
            c if ord(c) < 128 else "?" * (len(c.encode("utf-16-le")) // 2) for c in m)))],
    ]
    out["STRINGIFIED_NULL"] = [
        [lit, h(lit) if raw_uid is None else reference]
        for lit in ("null", "None", "undefined", "nil")
    ]
    out["HTML_ESCAPED_INPUT"] = [
        ["python", on_msg(lambda m: h(html.escape(m, quote=True)))],
        ["php", on_msg(lambda m: h(php_escape(m)))],
        ["rails", on_msg(lambda m: h(rails_escape(m)))],
        ["minimal", on_msg(lambda m: h(html.escape(m, quote=False)))],
    ]
    if is_int(raw_uid):
        n = raw_uid
        out["NUMERIC_ID_MISFORMAT"] = [
            ["float", h(str(n) + ".0")],
            ["exponent", h(exponent(n))],
            ["float64-rounded", h(str(int(float(n))))],
        ]
    else:
        out["NUMERIC_ID_MISFORMAT"] = [[v, reference] for v in ("float", "exponent", "float64-rounded")]
    zero_uid = None if is_int(raw_uid) and raw_uid == 0 else uid
    out["ZERO_ID_ABSENT"] = [["default", h(zero_uid if zero_uid is not None else email)]]
    from_text_uid = isinstance(raw_uid, str) and uid is not None
    out["NUMERIC_STRING_REPARSED"] = [
        [name, h(fn(uid)) if from_text_uid else reference]
        for name, fn in (("integer", reparse_integer), ("number", reparse_number))
    ]
    if is_int(raw_uid):
        out["LOCALE_GROUPED_ID"] = [
            ["comma", h(format(raw_uid, ","))],
            ["dot", h(format(raw_uid, ",").replace(",", "."))],
        ]
    else:
        out["LOCALE_GROUPED_ID"] = [["comma", reference], ["dot", reference]]
    out["JSON_STRINGIFIED_ID"] = [
        ["default", h(json.dumps(uid, ensure_ascii=False)) if from_text_uid else reference]
    ]
    out["NUL_TERMINATED_INPUT"] = [["default", on_msg(lambda m: h(m.split("\0")[0]))]]
    out["URL_ENCODED_INPUT"] = [
        ["percent", on_msg(lambda m: h(urllib.parse.quote(m, safe="-_.!~*'()")))],
        ["form", on_msg(lambda m: h(urllib.parse.quote_plus(m)))],
    ]
    out["SECRET_NUL_TERMINATED"] = [["default", h(msg, secret.split("\0")[0].encode("utf-8"))]]
    out["EMPTY_KEY"] = [["default", h(msg, b"")]]
    by_chars = (lambda k: hashlib.sha256(k).digest() if len(k.decode("utf-8")) > 64 else k)
    out["HAND_WRITTEN_HMAC"] = [
        ["long-key-truncated", on_msg(lambda m: manual_hmac(key, m.encode("utf-8"), fit=lambda k: k))],
        ["long-key-by-chars", on_msg(lambda m: manual_hmac(key, m.encode("utf-8"), fit=by_chars))],
        ["pads-swapped", on_msg(lambda m: manual_hmac(key, m.encode("utf-8"), 0x5c, 0x36))],
    ]
    out["DECORATED_HEX"] = [
        ["dash-upper", on_tag(lambda t: "-".join("%02X" % b for b in t))],
        ["colon", on_tag(lambda t: ":".join("%02x" % b for b in t))],
        ["0x", on_tag(lambda t: "0x" + t.hex())],
    ]
    out["TRAILING_NEWLINE_IN_OUTPUT"] = [["default", on_tag(lambda t: t.hex() + "\n")]]
    return {"reference": reference, "mistakes": out}


def main():
    cases = json.load(sys.stdin)
    json.dump([oracle(case) for case in cases], sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
