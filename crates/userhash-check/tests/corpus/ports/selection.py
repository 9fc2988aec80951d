"""Selection and absence: which identifier is hashed, and what counts as absent.

Each port is written as the habit it imitates would write it, with the language named in its
habit line; Python stands in for that language's semantics where they differ.
"""
import hashlib
import hmac

from registry import UNDEFINED, port


@port("email-first", stages=["selection"],
      habit="`email || userId`: the email is tried first, as the stabler-looking identifier",
      evidence="a WordPress analytics plugin (\"It needs to be userId, not email\"), a Django "
               "package issue, a web app's \"fix user_hash/user_id mismatch\"",
      fair=["EMAIL_WHEN_USER_ID_PRESENT"], status="mandatory", reveals=["user-id-and-email"])
def email_first(secret, user_id, email):
    identifier = email if email else user_id
    if identifier is None or identifier == "":
        return None
    return hmac.new(secret.encode(), str(identifier).encode(), hashlib.sha256).hexdigest()


@port("user-id-only", stages=["selection"],
      habit="only the logged-in-user branch was written: no user_id, no hash, even with an email",
      evidence="intercom-rails emits the hash only when the user_id is present?",
      fair=["MISSING_HASH"], status="mandatory", reveals=["email-only"])
def user_id_only(secret, user_id, email):
    if user_id is None or user_id == "":
        return None
    return hmac.new(secret.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()


@port("hash-for-anonymous-visitors", stages=["selection"],
      habit="the snippet always signs, so a logged-out visitor gets the HMAC of an empty string",
      evidence="\"Identity verification does not apply to unidentified users\" (the docs)",
      fair=["HASH_FOR_UNIDENTIFIED"], status="mandatory", reveals=["unidentified-missing"])
def hash_for_anonymous_visitors(secret, user_id, email):
    identifier = str(user_id) if user_id not in (None, "") else (email or "")
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("truthy-user-id", stages=["selection"],
      habit="`userId ? String(userId) : email` (JavaScript) / `str(user_id) if user_id else email` "
            "(Python): truthiness makes a user_id of 0 absent",
      evidence="intercom-node's 2017 UserData; Django packages' `str(user_id) if user_id else email`",
      fair=["ZERO_ID_ABSENT", "EMAIL_WHEN_USER_ID_PRESENT"], status="mandatory",
      reveals=["user-id-integer-zero-with-email"])
def truthy_user_id(secret, user_id, email):
    identifier = str(user_id) if user_id else email
    if not identifier:
        return None
    return hmac.new(secret.encode("utf-8"), identifier.encode("utf-8"), hashlib.sha256).hexdigest()


@port("php-empty-check", stages=["selection"],
      habit="PHP `!empty($userId) ? $userId : $email`: empty() is also true for 0 and \"0\"",
      fair=["ZERO_ID_ABSENT", "EMAIL_WHEN_USER_ID_PRESENT"], status="mandatory",
      reveals=["user-id-integer-zero-with-email"])
def php_empty_check(secret, user_id, email):
    def empty(value):  # PHP's empty() on the JSON values a request can carry
        return value is None or value == "" or value == "0" or (type(value) is int and value == 0)
    identifier = user_id if not empty(user_id) else (email if not empty(email) else None)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), str(identifier).encode(), hashlib.sha256).hexdigest()


@port("python-str-of-none", stages=["selection"],
      habit="`str(request.user.pk)`: an anonymous user's pk is None, hashed as \"None\"; only an "
            "empty user_id falls back to the email",
      evidence="Django packages: one can hash the string \"None\"",
      fair=["STRINGIFIED_NULL", "HASH_FOR_UNIDENTIFIED"], status="mandatory",
      reveals=["email-only", "unidentified-missing"])
def python_str_of_none(secret, user_id, email):
    identifier = str(user_id) if user_id != "" else email
    if not identifier:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("js-template-literal", stages=["selection"],
      habit="JavaScript `${user.id}`: a missing id becomes \"undefined\", a null one \"null\"",
      evidence="STRINGIFIED_NULL: \"undefined\" ids; Intercom warns against placeholder ids",
      fair=["STRINGIFIED_NULL", "HASH_FOR_UNIDENTIFIED"], status="mandatory", sees_undefined=True,
      reveals=["email-only", "user-id-null-with-email"])
def js_template_literal(secret, user_id, email):
    def js_string(value):
        return "undefined" if value is UNDEFINED else "null" if value is None else str(value)
    identifier = js_string(user_id)
    if identifier == "":
        identifier = email if email not in (None, UNDEFINED, "") else None
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("go-sprint-nil", stages=["selection"],
      habit="Go `fmt.Sprint(payload[\"user_id\"])` on a map from json.Unmarshal: a nil interface "
            "prints \"<nil>\"",
      fair=["STRINGIFIED_NULL", "HASH_FOR_UNIDENTIFIED"], target=["STRINGIFIED_NULL (<nil>)"],
      status="mandatory",
      reveals=["email-only", "unidentified-null"])
def go_sprint_nil(secret, user_id, email):
    identifier = "<nil>" if user_id is None else str(user_id)
    if identifier == "":
        identifier = email or None
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("java-string-valueof", stages=["selection"],
      habit="Java `String.valueOf(params.get(\"user_id\"))`: a null Object becomes \"null\", which "
            "is not empty, so the email is never reached",
      fair=["STRINGIFIED_NULL", "HASH_FOR_UNIDENTIFIED"], status="mandatory", reveals=["email-only"])
