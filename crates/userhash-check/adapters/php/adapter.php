#!/usr/bin/env php
<?php
// userhash reference port for PHP (core only: hash_hmac + json_decode), with
// Messenger-security JWTs (HS256).
//
// Section 1 is the rule itself -- the part an implementer copies.
// Section 2 is the glue for the userhash-check adapter protocol v1
// (newline-delimited JSON on stdin/stdout).
declare(strict_types=1);

// ---------------------------------------------------------------------------
// 1. Reference implementation
// ---------------------------------------------------------------------------

/** The identifier as a string, or null when absent (null or ""). */
function userhash_identifier(string $name, $value): ?string
{
    if ($value === null || $value === '') {
        return null;
    }
    if (is_string($value)) {
        return $value; // byte for byte: no trim(), strtolower() or normalisation
    }
    if ($name === 'user_id' && is_int($value)) {
        return (string) $value; // "42", "-7", "0"; floats (42.0, 1e3) and bools are rejected below
    }
    throw new InvalidArgumentException("$name must be " . ($name === 'user_id' ? 'a string or an integer' : 'a string'));
}

/** Lowercase hex HMAC-SHA256 of the user_id (else the email); null if unidentified. */
function user_hash(string $secret, $userId = null, $email = null): ?string
{
    if ($secret === '') {
        throw new InvalidArgumentException('secret must be a non-empty string');
    }
    $uid = userhash_identifier('user_id', $userId);
    $mail = userhash_identifier('email', $email);
    $identity = $uid ?? $mail;
    if ($identity === null) {
        return null;
    }
    return hash_hmac('sha256', $identity, $secret); // NB: (algo, message, key)
}

/** True iff $presented is exactly the lowercase hex user_hash (constant time). */
function verify(string $secret, $userId, $email, $presented): bool
{
    $expected = user_hash($secret, $userId, $email);
    return $expected !== null && is_string($presented) && hash_equals($expected, $presented);
}

// --- Messenger-security JWTs (HS256) ----------------------------------------

const JWT_MAX_LEN = 8192;    // bytes; longer tokens are refused before anything is decoded
const JWT_LEEWAY = 60;       // seconds of clock skew tolerated on exp and nbf
const JWT_MAX_DEPTH = 128;   // json_decode() depth: 127 nesting levels, as the Rust reference (serde_json)

/**
 * A signed JWT carrying $claims: user_id is required, as a non-empty string or an int
 * (signed as its decimal digits, as user_hash hashes it); every other claim is signed as given.
 * Pass JSON objects as arrays or stdClass (an empty nested object must be a stdClass to stay `{}`).
 */
function user_jwt(string $secret, array|stdClass $claims): string
{
    if ($secret === '') {
        throw new InvalidArgumentException('secret must be a non-empty string');
    }
    $claims = is_array($claims) ? $claims : get_object_vars($claims);
    $userId = $claims['user_id'] ?? null;
    if ($userId === null || $userId === '') {
        throw new InvalidArgumentException('user_id is missing or empty');
    }
    if (is_int($userId)) {
        $claims['user_id'] = (string) $userId; // "42", "-7"
    } elseif (!is_string($userId)) {
        throw new InvalidArgumentException('user_id must be a string or an integer'); // 42.0, true, [...]
    }
    // JSON_PRESERVE_ZERO_FRACTION keeps 1.0 a float; JSON_THROW_ON_ERROR refuses INF/NAN and bad UTF-8.
    $payload = json_encode($claims, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION);
    $signingInput = jwt_base64url_encode('{"alg":"HS256","typ":"JWT"}') . '.' . jwt_base64url_encode($payload);
    return $signingInput . '.' . jwt_base64url_encode(hash_hmac('sha256', $signingInput, $secret, true));
}

/**
 * True iff $token is an HS256 JWT signed with $secret whose claims hold a non-empty string
 * user_id and are in force at $now (Unix seconds). Strict: anything malformed is false (never
 * an exception); only an empty secret throws.
 */
