"""Identifier rendering: an integer user_id printed the way another language or library prints
it, numeric-looking strings re-parsed, ids serialised, and the type checks around them.

The reference hashes an integer as its plain decimal digits (42, -7, 0). Where a habit goes
through a 64-bit float, the port does too (`float(n)`), then prints it as that language would;
the printing is written from each language's documented rules, for the values the suite sends.
"""
import ctypes
import hashlib
import hmac
import json
from decimal import Decimal

from registry import port


def _select(user_id, email, render):
    """The reference selection, with integer user_ids rendered by `render`."""
    if user_id is not None and user_id != "":
        return render(user_id) if type(user_id) is int else user_id
    return email or None


@port("pandas-float-column", stages=["rendering"],
      habit="ids read through a pandas column with gaps become float64, so 42 is hashed as "
            "\"42.0\"",
      fair=["NUMERIC_ID_MISFORMAT"], target=["NUMERIC_ID_MISFORMAT (float)"], status="mandatory",
      reveals=["user-id-integer", "user-id-integer-negative"])
def pandas_float_column(secret, user_id, email):
    identifier = _select(user_id, email, lambda n: str(float(n)))
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("c-printf-g", stages=["rendering"],
      habit="C `snprintf(buf, n, \"%g\", (double) id)`: six significant digits, so 1000000 is "
            "\"1e+06\"",
      fair=["NUMERIC_ID_MISFORMAT"], status="mandatory",
      reveals=["user-id-integer-large-round", "user-id-integer-max-safe"])
def c_printf_g(secret, user_id, email):
    identifier = _select(user_id, email, lambda n: "%g" % float(n))
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("java-double-tostring", stages=["rendering"],
      habit="Java `String.valueOf(json.getDouble(\"user_id\"))`: \"42.0\", and "
            "\"9.007199254740991E15\" from 10^7 up",
      fair=["NUMERIC_ID_MISFORMAT"], status="mandatory",
      reveals=["user-id-integer", "user-id-integer-max-safe"])
def java_double_tostring(secret, user_id, email):
    def double_to_string(n):
        d = float(n)
        if d == 0:
            return "0.0"
        sign, x = ("-" if d < 0 else ""), abs(d)
        if 1e-3 <= x < 1e7:
            return f"{sign}{int(x)}.0"  # the suite's values are integral
        digits, exponent = Decimal(repr(x)).normalize().as_tuple()[1:]
        text = "".join(map(str, digits))
        return f"{sign}{text[0]}.{text[1:] or '0'}E{len(text) - 1 + exponent}"
    identifier = _select(user_id, email, double_to_string)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("rust-lower-exp", stages=["rendering"],
      habit="Rust `format!(\"{:e}\", id as f64)` in a logging-friendly formatter: \"4.2e1\", "
            "\"1e6\", \"0e0\"",
      fair=["NUMERIC_ID_MISFORMAT"], target=["NUMERIC_ID_MISFORMAT (exponent)"],
      status="mandatory", reveals=["user-id-integer"])
def rust_lower_exp(secret, user_id, email):
    def lower_exp(n):
        d = float(n)
        if d == 0:
            return "0e0"
        digits, exponent = Decimal(repr(abs(d))).normalize().as_tuple()[1:]
        text = "".join(map(str, digits))
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{'-' if d < 0 else ''}{mantissa}e{len(text) - 1 + exponent}"
    identifier = _select(user_id, email, lower_exp)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("go-sprint-float64", stages=["rendering"],
      habit="Go `fmt.Sprint(v)` on a number json.Unmarshal put in an interface{}: a float64, "
            "printed %v, so 1000000 is \"1e+06\"",
      fair=["NUMERIC_ID_MISFORMAT"], status="mandatory",
      reveals=["user-id-integer-large-round", "user-id-integer-max-safe"])
def go_sprint_float64(secret, user_id, email):
    def sprint(n):
        d = float(n)
        if d == 0:
            return "0"
        digits, exponent = Decimal(repr(abs(d))).normalize().as_tuple()[1:]
        text = "".join(map(str, digits))
        sci = len(text) - 1 + exponent
        sign = "-" if d < 0 else ""
        if sci < -4 or sci >= 6:  # %v is %g with the shortest digits: %e from exponent 6
            mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
            return f"{sign}{mantissa}e{'+' if sci >= 0 else '-'}{abs(sci):02d}"
        return sign + str(int(abs(d)))
    identifier = _select(user_id, email, sprint)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("dynamodb-decimal-normalize", stages=["rendering"],
      habit="boto3 returns DynamoDB numbers as Decimal; `str(n.normalize())` to drop a \".0\" "
            "turns 1000000 into \"1E+6\"",
      fair=["NUMERIC_ID_MISFORMAT"], status="mandatory", reveals=["user-id-integer-large-round"])