def java_string_valueof(secret, user_id, email):
    identifier = "null" if user_id is None else str(user_id)
    if identifier == "":  # Java isEmpty()
        identifier = email
    if not identifier:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("lua-tostring-nil", stages=["selection"],
      habit="Lua (an OpenResty plugin) `tostring(body.user_id)`: the decoder maps null to nil, and "
            "tostring(nil) is \"nil\"",
      fair=["STRINGIFIED_NULL", "HASH_FOR_UNIDENTIFIED"], status="mandatory",
      reveals=["email-only", "unidentified-missing"])
def lua_tostring_nil(secret, user_id, email):
    identifier = "nil" if user_id is None else str(user_id)
    if identifier == "":
        identifier = email
    if identifier is None or identifier == "":
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("placeholder-strings-absent", stages=["selection"],
      habit="a defensive sanitiser after a placeholder-id incident: \"null\", \"None\", "
            "\"undefined\" and \"nil\" are treated as no user_id",
      evidence="Intercom warns against placeholder ids like \"undefined\"",
      fair=["PLACEHOLDER_STRING_ABSENT", "MISSING_HASH"], status="mandatory",
      reveals=["user-id-literal-null", "user-id-literal-undefined"])
def placeholder_strings_absent(secret, user_id, email):
    placeholders = {"", "null", "none", "undefined", "nil"}
    uid = None if user_id is None or str(user_id).lower() in placeholders else str(user_id)
    identifier = uid or (email if email and email.lower() not in placeholders else None)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("rails-present", stages=["selection"],
      habit="intercom-rails: `(user_id || email).to_s`, emitted only when present?; in Ruby \"\" is "
            "truthy, so an empty user_id blocks the email, and whitespace is not present?",
      evidence="intercom-rails (its spec for the empty user_id is a TODO since 2014)",
      fair=["MISSING_HASH", "BLANK_IDENTIFIER_ABSENT", "EMPTY_STRING_NOT_ABSENT"],
      status="acceptable-only", reveals=["user-id-empty-with-email", "user-id-whitespace-only"])
def rails_present(secret, user_id, email):
    value = user_id if user_id is not None else email  # Ruby: user_id || email
    text = "" if value is None else str(value)
    if not text.strip():  # present? is false for "", nil and whitespace
        return None
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


@port("blank-user-id-absent", stages=["selection"],
      habit="`if user_id and str(user_id).strip()`: a whitespace-only user_id is \"blank\", so the "
            "email is hashed (or nothing), though the value itself is never trimmed",
      fair=["BLANK_IDENTIFIER_ABSENT", "TRIMMED_INPUT", "MISSING_HASH", "EMAIL_WHEN_USER_ID_PRESENT"],
      status="acceptable-only",
      reveals=["user-id-whitespace-only", "user-id-whitespace-only-with-email"])
def blank_user_id_absent(secret, user_id, email):
    uid = "" if user_id is None else str(user_id)
    if uid.strip():
        identifier = uid
    elif email and email.strip():
        identifier = email
    else:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("none-check-only", stages=["selection"],
      habit="`user_id if user_id is not None else email`: only None is absent, so \"\" is hashed",
      fair=["EMPTY_STRING_NOT_ABSENT", "HASH_FOR_UNIDENTIFIED"], status="mandatory",
      reveals=["unidentified-empty-strings", "unidentified-empty-email"])
def none_check_only(secret, user_id, email):
    identifier = user_id if user_id is not None else email
    if identifier is None:
        return None
    return hmac.new(secret.encode(), str(identifier).encode(), hashlib.sha256).hexdigest()


@port("java-email-not-null", stages=["selection"],
      habit="Java `else if (email != null)`: the user_id is checked with isEmpty(), the email only "
            "for null, so an empty email is signed",
      fair=["EMPTY_STRING_NOT_ABSENT", "HASH_FOR_UNIDENTIFIED"], status="mandatory",
      reveals=["unidentified-empty-strings", "unidentified-empty-email"])
def java_email_not_null(secret, user_id, email):
    if user_id is not None and str(user_id) != "":
        identifier = str(user_id)
    elif email is not None:
        identifier = email
    else:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("only-strings-and-integers", stages=["selection"],
      habit="JavaScript `typeof id === \"string\" || Number.isInteger(id) ? id : undefined`: a "
            "value of another type (false, 4.5, an array) is treated as not sent",
      fair=["TYPE_COERCED"], target=["TYPE_COERCED (ignored)"], status="acceptable-only",
      own_validation=True, reveals=["user-id-type-boolean", "email-type-boolean-unused"])
def only_strings_and_integers(secret, user_id, email):
    if not isinstance(secret, str) or not secret:
        raise ValueError("secret is required")

    def usable(value):
        return isinstance(value, str) or (type(value) is int)
    uid = user_id if usable(user_id) and user_id != "" else None
    mail = email if isinstance(email, str) and email != "" else None
    identifier = uid if uid is not None else mail
    if identifier is None:
        return None
    return hmac.new(secret.encode(), str(identifier).encode(), hashlib.sha256).hexdigest()


@port("integer-user-id-skipped", stages=["selection"],
      habit="TypeScript `typeof userId === \"string\" && userId ? userId : email`: a numeric "
            "database id is silently skipped",
      fair=["INTEGER_USER_ID_REJECTED", "MISSING_HASH", "EMAIL_WHEN_USER_ID_PRESENT"],
      status="mandatory", reveals=["user-id-integer", "user-id-integer-zero-with-email"])
def integer_user_id_skipped(secret, user_id, email):
    identifier = user_id if isinstance(user_id, str) and user_id else email
    if not identifier:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()
