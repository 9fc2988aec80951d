#!/usr/bin/env node
// userhash reference port for Node.js (built-ins only: crypto + readline).
//
// Section 1 is the rule itself -- the part an implementer copies.
// Section 2 is the glue for the userhash-check adapter protocol v1
// (newline-delimited JSON on stdin/stdout).
'use strict';
const crypto = require('crypto');
const readline = require('readline');

// ---------------------------------------------------------------------------
// 1. Reference implementation
// ---------------------------------------------------------------------------

// The identifier as text, or null when absent (undefined, null or "").
function identifier(name, value) {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') {
    // Buffer.from() would silently turn a lone surrogate into U+FFFD; refuse instead.
    if (!value.isWellFormed()) throw new Error(`${name} is not well-formed Unicode`);
    return value; // byte for byte: no trimming, case folding or normalisation
  }
  if (name === 'user_id' && Number.isInteger(value)) {
    // JSON.parse cannot tell 42.0 from 42 and rounds beyond 2^53 (both tolerated);
    // BigInt() prints any integral number as plain digits, never "1e+21".
    return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
  }
  if (name === 'user_id' && typeof value === 'bigint') return value.toString();
  throw new Error(`${name} must be ${name === 'user_id' ? 'a string or an integer' : 'a string'}`);
}

// Lowercase hex HMAC-SHA256 of the user_id (else the email); null if unidentified.
function userHash(secret, userId, email) {
  if (typeof secret !== 'string' || secret === '') throw new Error('secret must be a non-empty string');
  if (!secret.isWellFormed()) throw new Error('secret is not well-formed Unicode');
  const uid = identifier('user_id', userId);
  const mail = identifier('email', email);
  const identity = uid !== null ? uid : mail;
  if (identity === null) return null;
  return crypto.createHmac('sha256', Buffer.from(secret, 'utf8')).update(identity, 'utf8').digest('hex');
}