def dynamodb_decimal_normalize(secret, user_id, email):
    identifier = _select(user_id, email, lambda n: str(Decimal(n).normalize()))
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("js-number-tostring", stages=["rendering"],
      habit="JavaScript `String(body.user_id)` after JSON.parse: ids above 2^53 are rounded to a "
            "double, and u64::MAX prints as \"18446744073709552000\"",
      evidence="the bundled Node port warns on the same acceptable cases",
      fair=["NUMERIC_ID_MISFORMAT"], target=["NUMERIC_ID_MISFORMAT (javascript)"],
      status="acceptable-only", reveals=["user-id-integer-above-2-53", "user-id-integer-u64-max"])
def js_number_tostring(secret, user_id, email):
    def number_to_string(n):  # ECMAScript Number::toString for integral doubles below 1e21
        d = float(n)
        if d == 0:
            return "0"
        digits, exponent = Decimal(repr(abs(d))).normalize().as_tuple()[1:]
        text = "".join(map(str, digits)) + "0" * max(exponent, 0)
        return ("-" if d < 0 else "") + text
    identifier = _select(user_id, email, number_to_string)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("python-int-of-float", stages=["rendering"],
      habit="`str(int(float(user_id)))` to accept ids that arrive as 42.0: ids above 2^53 lose "
            "their last digits",
      fair=["NUMERIC_ID_MISFORMAT"], target=["NUMERIC_ID_MISFORMAT (float64-rounded)"],
      status="acceptable-only", reveals=["user-id-integer-above-2-53"])
def python_int_of_float(secret, user_id, email):
    identifier = _select(user_id, email, lambda n: str(int(float(n))))
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("php-number-format", stages=["rendering"],
      habit="PHP `number_format($id)` to \"print the id\": a float argument, grouped by "
            "thousands: \"1,000,000\"",
      fair=["LOCALE_GROUPED_ID", "NUMERIC_ID_MISFORMAT"], status="mandatory",
      reveals=["user-id-integer-large-round", "user-id-integer-max-safe"])
def php_number_format(secret, user_id, email):
    identifier = _select(user_id, email, lambda n: f"{int(float(n)):,}")
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("java-format-locale-de", stages=["rendering"],
      habit="Java `String.format(Locale.GERMANY, \"%,d\", id)` on a German server: \"1.000.000\"",
      fair=["LOCALE_GROUPED_ID", "NUMERIC_ID_MISFORMAT"], target=["LOCALE_GROUPED_ID (de)"],
      status="mandatory", reveals=["user-id-integer-large-round"])
def java_format_locale_de(secret, user_id, email):
    identifier = _select(user_id, email, lambda n: f"{n:,}".replace(",", "."))
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("java-int-cast", stages=["rendering"],
      habit="Java `Integer.toString((int) id)` from a long: ids above 2^31 wrap around",
      fair=["INTEGER_ID_OVERFLOW", "NUMERIC_ID_MISFORMAT"], target=["INTEGER_ID_OVERFLOW (int32)"],
      status="mandatory", reveals=["user-id-integer-max-safe"])
def java_int_cast(secret, user_id, email):
    identifier = _select(user_id, email, lambda n: str(ctypes.c_int32(n).value))
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("react-native-getint", stages=["rendering"],
      habit="React Native's Android bridge reads a numeric userId with getInt: large values "
            "saturate at 2147483647",
      evidence="React Native Android bridge: a numeric userId goes through getInt (fractions "
               "truncated, large values saturate)",
      fair=["INTEGER_ID_OVERFLOW", "NUMERIC_ID_MISFORMAT"],
      target=["INTEGER_ID_OVERFLOW (saturated)"], status="mandatory",
      reveals=["user-id-integer-max-safe"])
def react_native_getint(secret, user_id, email):
    identifier = _select(user_id, email, lambda n: str(max(-2**31, min(2**31 - 1, int(float(n))))))
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("go-uint64-conversion", stages=["rendering"],
      habit="Go `strconv.FormatUint(uint64(id), 10)`: a negative id read as unsigned",
      fair=["INTEGER_ID_OVERFLOW", "NUMERIC_ID_MISFORMAT"], target=["INTEGER_ID_OVERFLOW (unsigned)"],
      status="mandatory", reveals=["user-id-integer-negative"])
