"""Text transforms: the identifier changed as text before it is hashed (case, trimming, line ends
and control characters, invisible characters, Unicode normalisation, escaping, length cuts).

Each port selects the identifier as the rule says, transforms it as its habit does, and signs it
correctly; a habit that applies only to emails (or only to user ids) says so.
"""
import hashlib
import hmac
import html
import json
import re
import unicodedata
from urllib.parse import quote, quote_plus, unquote_plus

from registry import port


def _identifier(user_id, email):
    """The identifier the rule selects (None when unidentified)."""
    if user_id is not None and user_id != "":
        return str(user_id)
    return email or None


@port("lowercase-identifier", stages=["text"],
      habit="`identifier.toLowerCase()`: ids and emails are case-insensitive in our database",
      fair=["LOWERCASED_INPUT"], status="mandatory",
      reveals=["email-mixed-case", "user-id-mixed-case"])
def lowercase_identifier(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.lower().encode(), hashlib.sha256).hexdigest()


@port("lowercase-email-only", stages=["text"],
      habit="the signup form's `email.strip().lower()` lives in the model, but only the lowering "
            "reaches the snippet: emails are lowercased, user ids kept",
      fair=["LOWERCASED_INPUT"], status="mandatory", reveals=["email-mixed-case"])
def lowercase_email_only(secret, user_id, email):
    if user_id is not None and user_id != "":
        identifier = str(user_id)
    elif email:
        identifier = email.lower()
    else:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("lowercase-email-domain", stages=["text"],
      habit="\"the domain part is case-insensitive (RFC 5321)\": only the part after the @ is "
            "lowercased",
      fair=["LOWERCASED_INPUT"], target=["LOWERCASED_INPUT (email-domain)"], status="mandatory",
      reveals=["email-mixed-case"])
def lowercase_email_domain(secret, user_id, email):
    if user_id is not None and user_id != "":
        identifier = str(user_id)
    elif email:
        local, at, domain = email.rpartition("@")
        identifier = local + at + domain.lower() if at else email
    else:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("uppercase-identifier", stages=["text"],
      habit="C# `userId.ToUpperInvariant()` for a case-insensitive key lookup, reused for the hash",
      fair=["LOWERCASED_INPUT"], target=["LOWERCASED_INPUT (upper)"], status="mandatory",
      reveals=["user-id-only"])
def uppercase_identifier(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.upper().encode(), hashlib.sha256).hexdigest()


@port("trim-both-ends", stages=["text"],
      habit="JavaScript `(userId ?? \"\").trim() || (email ?? \"\").trim()`: both identifiers "
            "trimmed before the absence checks",
      fair=["TRIMMED_INPUT"], status="mandatory",
      reveals=["user-id-surrounding-spaces", "email-surrounding-whitespace"])
def trim_both_ends(secret, user_id, email):
    js_space = " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
               "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
    uid = "" if user_id is None else str(user_id).strip(js_space)
    mail = "" if email is None else email.strip(js_space)
    identifier = uid or mail
    if not identifier:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("rstrip", stages=["text"],
      habit="PHP `rtrim($id)` / Ruby `rstrip`: trailing whitespace (and line ends) removed",
      fair=["TRIMMED_INPUT"], target=["TRIMMED_INPUT (right)"], status="mandatory",
      reveals=["user-id-surrounding-spaces", "user-id-newlines"])
def rstrip(secret, user_id, email):
    uid = "" if user_id is None else str(user_id).rstrip(" \t\n\r\0\x0b")
    mail = "" if email is None else email.rstrip(" \t\n\r\0\x0b")
    identifier = uid or mail
    if not identifier:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("ruby-chomp", stages=["text"],
      habit="Ruby `value.chomp`, left from values read with gets: one trailing line end removed",
      fair=["TRIMMED_INPUT"], target=["TRIMMED_INPUT (chomp)"], status="mandatory",
      reveals=["user-id-newlines"])
def ruby_chomp(secret, user_id, email):
    def chomp(text):
        for end in ("\r\n", "\n", "\r"):
            if text.endswith(end):
                return text[:-len(end)]
        return text
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), chomp(identifier).encode(), hashlib.sha256).hexdigest()


@port("first-line-only", stages=["text"],
      habit="the identifier read back with `readline()` from a temp file or a line-based queue: "
            "only its first line survives",
      fair=["FIRST_LINE_ONLY"], status="mandatory", reveals=["user-id-newlines"])