// True iff `presented` is exactly the lowercase hex user_hash (constant time).
function verify(secret, userId, email, presented) {
  const expected = userHash(secret, userId, email);
  if (expected === null || typeof presented !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(presented, 'utf8');
  return a.length === b.length && crypto.timingSafeEqual(a, b); // timingSafeEqual throws on unequal lengths
}

// Messenger-security JWTs (HS256): the token that replaces the user hash.

const JWT_HEADER = { alg: 'HS256', typ: 'JWT' };
const JWT_MAX_LEN = 8192; // bytes: a longer token is refused before anything is decoded
const JWT_LEEWAY = 60; // seconds of clock skew tolerated on exp and nbf
const JSON_MAX_DEPTH = 128; // nesting refused at this depth (a bound on the parser's recursion)

// A strict JSON (RFC 8259) parser, because JSON.parse silently keeps the last of two equal
// keys, rounds integers beyond 2^53 and accepts "\ud800" alone. This one refuses a lone
// surrogate and a number beyond the double range; with `uniqueKeys` it refuses a key repeated
// in the top-level object, and with `bigInts` it reads every integer (no '.' or exponent) as a
// BigInt. Objects get own properties, so "__proto__" is a key like any other.
function parseJson(text, { uniqueKeys = false, bigInts = false } = {}) {
  const PLAIN = /[^"\\\u0000-\u001f]*/y;
  const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
  const HEX4 = /^[0-9A-Fa-f]{4}$/;
  const LITERALS = [['true', true], ['false', false], ['null', null]];
  let i = 0;
  const fail = (what) => { throw new SyntaxError(`${what} at position ${i} of the JSON`); };
  const skipSpace = () => {
    while (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r') i++;
  };
  const string = () => { // text[i] is the opening quote
    let out = '';
    for (i++; ; ) {
      PLAIN.lastIndex = i;
      out += PLAIN.exec(text)[0];
      i = PLAIN.lastIndex;
      if (text[i] === '"') break;
      if (text[i] !== '\\') fail(i < text.length ? 'control character in a string' : 'unterminated string');
      const escape = text[i + 1];
      const simple = '"\\/bfnrt'.indexOf(escape);
      if (escape !== undefined && simple >= 0) {
        out += '"\\/\b\f\n\r\t'[simple];
        i += 2;
      } else if (escape === 'u' && HEX4.test(text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        fail('invalid escape');
      }
    }
    i++;
    if (!out.isWellFormed()) fail('lone surrogate in a string');
    return out;
  };
  const number = () => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m === null) fail('unexpected character');
    i = NUMBER.lastIndex;
    if (bigInts && m[1] === undefined && m[2] === undefined) return BigInt(m[0]);
    const n = Number(m[0]);
    if (!Number.isFinite(n)) fail('number out of range'); // 1e999: an exp that never comes
    return n;
  };
  const value = (depth) => {
    skipSpace();
    const c = text[i];
    if (c === '"') return string();
    if (c === '{' || c === '[') {
      if (depth + 1 >= JSON_MAX_DEPTH) fail('nested too deep');
      i++;
      return c === '{' ? object(depth + 1) : array(depth + 1);
    }
    for (const [word, v] of LITERALS) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return number();
  };
  const object = (depth) => { // after '{'
    const obj = {};
    skipSpace();
    if (text[i] === '}') { i++; return obj; }
    for (;;) {
      skipSpace();
      if (text[i] !== '"') fail('expected a key');
      const key = string();
      skipSpace();
      if (text[i] !== ':') fail("expected ':'");
      i++;
      const v = value(depth);
      if (uniqueKeys && depth === 1 && Object.hasOwn(obj, key)) fail(`repeated key ${JSON.stringify(key)}`);
      Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
      skipSpace();
      if (text[i] === '}') { i++; return obj; }
      if (text[i] !== ',') fail("expected ',' or '}'");
      i++;
    }
  };
  const array = (depth) => { // after '['
    const arr = [];
    skipSpace();
    if (text[i] === ']') { i++; return arr; }
    for (;;) {
      arr.push(value(depth));
      skipSpace();
      if (text[i] === ']') { i++; return arr; }
      if (text[i] !== ',') fail("expected ',' or ']'");
      i++;
    }
  };
  const result = value(0);
  skipSpace();
  if (i !== text.length) fail('unexpected character after the JSON');
  return result;
}

// Compact JSON like JSON.stringify, except that a BigInt is written as its digits and what
// JSON cannot hold (NaN, Infinity, a lone surrogate, a function) throws instead of turning
// into null or "\ud800".
function toJson(value) {
  switch (typeof value) {
    case 'string':
      if (!value.isWellFormed()) throw new Error('a string is not well-formed Unicode');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
      return `{${Object.keys(value)
        .filter((k) => value[k] !== undefined) // as JSON.stringify drops them
        .map((k) => `${toJson(k)}:${toJson(value[k])}`)
        .join(',')}}`;
    default:
      throw new Error(`a ${typeof value} is not JSON`);
  }
}

const base64url = (text) => Buffer.from(text, 'utf8').toString('base64url'); // no padding

// An HS256 user JWT for `claims` (an object): user_id required, every other claim signed as given.
function userJwt(secret, claims) {
  if (typeof secret !== 'string' || secret === '') throw new Error('secret must be a non-empty string');
  if (!secret.isWellFormed()) throw new Error('secret is not well-formed Unicode');
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new Error('claims must be an object');
  const userId = identifier('user_id', claims.user_id); // digits for an integer, as userHash
  if (userId === null) throw new Error('user_id is missing or empty (a JWT needs one)');
  const payload = { ...claims, user_id: userId }; // same key order, user_id as a string
  const signingInput = `${base64url(toJson(JWT_HEADER))}.${base64url(toJson(payload))}`;
  const tag = crypto.createHmac('sha256', Buffer.from(secret, 'utf8')).update(signingInput, 'utf8').digest();
  return `${signingInput}.${tag.toString('base64url')}`;
}

// The bytes of a base64url segment, or null unless it is canonical and unpadded.
function base64urlDecode(segment) {
  // Buffer.from(s, 'base64url') alone skips what it does not know and accepts '+', '/' and '='.
  if (!/^[A-Za-z0-9_-]*$/.test(segment) || segment.length % 4 === 1) return null;
  const bytes = Buffer.from(segment, 'base64url');
  // A last character with non-zero unused bits decodes to the same bytes; only one re-encodes.
  return bytes.toString('base64url') === segment ? bytes : null;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }); // a BOM is not JSON

// The object a segment holds, or null unless it is a UTF-8 JSON object with distinct keys.
function jsonObject(bytes) {
  try {
    const value = parseJson(strictUtf8.decode(bytes), { uniqueKeys: true });
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

// True iff `token` is a valid HS256 user JWT for `secret` at `now` (Unix seconds).
function verifyJwt(secret, token, now) {
  if (typeof secret !== 'string' || secret === '') throw new Error('secret must be a non-empty string');
  if (!secret.isWellFormed()) throw new Error('secret is not well-formed Unicode');
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new Error('now must be a number of seconds');
  if (typeof token !== 'string' || Buffer.byteLength(token, 'utf8') > JWT_MAX_LEN) return false;
  const segments = token.split('.');
  if (segments.length !== 3) return false;
  const [headerBytes, payloadBytes, signature] = segments.map(base64urlDecode);
  if (headerBytes === null || payloadBytes === null || signature === null) return false;
  const header = jsonObject(headerBytes);
  // The algorithm is pinned, never taken from the header: "none", "HS512", "hs256" are refused,
  // and so are critical extensions (crit), none of which is implemented here.
  if (header === null || header.alg !== 'HS256' || Object.hasOwn(header, 'crit')) return false;
  const expected = crypto.createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${segments[0]}.${segments[1]}`, 'utf8') // exactly as sent
    .digest();
  // timingSafeEqual throws on unequal lengths
  if (signature.length !== expected.length || !crypto.timingSafeEqual(signature, expected)) return false;
  const claims = jsonObject(payloadBytes); // read only once the signature is known good
  if (claims === null) return false;
  if (typeof claims.user_id !== 'string' || claims.user_id === '') return false; // a number is not accepted here
  const has = (name) => Object.hasOwn(claims, name);
  // A string, boolean or null exp must not mean "never expires".
  if ((has('exp') && typeof claims.exp !== 'number') || (has('nbf') && typeof claims.nbf !== 'number')) return false;
  if (has('exp') && now >= claims.exp + JWT_LEEWAY) return false;
  if (has('nbf') && now + JWT_LEEWAY < claims.nbf) return false;
  return true;
}

// ---------------------------------------------------------------------------
// 2. Adapter protocol v1 glue
// ---------------------------------------------------------------------------

// One reply object for one request (parsed from `line`), or null for "stop".
function handle(req, line) {
  if (req.cmd === 'start') {
    if (req.protocol !== 1) return { ok: false, error: `unsupported protocol version ${JSON.stringify(req.protocol ?? null)}` };
    return {
      ok: true,
      implementation: {
        name: 'userhash-node', language: 'node', version: process.versions.node,
        homepage: 'https://github.com/userhash/userhash', features: ['verify', 'jwt', 'verify_jwt'],
      },
    };
  }
  if (req.cmd === 'stop') return null;
  const reply = 'seq' in req ? { seq: req.seq } : {};
  try {
    if (req.cmd === 'user_hash') reply.user_hash = userHash(req.secret, req.user_id, req.email);
    else if (req.cmd === 'verify') reply.valid = verify(req.secret, req.user_id, req.email, req.user_hash);
    else if (req.cmd === 'user_jwt') {
      // JSON.parse rounds integers beyond 2^53 and cannot tell 42.0 from 42: read the claims
      // again with every integer as a BigInt, so that a user_id still a number was a float.
      const { claims } = parseJson(line, { bigInts: true });
      if (typeof claims?.user_id === 'number') throw new Error('user_id must be a string or an integer, got a float');
      reply.jwt = userJwt(req.secret, claims);
    } else if (req.cmd === 'verify_jwt') reply.valid = verifyJwt(req.secret, req.jwt, req.now);
    else reply.error = `unknown command ${JSON.stringify(req.cmd ?? null)}`;
  } catch (e) {
    reply.error = e.message;
  }
  return reply;
}

const send = (obj) => process.stdout.write(JSON.stringify(obj) + '\n'); // pipes are synchronous on POSIX

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (line.trim() === '') return;
  let req;
  try {
    req = JSON.parse(line);
    if (req === null || typeof req !== 'object' || Array.isArray(req)) throw new Error('request is not a JSON object');
  } catch (e) {
    const m = /"seq"\s*:\s*(\d+)/.exec(line); // best effort, keeps replies matchable
    send(m ? { seq: Number(m[1]), error: `malformed request: ${e.message}` } : { error: `malformed request: ${e.message}` });
    return;
  }
  const reply = handle(req, line);
  if (reply === null) process.exit(0);
  send(reply);
});
rl.on('close', () => process.exit(0));