def go_uint64_conversion(secret, user_id, email):
    identifier = _select(user_id, email, lambda n: str(ctypes.c_uint64(n).value))
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("int64-wrap", stages=["rendering"],
      habit="C# `unchecked((long) id)` from a ulong-decoded JSON number: u64::MAX becomes -1",
      fair=["INTEGER_ID_OVERFLOW", "NUMERIC_ID_MISFORMAT"], status="acceptable-only",
      reveals=["user-id-integer-u64-max"])
def int64_wrap(secret, user_id, email):
    identifier = _select(user_id, email, lambda n: str(ctypes.c_int64(n).value))
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("php-float-precision", stages=["rendering"],
      habit="PHP json_decode turns an integer above PHP_INT_MAX into a float, and `(string)` "
            "prints it with precision 14: \"1.844674407371E+19\"",
      fair=["NUMERIC_ID_MISFORMAT"], status="acceptable-only", reveals=["user-id-integer-u64-max"])
def php_float_precision(secret, user_id, email):
    def php_string(n):
        if -2**63 <= n < 2**63:
            return str(n)
        text = "%.14G" % float(n)  # 1.844674407371E+19
        return text
    identifier = _select(user_id, email, php_string)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("pandas-numeric-strings", stages=["rendering"],
      habit="ids loaded from a CSV with pandas: a numeric-looking string column becomes float64 "
            "too, so \"42\" is hashed as \"42.0\"",
      fair=["NUMERIC_STRING_REPARSED", "NUMERIC_ID_MISFORMAT"], status="mandatory",
      reveals=["user-id-integer-as-string", "user-id-integer"])
def pandas_numeric_strings(secret, user_id, email):
    def as_float_text(value):  # what read_csv makes of the cell, printed back by str()
        return str(float(value)) if str(value).strip().lstrip("-").isdigit() else str(value)
    identifier = as_float_text(user_id) if user_id not in (None, "") else (email or None)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("js-number-reparse", stages=["rendering"],
      habit="JavaScript `isNaN(id) ? id : String(Number(id))` to normalise numeric ids: "
            "Number(\"   \") is 0, so a whitespace-only id is hashed as \"0\"",
      fair=["NUMERIC_STRING_REPARSED"], status="mandatory",
      reveals=["user-id-numeric-string-leading-zeros", "user-id-numeric-string-plus-sign",
               "user-id-numeric-string-space-padded", "user-id-whitespace-only",
               "user-id-whitespace-only-with-email"])
def js_number_reparse(secret, user_id, email):
    def js_number(text):  # Number(string): trimmed; empty is 0; otherwise a decimal literal or NaN
        stripped = text.strip(" \t\n\r\v\f")
        if stripped == "":
            return 0.0
        try:
            return float(stripped) if stripped.lstrip("+-").replace(".", "", 1).isdigit() else None
        except ValueError:
            return None
    if isinstance(user_id, str) and user_id != "":
        number = js_number(user_id)
        identifier = str(user_id) if number is None else (
            str(int(number)) if number == int(number) else repr(number))
    elif type(user_id) is int:
        identifier = str(user_id)  # integers arrive exact (a bigint-aware JSON reader)
    else:
        identifier = email or None
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("digit-string-reparsed", stages=["rendering"],
      habit="`str(int(user_id)) if user_id.isdigit()` to \"canonicalise\" numeric ids: \"007\" "
            "becomes \"7\"",
      fair=["NUMERIC_STRING_REPARSED"], status="mandatory",
      reveals=["user-id-numeric-string-leading-zeros"],
      probes=[{"cmd": "user_hash", "secret": "userhash-test-secret", "user_id": "007"}])
def digit_string_reparsed(secret, user_id, email):
    if isinstance(user_id, str) and user_id.isdigit():
        user_id = str(int(user_id))
    identifier = str(user_id) if user_id not in (None, "") else (email or None)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("json-stringify-id", stages=["rendering"],
      habit="JavaScript `JSON.stringify(userId)` to \"normalise\" string and numeric ids alike: a "
            "string keeps its quotes",
      fair=["SERIALIZED_INPUT"], target=["SERIALIZED_INPUT (json)"], status="mandatory",
      reveals=["user-id-only"])
