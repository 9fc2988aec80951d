"""Output: the right 32 bytes written out wrongly (case, lost zeros, separators, prefixes,
base64, lengths, byte order, raw bytes).
"""
import base64
import hashlib
import hmac

from registry import port


def _identifier(user_id, email):
    if user_id is not None and user_id != "":
        return str(user_id)
    return email or None


def _mac(secret, identifier):
    return hmac.new(secret.encode("utf-8"), identifier.encode("utf-8"), hashlib.sha256)


@port("java-format-upper-02x", stages=["output"],
      habit="Java `String.format(\"%02X\", b)` per byte",
      evidence="the 2016 official \"other languages\" list printed uppercase in Java, Groovy and C#",
      fair=["UPPERCASE_HEX"], status="mandatory", reveals=["user-id-only"])
def java_format_02x_upper(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return "".join("%02X" % b for b in _mac(secret, identifier).digest())


@port("dotnet-convert-tohexstring", stages=["output"],
      habit="C# `Convert.ToHexString(hash)`, which is uppercase",
      evidence="Convert.ToHexString is uppercase",
      fair=["UPPERCASE_HEX"], status="mandatory", reveals=["user-id-only"])
def dotnet_convert_tohexstring(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return _mac(secret, identifier).digest().hex().upper()


@port("dotnet-bitconverter", stages=["output"],
      habit="C# `BitConverter.ToString(hash)`: uppercase pairs joined by dashes",
      evidence="dashes from BitConverter.ToString in C#",
      fair=["DECORATED_HEX", "UPPERCASE_HEX"], target=["DECORATED_HEX (dash)"],
      status="mandatory", reveals=["user-id-only"])
def dotnet_bitconverter(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return "-".join("%02X" % b for b in _mac(secret, identifier).digest())


@port("java-biginteger-hex", stages=["output"],
      habit="Java `new BigInteger(1, hash).toString(16)`: the digest's leading zeros are lost",
      evidence="BigInteger.toString(16) / Integer.toHexString per byte (secret \"secret\", id "
               "\"87\" hashes to a value starting with 00)",
      fair=["DROPPED_LEADING_ZEROS"], target=["DROPPED_LEADING_ZEROS (whole)"], status="mandatory",
      reveals=["hash-leading-zero", "hash-leading-double-zero"])
def java_biginteger_hex(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return format(int.from_bytes(_mac(secret, identifier).digest(), "big"), "x")


@port("python-hex-of-int", stages=["output"],
      habit="Python `hex(int.from_bytes(digest, \"big\"))[2:]`: zeros at the front are lost",
      fair=["DROPPED_LEADING_ZEROS"], target=["DROPPED_LEADING_ZEROS (whole)"], status="mandatory",
      reveals=["hash-leading-zero"])
def python_hex_of_int(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hex(int.from_bytes(_mac(secret, identifier).digest(), "big"))[2:]


@port("java-tohexstring-per-byte", stages=["output"],
      habit="Java `Integer.toHexString(b & 0xff)` per byte: bytes below 0x10 lose their zero",
      evidence="Integer.toHexString per byte",
      fair=["DROPPED_LEADING_ZEROS"], target=["DROPPED_LEADING_ZEROS (per-byte)"],
      status="mandatory", reveals=["hash-leading-double-zero-secret"])
def java_tohexstring_per_byte(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return "".join(format(b, "x") for b in _mac(secret, identifier).digest())


@port("java-tohexstring-signed", stages=["output"],
      habit="Java `Integer.toHexString(b)` without `& 0xff`: a byte above 0x7f becomes "
            "\"ffffff80\"",
      fair=["SIGNED_BYTE_HEX", "DROPPED_LEADING_ZEROS"], target=["SIGNED_BYTE_HEX (java)"],
      status="mandatory", reveals=["user-id-only"])
def java_tohexstring_signed(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return "".join(format(b if b < 0x80 else b - 0x100 + 2**32, "x")
                   for b in _mac(secret, identifier).digest())


@port("kotlin-byte-tostring16", stages=["output"],
      habit="Kotlin `hash.joinToString(\"\") { it.toString(16) }`: signed bytes, \"-80\"",
      evidence="signed-byte hex (\"-80\") in Kotlin",
      fair=["SIGNED_BYTE_HEX", "DROPPED_LEADING_ZEROS"], target=["SIGNED_BYTE_HEX (kotlin)"],
      status="mandatory", reveals=["user-id-only"])
def kotlin_byte_tostring16(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    out = []
    for b in _mac(secret, identifier).digest():
        signed = b - 0x100 if b >= 0x80 else b
        out.append(("-" if signed < 0 else "") + format(abs(signed), "x"))
    return "".join(out)


@port("md5-sized-column", stages=["output"],
      habit="`hexdigest()[:32]` to fit a CHAR(32) column made for MD5 hashes",
      fair=["TRUNCATED_HASH"], target=["TRUNCATED_HASH (128-bit)"], status="mandatory",
      reveals=["user-id-only"])
def md5_sized_column(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return _mac(secret, identifier).hexdigest()[:32]


@port("sha1-sized-column", stages=["output"],
      habit="`hexdigest()[:40]` to fit a column sized for SHA-1",
      fair=["TRUNCATED_HASH"], target=["TRUNCATED_HASH (160-bit)"], status="mandatory",
      reveals=["user-id-only"])
def sha1_sized_column(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return _mac(secret, identifier).hexdigest()[:40]


@port("substr-off-by-one", stages=["output"],
      habit="PHP `substr($hash, 0, 63)` in a template that meant to drop a newline",
      fair=["TRUNCATED_HASH"], target=["TRUNCATED_HASH (prefix)"], status="mandatory",
      reveals=["user-id-only"])
def substr_off_by_one(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return _mac(secret, identifier).hexdigest()[:63]


@port("java-base64-encoder", stages=["output"],
      habit="Java `Base64.getEncoder().encodeToString(mac.doFinal(...))`, from a base64 HMAC "
            "article",
      evidence="the official list was derived from an article on base64 HMACs",
      fair=["BASE64_OUTPUT"], target=["BASE64_OUTPUT (std)"], status="mandatory",
      reveals=["user-id-only"])
def java_base64_encoder(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return base64.b64encode(_mac(secret, identifier).digest()).decode()


@port("ruby-base64-encode64", stages=["output"],
      habit="Ruby `Base64.encode64(OpenSSL::HMAC.digest(...))`, which ends in a newline",
      evidence="Ruby's encode64 adds \"\\n\"",
      fair=["BASE64_OUTPUT"], target=["BASE64_OUTPUT (std-newline)"], status="mandatory",
      reveals=["user-id-only"])
def ruby_base64_encode64(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return base64.b64encode(_mac(secret, identifier).digest()).decode() + "\n"


@port("base64url-no-padding", stages=["output"],
      habit="the JWT habit: base64url without padding",
      fair=["BASE64_OUTPUT"], target=["BASE64_OUTPUT (url-nopad)"], status="mandatory",
      reveals=["user-id-only"])
def base64url_no_padding(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return base64.urlsafe_b64encode(_mac(secret, identifier).digest()).decode().rstrip("=")


@port("php-base64-of-hex", stages=["output"],
      habit="PHP `base64_encode(hash_hmac('sha256', $id, $secret))`: hash_hmac already returns "
            "hex, so the hex text is base64-encoded",
      fair=["BASE64_OUTPUT"], target=["BASE64_OUTPUT (of-hex)"], status="mandatory",
      reveals=["user-id-only"])
def php_base64_of_hex(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return base64.b64encode(_mac(secret, identifier).hexdigest().encode()).decode()


@port("php-bin2hex-of-hex", stages=["output"],
      habit="PHP `bin2hex(hash_hmac('sha256', $id, $secret))`: hex of the hex, 128 characters",
      fair=["HEX_ENCODED_TWICE"], status="mandatory", reveals=["user-id-only"])
def php_bin2hex_of_hex(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return _mac(secret, identifier).hexdigest().encode().hex()


@port("hex-0x-prefix", stages=["output"],
      habit="`\"0x\" + hash`, as web3 and BigInteger-to-hex helpers print",
      fair=["DECORATED_HEX"], target=["DECORATED_HEX (0x)"], status="mandatory",
      reveals=["user-id-only"])
def hex_0x_prefix(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return "0x" + _mac(secret, identifier).hexdigest()


@port("webhook-style-prefix", stages=["output"],
      habit="`\"sha256=\" + hash`, as GitHub's webhook signature header writes it",
      fair=["DECORATED_HEX"], target=["DECORATED_HEX (sha256=)"], status="mandatory",
      reveals=["user-id-only"])
def webhook_style_prefix(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return "sha256=" + _mac(secret, identifier).hexdigest()


@port("hex-with-spaces", stages=["output"],
      habit="Python `digest.hex(\" \")`, a hexdump-style rendering kept from debugging",
      fair=["DECORATED_HEX"], target=["DECORATED_HEX (space)"], status="mandatory",
      reveals=["user-id-only"])
def hex_with_spaces(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return _mac(secret, identifier).digest().hex(" ")


@port("hex-with-colons", stages=["output"],
      habit="`digest.hex(\":\")`, the fingerprint style of `openssl dgst -c`",
      fair=["DECORATED_HEX"], target=["DECORATED_HEX (colon)"], status="mandatory",
      reveals=["user-id-only"])
def hex_with_colons(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return _mac(secret, identifier).digest().hex(":")


@port("nibbles-swapped", stages=["output"],
      habit="a hand-written hex loop: `HEX[b & 0xf] + HEX[b >> 4]`",
      fair=["NIBBLES_SWAPPED"], status="mandatory", reveals=["user-id-only"])
def nibbles_swapped(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    digits = "0123456789abcdef"
    return "".join(digits[b & 0xF] + digits[b >> 4] for b in _mac(secret, identifier).digest())


@port("shell-output-newline", stages=["output"],
      habit="the hash taken from a subprocess's stdout (`openssl dgst -r | cut -d' ' -f1`) "
            "without stripping the newline",
      fair=["TRAILING_NEWLINE_IN_OUTPUT"], status="mandatory", reveals=["user-id-only"])
def shell_output_newline(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return _mac(secret, identifier).hexdigest() + "\n"


@port("openssl-dgst-stdout", stages=["output"],
      habit="the whole line of `echo -n $id | openssl dgst -sha256 -hmac $secret`: "
            "\"SHA2-256(stdin)= …\\n\"",
      fair=["DECORATED_HEX", "TRAILING_NEWLINE_IN_OUTPUT"], target=["DECORATED_HEX (openssl)"],
      status="mandatory", reveals=["user-id-only"])
def openssl_dgst_stdout(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return "SHA2-256(stdin)= " + _mac(secret, identifier).hexdigest() + "\n"


@port("node-digest-twice", stages=["output"],
      habit="Node: `hmac.digest(\"hex\")` logged, then called again for the response: a second "
            "digest() returns \"\"",
      evidence="a Node package called digest('hex') twice (the second returns \"\")",
      fair=["EMPTY_HASH"], status="mandatory", reveals=["user-id-only"])
def node_digest_twice(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    mac = _mac(secret, identifier)
    mac.hexdigest()  # the first call, for the log line
    return ""  # Node's Hmac is finalised: the second digest("hex") is empty


@port("php-raw-binary", stages=["output"],
      habit="PHP `hash_hmac('sha256', $id, $secret, true)`: the raw 32 bytes go out as a string",
      fair=["RAW_DIGEST_OUTPUT"], status="mandatory", reveals=["user-id-only"])
def php_raw_binary(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return _mac(secret, identifier).digest().decode("latin-1")


@port("python3-str-of-bytes", stages=["output"],
      habit="a Python 2 port run on Python 3: `str(mac.digest())` prints \"b'\\x00:...'\"",
      fair=["BYTES_REPR_OUTPUT", "RAW_DIGEST_OUTPUT"], status="mandatory",
      reveals=["user-id-only"])
def python3_str_of_bytes(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return str(_mac(secret, identifier).digest())


@port("python3-str-of-hex-bytes", stages=["output"],
      habit="`str(binascii.hexlify(digest))` on Python 3: \"b'2e94…'\"",
      fair=["BYTES_REPR_OUTPUT"], status="mandatory", reveals=["user-id-only"])
def python3_str_of_hex_bytes(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return str(_mac(secret, identifier).hexdigest().encode())


@port("little-endian-integer", stages=["output"],
      habit="`format(int.from_bytes(digest, \"little\"), \"064x\")`: the bytes read in the wrong "
            "order",
      fair=["BYTE_ORDER_REVERSED"], status="mandatory", reveals=["user-id-only"])
def little_endian_integer(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return format(int.from_bytes(_mac(secret, identifier).digest(), "little"), "064x")