def first_line_only(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    first = identifier.split("\n", 1)[0]
    return hmac.new(secret.encode(), first.encode(), hashlib.sha256).hexdigest()


@port("universal-newlines", stages=["text"],
      habit="Python universal newlines (a value that went through a text-mode file): \"\\r\\n\" "
            "and \"\\r\" become \"\\n\"",
      fair=["LINE_ENDINGS_CHANGED"], target=["LINE_ENDINGS_CHANGED (lf)"], status="mandatory",
      reveals=["user-id-newlines"])
def universal_newlines(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    identifier = identifier.replace("\r\n", "\n").replace("\r", "\n")
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("form-crlf-newlines", stages=["text"],
      habit="an HTML form posts textarea values with CRLF line ends: every \"\\n\" becomes "
            "\"\\r\\n\"",
      fair=["LINE_ENDINGS_CHANGED"], target=["LINE_ENDINGS_CHANGED (crlf)"], status="mandatory",
      reveals=["user-id-newlines"])
def form_crlf_newlines(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    identifier = re.sub(r"\r?\n|\r", "\r\n", identifier)
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("control-characters-removed", stages=["text"],
      habit="a log-injection defence, `re.sub(r\"[\\x00-\\x1f\\x7f]\", \"\", value)`, applied "
            "before signing",
      fair=["CONTROL_CHARACTERS_REMOVED"], status="mandatory",
      reveals=["user-id-tab", "user-id-nul", "email-surrounding-whitespace"])
def control_characters_removed(secret, user_id, email):
    uid = "" if user_id is None else re.sub(r"[\x00-\x1f\x7f]", "", str(user_id))
    mail = "" if email is None else re.sub(r"[\x00-\x1f\x7f]", "", email)
    identifier = uid or mail
    if not identifier:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("postgres-nul-removed", stages=["text"],
      habit="PostgreSQL text cannot hold NUL, so ids are stored (and signed) with "
            "`value.replace(\"\\x00\", \"\")`",
      fair=["CONTROL_CHARACTERS_REMOVED"], target=["CONTROL_CHARACTERS_REMOVED (nul)"],
      status="mandatory", reveals=["user-id-nul"])
def postgres_nul_removed(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.replace("\x00", "").encode(),
                    hashlib.sha256).hexdigest()


@port("c-string-nul", stages=["text"],
      habit="C `HMAC(..., (unsigned char *) id, strlen(id), ...)`: the message ends at the first "
            "NUL",
      fair=["NUL_TERMINATED_INPUT"], status="mandatory", reveals=["user-id-nul"])
def c_string_nul(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    message = identifier.encode("utf-8").split(b"\x00", 1)[0]
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@port("whitespace-collapsed", stages=["text"],
      habit="`\" \".join(value.split())` (XPath normalize-space, Go strings.Fields) to tidy ids",
      fair=["WHITESPACE_COLLAPSED", "TRIMMED_INPUT"], status="mandatory",
      reveals=["user-id-tab", "user-id-surrounding-spaces"])
def whitespace_collapsed(secret, user_id, email):
    uid = "" if user_id is None else " ".join(str(user_id).split())
    mail = "" if email is None else " ".join(email.split())
    identifier = uid or mail
    if not identifier:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("zero-width-removed", stages=["text"],
      habit="a sanitiser against look-alike ids strips zero-width characters and direction marks "
            "(U+200B-U+200F, U+2060, U+FEFF)",
      fair=["INVISIBLE_CHARACTERS_REMOVED"], status="mandatory",
      reveals=["user-id-zero-width-joiner", "user-id-right-to-left"])
def zero_width_removed(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    identifier = re.sub("[\u200b-\u200f\u2060\ufeff]", "", identifier)
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("java-normalizer-nfc", stages=["text"],
      habit="Java `Normalizer.normalize(id, Form.NFC)` \"to compare ids canonically\"",
      fair=["UNICODE_NORMALIZED"], target=["UNICODE_NORMALIZED (nfc)"], status="mandatory",
      reveals=["user-id-nfd"])
def java_normalizer_nfc(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), unicodedata.normalize("NFC", identifier).encode(),
                    hashlib.sha256).hexdigest()


@port("macos-filename-nfd", stages=["text"],
      habit="ids that came through HFS+ file names, which store NFD",
      fair=["UNICODE_NORMALIZED"], target=["UNICODE_NORMALIZED (nfd)"], status="mandatory",
      reveals=["user-id-nfc", "user-id-latin1-letters"])
def macos_filename_nfd(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), unicodedata.normalize("NFD", identifier).encode(),
                    hashlib.sha256).hexdigest()


@port("django-normalize-username", stages=["text"],
      habit="Django's `AbstractBaseUser.normalize_username` (NFKC) applied to the id before "
            "signing",
      fair=["UNICODE_NORMALIZED"], target=["UNICODE_NORMALIZED (nfkc)"], status="mandatory",
      reveals=["user-id-compatibility-characters"])
def django_normalize_username(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), unicodedata.normalize("NFKC", identifier).encode(),
                    hashlib.sha256).hexdigest()


@port("slug-nfkd", stages=["text"],
      habit="the first step of a slugify helper, `unicodedata.normalize(\"NFKD\", value)`, kept "
            "for the hash",
      fair=["UNICODE_NORMALIZED"], target=["UNICODE_NORMALIZED (nfkd)"], status="mandatory",
      reveals=["user-id-compatibility-characters", "user-id-nfc"])
def slug_nfkd(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), unicodedata.normalize("NFKD", identifier).encode(),
                    hashlib.sha256).hexdigest()


@port("python-html-escape", stages=["text"],
      habit="Python `html.escape(value)` for the template, done before the hash instead of after",
      evidence="HTML_ESCAPED_INPUT: values escaped for a <script> tag before hashing; "
               "intercom-node HTML-escaped after hashing",
      fair=["HTML_ESCAPED_INPUT"], target=["HTML_ESCAPED_INPUT (python)"], status="mandatory",
      reveals=["user-id-html-special-characters", "email-apostrophe-ampersand"])
def python_html_escape(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), html.escape(identifier).encode(), hashlib.sha256).hexdigest()