def json_stringify_id(secret, user_id, email):
    if user_id is not None and user_id != "":
        identifier = json.dumps(user_id, ensure_ascii=False)
    else:
        identifier = email or None
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("python-repr-id", stages=["rendering"],
      habit="Python `f\"{user_id!r}\"` (a debugging format left in): \"'user_8f3a2c'\"",
      fair=["SERIALIZED_INPUT"], target=["SERIALIZED_INPUT (python-repr)"], status="mandatory",
      reveals=["user-id-only"])
def python_repr_id(secret, user_id, email):
    identifier = f"{user_id!r}" if user_id not in (None, "") else (email or None)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("integer-user-id-rejected", stages=["rendering"],
      habit="a strict TypeScript schema: `if (typeof userId !== \"string\") throw`",
      fair=["INTEGER_USER_ID_REJECTED"], status="mandatory", own_validation=True,
      reveals=["user-id-integer"])
def integer_user_id_rejected(secret, user_id, email):
    if not isinstance(secret, str) or not secret:
        raise ValueError("secret must be a non-empty string")
    if user_id is not None and not isinstance(user_id, str):
        raise ValueError("user_id must be a string")
    if email is not None and not isinstance(email, str):
        raise ValueError("email must be a string")
    identifier = user_id or email
    if not identifier:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("react-native-float-truncated", stages=["rendering"],
      habit="React Native's Android bridge reads a numeric userId with getInt: 4.5 becomes 4, "
            "42.0 becomes 42",
      evidence="React Native Android bridge: fractions truncated",
      fair=["TYPE_COERCED"], status="acceptable-only", own_validation=True,
      reveals=["user-id-type-float"])
def react_native_float_truncated(secret, user_id, email):
    if not isinstance(secret, str) or not secret:
        raise ValueError("secret must be a non-empty string")
    if isinstance(user_id, bool) or not isinstance(user_id, (type(None), str, int, float)):
        raise ValueError("user_id must be a string or a number")
    if isinstance(user_id, float):
        user_id = int(user_id)  # getInt truncates toward zero
    if email is not None and not isinstance(email, str):
        raise ValueError("email must be a string")
    identifier = str(user_id) if user_id not in (None, "") else (email or None)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("python-str-anything", stages=["rendering"],
      habit="Python `str(user_id)` with no type check: 4.5, True, ['42'] and {'id': '42'} are all "
            "hashed as Python prints them",
      fair=["TYPE_COERCED"], target=["TYPE_COERCED (python)"], status="acceptable-only",
      own_validation=True, reveals=["user-id-type-float", "user-id-type-boolean"])
def python_str_anything(secret, user_id, email):
    if not secret:
        raise ValueError("secret must be set")
    uid = None if user_id is None else str(user_id)
    mail = None if email is None else str(email)
    identifier = uid or mail
    if not identifier:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("python-bool-is-int", stages=["rendering"],
      habit="Python `isinstance(user_id, int)` lets True through, and `\"%d\" % True` is \"1\"",
      fair=["TYPE_COERCED"], status="acceptable-only", own_validation=True,
      reveals=["user-id-type-boolean"])
def python_bool_is_int(secret, user_id, email):
    if not isinstance(secret, str) or not secret:
        raise ValueError("secret must be a non-empty string")
    if user_id is not None and not isinstance(user_id, (str, int)):
        raise ValueError("user_id must be a string or an integer")
    if email is not None and not isinstance(email, str):
        raise ValueError("email must be a string")
    if isinstance(user_id, int):
        user_id = "%d" % user_id
    identifier = user_id or email
    if not identifier:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


@port("integral-float-accepted", stages=["rendering"],
      habit="`if isinstance(x, float) and x.is_integer(): x = int(x)`, because JavaScript clients "
            "cannot tell 42.0 from 42",
      evidence="the bundled Node port warns on the same case",
      fair=["TYPE_COERCED"], status="acceptable-only", own_validation=True,
      reveals=["user-id-float-integral"])
def integral_float_accepted(secret, user_id, email):
    if not isinstance(secret, str) or not secret:
        raise ValueError("secret must be a non-empty string")
    if isinstance(user_id, float) and user_id.is_integer():
        user_id = int(user_id)
    if user_id is not None and not isinstance(user_id, str) and type(user_id) is not int:
        raise ValueError("user_id must be a string or an integer")
    if email is not None and not isinstance(email, str):
        raise ValueError("email must be a string")
    identifier = str(user_id) if user_id not in (None, "") else (email or None)
    if identifier is None:
        return None
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()
