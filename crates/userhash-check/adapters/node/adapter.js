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

// ---------------------------------------------------------------------------
// 2. Adapter protocol v1 glue
// ---------------------------------------------------------------------------

// One reply object for one request, or null for "stop".
function handle(req) {
  if (req.cmd === 'start') {
    if (req.protocol !== 1) return { ok: false, error: `unsupported protocol version ${JSON.stringify(req.protocol ?? null)}` };
    return {
      ok: true,
      implementation: {
        name: 'userhash-node', language: 'node', version: process.versions.node,
        homepage: 'https://github.com/userhash/userhash', features: ['verify'],
      },
    };
  }
  if (req.cmd === 'stop') return null;
  const reply = 'seq' in req ? { seq: req.seq } : {};
  try {
    if (req.cmd === 'user_hash') reply.user_hash = userHash(req.secret, req.user_id, req.email);
    else if (req.cmd === 'verify') reply.valid = verify(req.secret, req.user_id, req.email, req.user_hash);
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
  const reply = handle(req);
  if (reply === null) process.exit(0);
  send(reply);
});
rl.on('close', () => process.exit(0));