@port("php-htmlspecialchars", stages=["text"],
      habit="PHP 8.1+ `htmlspecialchars($id)` (ENT_QUOTES by default: ' is &#039;) before "
            "hash_hmac",
      fair=["HTML_ESCAPED_INPUT"], target=["HTML_ESCAPED_INPUT (php)"], status="mandatory",
      reveals=["user-id-html-special-characters", "email-apostrophe-ampersand"])
def php_htmlspecialchars(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    escaped = (identifier.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
               .replace('"', "&quot;").replace("'", "&#039;"))
    return hmac.new(secret.encode(), escaped.encode(), hashlib.sha256).hexdigest()


@port("php-htmlspecialchars-compat", stages=["text"],
      habit="PHP before 8.1: `htmlspecialchars($id)` defaulted to ENT_COMPAT, escaping \" but "
            "not '",
      fair=["HTML_ESCAPED_INPUT"], target=["HTML_ESCAPED_INPUT (php-compat)"], status="mandatory",
      reveals=["user-id-html-special-characters", "email-apostrophe-ampersand"])
def php_htmlspecialchars_compat(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    escaped = (identifier.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
               .replace('"', "&quot;"))
    return hmac.new(secret.encode(), escaped.encode(), hashlib.sha256).hexdigest()


@port("go-html-escapestring", stages=["text"],
      habit="Go `html.EscapeString(id)`: \" becomes &#34; and ' becomes &#39;",
      fair=["HTML_ESCAPED_INPUT"], target=["HTML_ESCAPED_INPUT (go)"], status="mandatory",
      reveals=["user-id-html-special-characters", "email-apostrophe-ampersand"])
def go_html_escapestring(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    escaped = (identifier.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;")
               .replace(">", "&gt;").replace('"', "&#34;"))
    return hmac.new(secret.encode(), escaped.encode(), hashlib.sha256).hexdigest()


@port("hand-written-html-escape", stages=["text"],
      habit="a hand-written escape of & < > only, applied to everything the template prints",
      fair=["HTML_ESCAPED_INPUT"], target=["HTML_ESCAPED_INPUT (minimal)"], status="mandatory",
      reveals=["user-id-html-special-characters", "email-apostrophe-ampersand"])
def hand_written_html_escape(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    escaped = identifier.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return hmac.new(secret.encode(), escaped.encode(), hashlib.sha256).hexdigest()


@port("encode-uri-component", stages=["text"],
      habit="JavaScript `encodeURIComponent(id)`: the hash was computed from the value as it sits "
            "in the query string",
      fair=["URL_ENCODED_INPUT"], target=["URL_ENCODED_INPUT (uri-component)"], status="mandatory",
      reveals=["email-only"])
def encode_uri_component(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    encoded = quote(identifier, safe="-_.!~*'()")
    return hmac.new(secret.encode(), encoded.encode(), hashlib.sha256).hexdigest()


@port("form-urlencoded", stages=["text"],
      habit="Python `urllib.parse.quote_plus(id)`: the value as an HTML form would post it",
      fair=["URL_ENCODED_INPUT"], target=["URL_ENCODED_INPUT (form)"], status="mandatory",
      reveals=["email-only", "user-id-surrounding-spaces"])
def form_urlencoded(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), quote_plus(identifier).encode(), hashlib.sha256).hexdigest()


@port("query-string-plus-decoded", stages=["text"],
      habit="the email passed unencoded in a redirect URL and read back with `unquote_plus`: "
            "\"ada+messenger@…\" becomes \"ada messenger@…\"",
      fair=["URL_DECODED_INPUT"], status="mandatory", reveals=["email-plus-addressing"])
def query_string_plus_decoded(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), unquote_plus(identifier).encode(), hashlib.sha256).hexdigest()


@port("json-escaped-value", stages=["text"],
      habit="the id spliced into a JSON template as `json.dumps(value)[1:-1]`, and the escaped "
            "text signed",
      fair=["SERIALIZED_INPUT"], target=["SERIALIZED_INPUT (json-escaped)"], status="mandatory",
      reveals=["user-id-tab", "user-id-latin1-letters"])
def json_escaped_value(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), json.dumps(identifier)[1:-1].encode(),
                    hashlib.sha256).hexdigest()


@port("php-strip-tags", stages=["text"],
      habit="PHP `strip_tags($userId)` as input sanitising in a WordPress plugin",
      fair=["TAGS_STRIPPED"], status="mandatory", reveals=["user-id-html-special-characters"])
def php_strip_tags(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    stripped = re.sub(r"<[^>]*>", "", identifier)
    return hmac.new(secret.encode(), stripped.encode(), hashlib.sha256).hexdigest()


@port("php-addslashes", stages=["text"],
      habit="PHP `addslashes($email)` (magic-quotes era): ' \" \\ and NUL backslash-escaped",
      fair=["BACKSLASH_ESCAPED_INPUT"], status="mandatory",
      reveals=["email-apostrophe-ampersand", "user-id-nul"])
def php_addslashes(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    escaped = (identifier.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"')
               .replace("\x00", "\\0"))
    return hmac.new(secret.encode(), escaped.encode(), hashlib.sha256).hexdigest()


@port("varchar-64", stages=["text"],
      habit="the id is stored in a VARCHAR(64) column first, and the stored value is signed",
      fair=["LENGTH_LIMITED_INPUT"], target=["LENGTH_LIMITED_INPUT (64 characters)"],
      status="mandatory", reveals=["user-id-119-bytes", "user-id-1024-bytes"])
def varchar_64(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier[:64].encode(), hashlib.sha256).hexdigest()


@port("mysql-255-bytes", stages=["text"],
      habit="a 255-byte column: the UTF-8 bytes cut at 255, a split character dropped",
      fair=["LENGTH_LIMITED_INPUT"], target=["LENGTH_LIMITED_INPUT (255 bytes)"],
      status="mandatory", reveals=["user-id-1024-bytes"])
def mysql_255_bytes(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    message = identifier.encode("utf-8")[:255].decode("utf-8", "ignore").encode("utf-8")
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@port("email-plus-tag-removed", stages=["text"],
      habit="\"canonical\" emails: the +tag removed from the local part, as for duplicate-account "
            "checks",
      fair=["EMAIL_CANONICALIZED"], status="mandatory", reveals=["email-plus-addressing"])
def email_plus_tag_removed(secret, user_id, email):
    if user_id is not None and user_id != "":
        identifier = str(user_id)
    elif email:
        identifier = re.sub(r"\+[^@]*@", "@", email, count=1)
    else:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("email-stripped-only", stages=["text"],
      habit="`email.strip()` from the signup form; user ids are left alone",
      fair=["TRIMMED_INPUT"], status="mandatory", reveals=["email-surrounding-whitespace"])
def email_stripped_only(secret, user_id, email):
    if user_id is not None and user_id != "":
        identifier = str(user_id)
    elif email and email.strip():
        identifier = email.strip()
    else:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()
