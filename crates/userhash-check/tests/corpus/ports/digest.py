"""Digest and construction: another hash function under the HMAC, or no HMAC at all.
"""
import hashlib
import hmac

from registry import port


def _identifier(user_id, email):
    if user_id is not None and user_id != "":
        return str(user_id)
    return email or None


@port("python-hmac-default-md5", stages=["digest"],
      habit="Python before 3.8: `hmac.new(key, msg).hexdigest()` without digestmod was HMAC-MD5",
      evidence="Python before 3.8: hmac.new(key, msg) defaulted to MD5",
      fair=["WRONG_DIGEST"], target=["WRONG_DIGEST (md5)"], status="mandatory",
      reveals=["user-id-only"])
def python_hmac_default_md5(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.md5).hexdigest()


@port("hmac-sha1", stages=["digest"],
      habit="`OpenSSL::HMAC.hexdigest(\"sha1\", ...)` from an older tutorial",
      fair=["WRONG_DIGEST"], target=["WRONG_DIGEST (sha1)"], status="mandatory",
      reveals=["user-id-only"])
def hmac_sha1(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha1).hexdigest()


@port("hmac-sha224", stages=["digest"],
      habit="`hmac.new(key, msg, hashlib.sha224)`: the neighbour in the autocomplete list",
      fair=["WRONG_DIGEST"], target=["WRONG_DIGEST (sha224)"], status="mandatory",
      reveals=["user-id-only"])
def hmac_sha224(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha224).hexdigest()


@port("hmac-sha384", stages=["digest"],
      habit="Java `Mac.getInstance(\"HmacSHA384\")`, \"SHA-2, but stronger\"",
      fair=["WRONG_DIGEST"], target=["WRONG_DIGEST (sha384)"], status="mandatory",
      reveals=["user-id-only"])
def hmac_sha384(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha384).hexdigest()


@port("hmac-sha512", stages=["digest"],
      habit="Node `createHmac(\"sha512\", secret)` copied from a webhook-signing snippet",
      fair=["WRONG_DIGEST"], target=["WRONG_DIGEST (sha512)"], status="mandatory",
      reveals=["user-id-only"])
def hmac_sha512(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha512).hexdigest()


@port("hmac-sha3-256", stages=["digest"],
      habit="`hmac.new(key, msg, hashlib.sha3_256)`: \"SHA-3 is the newer SHA-256\"",
      fair=["WRONG_DIGEST"], target=["WRONG_DIGEST (sha3-256)"], status="mandatory",
      reveals=["user-id-only"])
def hmac_sha3_256(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha3_256).hexdigest()


@port("hmac-sha512-256", stages=["digest"],
      habit="Go `hmac.New(sha512.New512_256, key)`: 64 hex digits like SHA-256, faster on 64-bit",
      fair=["WRONG_DIGEST"], target=["WRONG_DIGEST (sha512-256)"], status="mandatory",
      reveals=["user-id-only"])
def hmac_sha512_256(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(),
                    lambda *data: hashlib.new("sha512_256", *data)).hexdigest()


@port("sha256-secret-then-id", stages=["digest"],
      habit="PHP `hash('sha256', $secret . $email)`: a salted hash instead of an HMAC",
      evidence="a WordPress plugin used hash('sha256', secret . email) for two years",
      fair=["PLAIN_SHA256_CONCAT"], target=["PLAIN_SHA256_CONCAT (secret-message)"],
      status="mandatory", reveals=["user-id-only"])
def sha256_secret_then_id(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hashlib.sha256((secret + identifier).encode()).hexdigest()


@port("sha256-id-then-secret", stages=["digest"],
      habit="`sha256(userId + secret)`: the secret as a pepper appended to the value",
      fair=["PLAIN_SHA256_CONCAT"], target=["PLAIN_SHA256_CONCAT (message-secret)"],
      status="mandatory", reveals=["user-id-only"])
def sha256_id_then_secret(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hashlib.sha256((identifier + secret).encode()).hexdigest()


@port("sha256-with-separator", stages=["digest"],
      habit="`sha256(f\"{secret}:{user_id}\")`: a salted hash with a separator",
      fair=["PLAIN_SHA256_CONCAT"], target=["PLAIN_SHA256_CONCAT (separator)"],
      status="mandatory", reveals=["user-id-only"])
def sha256_with_separator(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hashlib.sha256(f"{secret}:{identifier}".encode()).hexdigest()


@port("sha256-without-secret", stages=["digest"],
      habit="`hashlib.sha256(user_id).hexdigest()`: the secret was forgotten altogether",
      fair=["PLAIN_SHA256_CONCAT"], target=["PLAIN_SHA256_CONCAT (unkeyed)"], status="mandatory",
      reveals=["user-id-only"])
def sha256_without_secret(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hashlib.sha256(identifier.encode()).hexdigest()


@port("rails-sha1-concat", stages=["digest"],
      habit="intercom-rails before December 2012: `Digest::SHA1.hexdigest(secret + user_id)`",
      evidence="intercom-rails: before Dec 2012 it was SHA1(secret + id)",
      fair=["PLAIN_SHA256_CONCAT", "WRONG_DIGEST"], target=["PLAIN_SHA256_CONCAT (sha1)"],
      status="mandatory", reveals=["user-id-only"])
def rails_sha1_concat(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hashlib.sha1((secret + identifier).encode()).hexdigest()


@port("php-md5-concat", stages=["digest"],
      habit="PHP `md5($secret . $userId)`",
      fair=["PLAIN_SHA256_CONCAT", "WRONG_DIGEST"], target=["PLAIN_SHA256_CONCAT (md5)"],
      status="mandatory", reveals=["user-id-only"])
def php_md5_concat(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    return hashlib.md5((secret + identifier).encode()).hexdigest()


@port("identifier-prehashed", stages=["digest"],
      habit="\"never sign PII\": the email is SHA-256-hashed first, and its hex signed",
      fair=["MESSAGE_PREHASHED"], status="mandatory", reveals=["user-id-only"])
def identifier_prehashed(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    digest = hashlib.sha256(identifier.encode()).hexdigest()
    return hmac.new(secret.encode(), digest.encode(), hashlib.sha256).hexdigest()


@port("go-mac-sum-appends", stages=["digest"],
      habit="Go `mac.Sum([]byte(userID))`: Sum appends the MAC of nothing to its argument",
      evidence="Go h.Sum(msg) appends to msg instead of hashing it",
      fair=["HMAC_SUM_MISUSED"], status="mandatory", reveals=["user-id-only"])
def go_mac_sum_appends(secret, user_id, email):
    identifier = _identifier(user_id, email)
    if identifier is None:
        return None
    mac = hmac.new(secret.encode(), b"", hashlib.sha256)  # nothing was ever written to it
    return (identifier.encode() + mac.digest()).hex()