function verify_jwt(string $secret, string $token, int|float $now): bool
{
    if ($secret === '') {
        throw new InvalidArgumentException('secret must be a non-empty string');
    }
    if (strlen($token) > JWT_MAX_LEN) {
        return false;
    }
    $segments = explode('.', $token);
    if (count($segments) !== 3) {
        return false;
    }
    [$headerB64, $payloadB64, $signatureB64] = $segments;
    $header = jwt_json_object(jwt_base64url_decode($headerB64));
    // alg is pinned: never "none", never whatever the header asks for.
    if ($header === null || ($header['alg'] ?? null) !== 'HS256' || array_key_exists('crit', $header)) {
        return false;
    }
    $payload = jwt_base64url_decode($payloadB64);
    $signature = jwt_base64url_decode($signatureB64);
    if ($payload === null || $signature === null) {
        return false;
    }
    $expected = hash_hmac('sha256', $headerB64 . '.' . $payloadB64, $secret, true);
    if (!hash_equals($expected, $signature)) { // constant time
        return false;
    }
    $claims = jwt_json_object($payload); // read only once the signature holds
    $userId = $claims['user_id'] ?? null;
    if (!is_string($userId) || $userId === '') {
        return false;
    }
    if (array_key_exists('exp', $claims) && !(jwt_is_time($claims['exp']) && $now < $claims['exp'] + JWT_LEEWAY)) {
        return false; // expired at exp + leeway
    }
    if (array_key_exists('nbf', $claims) && !(jwt_is_time($claims['nbf']) && $now + JWT_LEEWAY >= $claims['nbf'])) {
        return false; // not valid before nbf - leeway
    }
    return true;
}

function jwt_base64url_encode(string $bytes): string
{
    return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
}

/**
 * The bytes of a base64url segment without padding, or null: no '+', '/', '=' or whitespace
 * (base64_decode(..., true) skips whitespace), and canonical (zero unused bits in the last char).
 */
function jwt_base64url_decode(string $segment): ?string
{
    if (!preg_match('/\A[A-Za-z0-9_-]*\z/', $segment) || strlen($segment) % 4 === 1) {
        return null;
    }
    $bytes = base64_decode(strtr($segment, '-_', '+/'), true);
    return $bytes !== false && jwt_base64url_encode($bytes) === $segment ? $bytes : null;
}

/**
 * The JSON object in $json (UTF-8, no key repeated at the top level) as an array, or null.
 * json_decode() checks the syntax and the UTF-8 but keeps the last of repeated keys, so the
 * members are also counted: a repeat leaves fewer keys than members.
 */
function jwt_json_object(?string $json): ?array
{
    if ($json === null) {
        return null;
    }
    try {
        $value = json_decode($json, true, JWT_MAX_DEPTH, JSON_THROW_ON_ERROR);
    } catch (JsonException) {
        return null;
    }
    // As arrays, {} and [] look alike: only text opening with '{' is an object.
    if (!is_array($value) || ltrim($json, " \t\n\r")[0] !== '{') {
        return null;
    }
    return jwt_top_level_members($json) === count($value) ? $value : null;
}

/** How many members the (already validated) JSON object text $json has at its top level. */
function jwt_top_level_members(string $json): int
{
    $depth = 0;
    $members = 0;
    $inString = false;
    for ($i = 0, $n = strlen($json); $i < $n; $i++) {
        $c = $json[$i];
        if ($inString) {
            if ($c === '\\') {
                $i++; // skip the escaped character (\" and \\ included)
            } elseif ($c === '"') {
                $inString = false;
            }
        } elseif ($c === '"') {
            $inString = true;
            if ($depth === 1 && $members === 0) {
                $members = 1; // the first key
            }
        } elseif ($c === '{' || $c === '[') {
            $depth++;
        } elseif ($c === '}' || $c === ']') {
            $depth--;
        } elseif ($c === ',' && $depth === 1) {
            $members++;
        }
    }
    return $members;
}

/** A NumericDate: a JSON number (int or float, not a numeric string or bool) that is finite. */
function jwt_is_time(mixed $value): bool
{
    return (is_int($value) || is_float($value)) && is_finite((float) $value);
}

