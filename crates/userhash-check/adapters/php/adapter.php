#!/usr/bin/env php
<?php
// userhash reference port for PHP (core only: hash_hmac + json_decode).
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

// ---------------------------------------------------------------------------
// 2. Adapter protocol v1 glue
// ---------------------------------------------------------------------------

/** One reply array for one request, or null for "stop". */
function handle(stdClass $req): ?array
{
    $cmd = $req->cmd ?? null;
    if ($cmd === 'start') {
        if (($req->protocol ?? null) !== 1) {
            return ['ok' => false, 'error' => 'unsupported protocol version ' . json_encode($req->protocol ?? null, JSON_PRESERVE_ZERO_FRACTION)];
        }
        return ['ok' => true, 'implementation' => [
            'name' => 'userhash-php', 'language' => 'php', 'version' => PHP_VERSION,
            'homepage' => 'https://github.com/userhash/userhash', 'features' => ['verify']]];
    }
    if ($cmd === 'stop') {
        return null;
    }
    $reply = property_exists($req, 'seq') ? ['seq' => $req->seq] : [];
    $secret = $req->secret ?? null;
    $userId = $req->user_id ?? null;
    $email = $req->email ?? null;
    try {
        if (($cmd === 'user_hash' || $cmd === 'verify') && !is_string($secret)) {
            throw new InvalidArgumentException('secret must be a non-empty string');
        }
        if ($cmd === 'user_hash') {
            $reply['user_hash'] = user_hash($secret, $userId, $email);
        } elseif ($cmd === 'verify') {
            $reply['valid'] = verify($secret, $userId, $email, $req->user_hash ?? null);
        } else {
            $reply['error'] = 'unknown command ' . json_encode($cmd);
        }
    } catch (InvalidArgumentException $e) {
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
    $reply = handle($req);
    if ($reply === null) {
        exit(0);
    }
    send($reply);
}
exit(0);
