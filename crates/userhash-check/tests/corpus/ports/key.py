"""Key handling and hand-written HMACs: the secret decoded, trimmed, extended or cut before it
keys the HMAC, and HMACs written by hand with the key schedule of RFC 2104 gotten wrong.

The hand-written HMACs are written out in full, each as its author would have written it; the
reference's HMAC pads a key of up to 64 bytes with zeros and first hashes a longer one.
"""
import base64
import hashlib
import hmac

from registry import port, user_hash_probe


def _identifier(user_id, email):
    if user_id is not None and user_id != "":
        return str(user_id)
    return email or None


@port("secret-hex-when-it-looks-hex", stages=["key"],
      habit="`bytes.fromhex(secret)` when the secret parses as hex (\"it looks like a hex key\"), "
            "the raw text otherwise",
      fair=["SECRET_HEX_DECODED"], status="mandatory", reveals=["secret-hex-looking"])
def secret_hex_when_it_looks_hex(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    try:
        key = bytes.fromhex(secret)
    except ValueError:
        key = secret.encode()
    return hmac.new(key, identifier.encode(), hashlib.sha256).hexdigest()


@port("node-buffer-hex-secret", stages=["key"],
      habit="Node `crypto.createHmac(\"sha256\", Buffer.from(secret, \"hex\"))`: decoding stops at "
            "the first pair that is not hex, often leaving an empty key",
      evidence="Node's Buffer.from(nonHex, 'hex') silently yields an empty key",
      fair=["SECRET_HEX_DECODED"], target=["SECRET_HEX_DECODED (node)"], status="mandatory",
      reveals=["user-id-only", "secret-hex-looking"])
def node_buffer_hex_secret(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    hex_digits = "0123456789abcdefABCDEF"
    key = bytearray()
    for i in range(0, len(secret) - 1, 2):
        pair = secret[i:i + 2]
        if pair[0] not in hex_digits or pair[1] not in hex_digits:
            break
        key.append(int(pair, 16))
    return hmac.new(bytes(key), identifier.encode(), hashlib.sha256).hexdigest()


@port("secret-base64-when-valid", stages=["key"],
      habit="`base64.b64decode(secret, validate=True)` when that succeeds (\"secrets are "
            "base64\"), the raw text otherwise",
      fair=["SECRET_BASE64_DECODED"], status="mandatory",
      reveals=["secret-base64-looking", "secret-hex-looking"])
def secret_base64_when_valid(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    try:
        key = base64.b64decode(secret, validate=True)
    except ValueError:
        key = secret.encode()
    return hmac.new(key, identifier.encode(), hashlib.sha256).hexdigest()


@port("node-buffer-base64-secret", stages=["key"],
      habit="Node `Buffer.from(secret, \"base64\")`: lenient, URL-safe letters accepted, other "
            "characters skipped, decoding ends at \"=\"",
      fair=["SECRET_BASE64_DECODED"], target=["SECRET_BASE64_DECODED (node)"], status="mandatory",
      reveals=["user-id-only"])
def node_buffer_base64_secret(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    bits, count, key = 0, 0, bytearray()
    for c in secret.replace("-", "+").replace("_", "/"):
        if c == "=":
            break
        if c not in alphabet:
            continue
        bits, count = (bits << 6) | alphabet.index(c), count + 6
        if count >= 8:
            count -= 8
            key.append((bits >> count) & 0xFF)
    return hmac.new(bytes(key), identifier.encode(), hashlib.sha256).hexdigest()


@port("secret-file-with-newline", stages=["key"],
      habit="the secret read with `open(path).read()` from a file written by `echo`: it keeps the "
            "newline",
      evidence="secrets read from files, Kubernetes secrets, echo without -n",
      fair=["TRAILING_NEWLINE_IN_SECRET"], target=["TRAILING_NEWLINE_IN_SECRET (lf)"],
      status="mandatory", reveals=["user-id-only"])
def secret_file_with_newline(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    stored = secret + "\n"  # what `echo "$SECRET" > secret.txt` wrote, read back whole
    return hmac.new(stored.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("secret-file-windows", stages=["key"],
      habit="the secret file was saved on Windows: it ends in \"\\r\\n\", read back in binary mode",
      fair=["TRAILING_NEWLINE_IN_SECRET"], target=["TRAILING_NEWLINE_IN_SECRET (crlf)"],
      status="mandatory", reveals=["user-id-only"])
def secret_file_windows(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    stored = (secret + "\r\n").encode()
    return hmac.new(stored, identifier.encode(), hashlib.sha256).hexdigest()


@port("secret-stripped", stages=["key"],
      habit="Ruby `ENV.fetch(\"INTERCOM_SECRET\").strip` against stray whitespace",
      fair=["SECRET_TRIMMED"], status="mandatory",
      reveals=["secret-surrounding-spaces", "secret-trailing-newline"])
def secret_stripped(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.strip().encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("secret-chomped", stages=["key"],
      habit="`secret.rstrip(\"\\n\")` (Ruby chomp), meant for the file's newline, applied to a "
            "secret whose newline is part of it",
      fair=["SECRET_TRIMMED"], target=["SECRET_TRIMMED (newline)"], status="mandatory",
      reveals=["secret-trailing-newline"])
def secret_chomped(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.rstrip("\n").encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("secret-env-file-quotes", stages=["key"],
      habit="`docker run --env-file` keeps quotes: INTERCOM_SECRET=\"...\" arrives with them",
      fair=["SECRET_QUOTED"], status="mandatory", reveals=["user-id-only"])
def secret_env_file_quotes(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    value = f'"{secret}"'  # the line INTERCOM_SECRET="..." taken literally
    return hmac.new(value.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("php-hash-hmac-swapped", stages=["key"],
      habit="PHP `hash_hmac('sha256', $secret, $userId)`: data and key in each other's place",
      evidence="PHP hash_hmac(algo, data, key) and Perl hmac_sha256_hex(data, key) orders",
      fair=["KEY_MESSAGE_SWAPPED"], status="mandatory", reveals=["user-id-only"])
def php_hash_hmac_swapped(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(identifier.encode(), secret.encode(), hashlib.sha256).hexdigest()


@port("hand-hmac-long-key-unhashed", stages=["key"],
      habit="a hand-written HMAC that zero-pads the key to 64 bytes but never hashes a longer one",
      fair=["HAND_WRITTEN_HMAC"], target=["HAND_WRITTEN_HMAC (long-key-unhashed)"],
      status="mandatory", reveals=["secret-65-bytes", "secret-131-bytes"])
def hand_hmac_long_key_unhashed(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    key = secret.encode()
    key = key + b"\x00" * (64 - len(key))
    ipad = bytes(b ^ 0x36 for b in key)
    opad = bytes(b ^ 0x5C for b in key)
    inner = hashlib.sha256(ipad + identifier.encode()).digest()
    return hashlib.sha256(opad + inner).hexdigest()


@port("hand-hmac-long-key-cut", stages=["key"],
      habit="a hand-written HMAC that fits the key into the block with `key[:64]`",
      fair=["HAND_WRITTEN_HMAC"], target=["HAND_WRITTEN_HMAC (long-key-cut)"], status="mandatory",
      reveals=["secret-65-bytes", "secret-131-bytes"])
def hand_hmac_long_key_cut(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    key = secret.encode()[:64].ljust(64, b"\x00")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + identifier.encode()).digest()
    return hashlib.sha256(bytes(b ^ 0x5C for b in key) + inner).hexdigest()


@port("hand-hmac-key-always-hashed", stages=["key"],
      habit="a hand-written HMAC that hashes every key first, \"to normalise its length\"",
      fair=["HAND_WRITTEN_HMAC", "SECRET_PREHASHED"], target=["HAND_WRITTEN_HMAC (always-hashed)"],
      status="mandatory", reveals=["user-id-only"])
def hand_hmac_key_always_hashed(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    key = hashlib.sha256(secret.encode()).digest().ljust(64, b"\x00")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + identifier.encode()).digest()
    return hashlib.sha256(bytes(b ^ 0x5C for b in key) + inner).hexdigest()


@port("hand-hmac-hashes-at-64", stages=["key"],
      habit="a hand-written HMAC with `if len(key) >= 64` where RFC 2104 hashes only longer keys",
      fair=["HAND_WRITTEN_HMAC"], target=["HAND_WRITTEN_HMAC (off-by-one)"], status="mandatory",
      reveals=["secret-64-bytes"])
def hand_hmac_hashes_at_64(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    key = secret.encode()
    if len(key) >= 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\x00")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + identifier.encode()).digest()
    return hashlib.sha256(bytes(b ^ 0x5C for b in key) + inner).hexdigest()


@port("hand-hmac-block-128", stages=["key"],
      habit="a hand-written HMAC copied from an HMAC-SHA512 one: a 128-byte block with SHA-256",
      fair=["HAND_WRITTEN_HMAC"], target=["HAND_WRITTEN_HMAC (block-128)"], status="mandatory",
      reveals=["user-id-only"])
def hand_hmac_block_128(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    key = secret.encode()
    if len(key) > 128:
        key = hashlib.sha256(key).digest()
    key = key.ljust(128, b"\x00")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + identifier.encode()).digest()
    return hashlib.sha256(bytes(b ^ 0x5C for b in key) + inner).hexdigest()


@port("hand-hmac-block-32", stages=["key"],
      habit="a hand-written HMAC that takes the digest size (32) for the block size",
      fair=["HAND_WRITTEN_HMAC"], target=["HAND_WRITTEN_HMAC (block-32)"], status="mandatory",
      reveals=["user-id-only"])
def hand_hmac_block_32(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    key = secret.encode()
    if len(key) > 32:
        key = hashlib.sha256(key).digest()
    key = key.ljust(32, b"\x00")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + identifier.encode()).digest()
    return hashlib.sha256(bytes(b ^ 0x5C for b in key) + inner).hexdigest()


@port("hand-hmac-pads-swapped", stages=["key"],
      habit="a hand-written HMAC with the inner and outer pads in each other's place",
      fair=["HAND_WRITTEN_HMAC"], target=["HAND_WRITTEN_HMAC (pads-swapped)"], status="mandatory",
      reveals=["user-id-only"])
def hand_hmac_pads_swapped(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    key = secret.encode()
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\x00")
    inner = hashlib.sha256(bytes(b ^ 0x5C for b in key) + identifier.encode()).digest()
    return hashlib.sha256(bytes(b ^ 0x36 for b in key) + inner).hexdigest()


@port("hand-hmac-no-zero-padding", stages=["key"],
      habit="a hand-written HMAC that XORs the pads over the key's own bytes only, without "
            "padding it to the block",
      fair=["HAND_WRITTEN_HMAC"], target=["HAND_WRITTEN_HMAC (unpadded)"], status="mandatory",
      reveals=["user-id-only"])
def hand_hmac_no_zero_padding(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    key = secret.encode()
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + identifier.encode()).digest()
    return hashlib.sha256(bytes(b ^ 0x5C for b in key) + inner).hexdigest()


@port("hand-hmac-length-in-characters", stages=["key"],
      habit="a hand-written JavaScript HMAC: `if (secret.length > 64)` counts UTF-16 units, not "
            "bytes, and `Buffer.alloc(64)` then holds only the first 64 bytes of the key",
      fair=["HAND_WRITTEN_HMAC"], target=["HAND_WRITTEN_HMAC (long-key-by-chars)"],
      status="mandatory", reveals=["secret-chars-under-block-bytes-over"],
      probes=[user_hash_probe("é" * 40, user_id="user_8f3a2c")])
def hand_hmac_length_in_characters(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    units = len(secret.encode("utf-16-le")) // 2  # JavaScript's String.prototype.length
    key = hashlib.sha256(secret.encode()).digest() if units > 64 else secret.encode()
    block = key[:64].ljust(64, b"\x00")  # Buffer.alloc(64) + key.copy(block)
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block) + identifier.encode()).digest()
    return hashlib.sha256(bytes(b ^ 0x5C for b in block) + inner).hexdigest()


@port("c-key-strlen-plus-one", stages=["key"],
      habit="C `HMAC(EVP_sha256(), secret, strlen(secret) + 1, ...)`: the key keeps its NUL "
            "terminator, which only shows once the key fills the block",
      fair=["SECRET_WITH_NUL_TERMINATOR"], status="mandatory", reveals=["secret-64-bytes"])
def c_key_strlen_plus_one(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode() + b"\x00", identifier.encode(), hashlib.sha256).hexdigest()


@port("c-key-sizeof-pointer", stages=["key"],
      habit="C `HMAC(EVP_sha256(), key, sizeof(key), ...)` with `const char *key`: an 8-byte key",
      fair=["SECRET_TRUNCATED"], target=["SECRET_TRUNCATED (8 bytes)"], status="mandatory",
      reveals=["user-id-only"])
def c_key_sizeof_pointer(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode()[:8], identifier.encode(), hashlib.sha256).hexdigest()


@port("secret-from-unloaded-settings", stages=["key"],
      habit="the port reads `settings.get(\"INTERCOM_SECRET\", \"\")` from a config that is not "
            "loaded yet, and Python's HMAC takes the empty key without a word",
      evidence="empty secrets: Python and Node accept them",
      fair=["EMPTY_KEY", "EMPTY_SECRET_ACCEPTED"], status="mandatory", reveals=["user-id-only"])
def secret_from_unloaded_settings(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    settings = {}  # filled by a loader that runs after the first request
    key = settings.get("INTERCOM_SECRET", "")
    return hmac.new(key.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("empty-secret-not-checked", stages=["key"],
      habit="types are checked, an empty secret is not: the HMAC is keyed with nothing",
      evidence="Java SecretKeySpec and WebCrypto throw on an empty key; Python and Node accept it",
      fair=["EMPTY_SECRET_ACCEPTED"], status="mandatory", own_validation=True,
      reveals=["empty-secret"])
def empty_secret_not_checked(secret, user_id, email):
    if not isinstance(secret, str):
        raise ValueError("secret must be a string")
    if user_id is not None and not isinstance(user_id, str) and type(user_id) is not int:
        raise ValueError("user_id must be a string or an integer")
    if email is not None and not isinstance(email, str):
        raise ValueError("email must be a string")
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("secret-sha256-hex-key", stages=["key"],
      habit="\"derive a key\": `hashlib.sha256(secret).hexdigest()` used as the HMAC key",
      fair=["SECRET_PREHASHED"], target=["SECRET_PREHASHED (hex)"], status="mandatory",
      reveals=["user-id-only"])
def secret_sha256_hex_key(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    key = hashlib.sha256(secret.encode()).hexdigest().encode()
    return hmac.new(key, identifier.encode(), hashlib.sha256).hexdigest()