// ---------------------------------------------------------------------------
// 2. Adapter protocol v1 glue
// ---------------------------------------------------------------------------

/**
 * The claims of a user_jwt request. $req was decoded with JSON_BIGINT_AS_STRING, which turns
 * an integer beyond PHP_INT_MAX into its exact digits: right for user_id (signed as its digits
 * anyway), but any other claim would become a string, so those come from a plain decode (where
 * such an integer is a float: still a number, to double precision).
 */
function request_claims(stdClass $req, string $line): mixed
{
    $claims = $req->claims ?? null;
    if (!$claims instanceof stdClass) {
        return $claims;
    }
    $plain = json_decode($line, false, 1 << 30)->claims;
    if (property_exists($claims, 'user_id')) {
        $plain->user_id = $claims->user_id;
    }
    return $plain;
}

/** One reply array for one request, or null for "stop". */
function handle(stdClass $req, string $line): ?array
{
    $cmd = $req->cmd ?? null;
    if ($cmd === 'start') {
        if (($req->protocol ?? null) !== 1) {
            return ['ok' => false, 'error' => 'unsupported protocol version ' . json_encode($req->protocol ?? null, JSON_PRESERVE_ZERO_FRACTION)];
        }
        return ['ok' => true, 'implementation' => [
            'name' => 'userhash-php', 'language' => 'php', 'version' => PHP_VERSION,
            'homepage' => 'https://github.com/userhash/userhash', 'features' => ['verify', 'jwt', 'verify_jwt']]];
    }
    if ($cmd === 'stop') {
        return null;
    }
    $reply = property_exists($req, 'seq') ? ['seq' => $req->seq] : [];
    $secret = $req->secret ?? null;
    $userId = $req->user_id ?? null;
    $email = $req->email ?? null;
    try {
        if (in_array($cmd, ['user_hash', 'verify', 'user_jwt', 'verify_jwt'], true) && !is_string($secret)) {
            throw new InvalidArgumentException('secret must be a non-empty string');
        }
        if ($cmd === 'user_hash') {
            $reply['user_hash'] = user_hash($secret, $userId, $email);
        } elseif ($cmd === 'verify') {
            $reply['valid'] = verify($secret, $userId, $email, $req->user_hash ?? null);
        } elseif ($cmd === 'user_jwt') {
            $claims = request_claims($req, $line);
            if (!$claims instanceof stdClass) {
                throw new InvalidArgumentException('claims must be a JSON object');
            }
            $reply['jwt'] = user_jwt($secret, $claims);
        } elseif ($cmd === 'verify_jwt') {
            $now = $req->now ?? null;
            if (!is_int($now) && !is_float($now)) {
                throw new InvalidArgumentException('now must be a number of seconds');
            }
            $token = $req->jwt ?? null;
            $reply['valid'] = is_string($token) && verify_jwt($secret, $token, $now);
        } else {
            $reply['error'] = 'unknown command ' . json_encode($cmd);
        }
    } catch (InvalidArgumentException | JsonException $e) {
        $reply['error'] = $e->getMessage();
    }
    return $reply;
}

function send(array $reply): void
{
    fwrite(STDOUT, json_encode($reply, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE) . "\n");
    fflush(STDOUT);
}

while (($line = fgets(STDIN)) !== false) {
    if (trim($line) === '') {
        continue;
    }
    // JSON_BIGINT_AS_STRING: integers beyond PHP_INT_MAX arrive as their exact decimal
    // digits (which hash the same as the integer) instead of being rounded to a float.
    $req = json_decode($line, false, 1 << 30, JSON_BIGINT_AS_STRING);
    if (!$req instanceof stdClass) {
        $reply = ['error' => 'malformed request: ' . (json_last_error() ? json_last_error_msg() : 'not a JSON object')];
        if (preg_match('/"seq"\s*:\s*(\d+)/', $line, $m)) { // best effort, keeps replies matchable
            $reply = ['seq' => (int) $m[1]] + $reply;
        }
        send($reply);
        continue;
    }
    $reply = handle($req, $line);
    if ($reply === null) {
        exit(0);
    }
    send($reply);
}
exit(0);
