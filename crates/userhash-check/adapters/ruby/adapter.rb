#!/usr/bin/env ruby
# frozen_string_literal: true

# userhash reference port for Ruby (standard library only: openssl + json), with
# Messenger-security JWTs (HS256).
#
# Section 1 is the rule itself -- the part an implementer copies.
# Section 2 is the glue for the userhash-check adapter protocol v1
# (newline-delimited JSON on stdin/stdout).
require 'json'
require 'openssl'

# ---------------------------------------------------------------------------
# 1. Reference implementation
# ---------------------------------------------------------------------------
module UserHash
  module_function

  # The identifier as UTF-8 text, or nil when absent (nil or "").
  def identifier(name, value)
    return nil if value.nil? || value == ''
    return utf8(name, value) if value.is_a?(String) # byte for byte: no strip/downcase/normalise
    return value.to_s if name == 'user_id' && value.is_a?(Integer) # "42", "-7", "0"; true/false/Float are not Integer

    raise ArgumentError, "#{name} must be #{name == 'user_id' ? 'a string or an integer' : 'a string'}"
  end

  def utf8(name, str)
    str = str.encode(Encoding::UTF_8)
    raise ArgumentError, "#{name} is not valid UTF-8" unless str.valid_encoding?

    str
  end

  # Lowercase hex HMAC-SHA256 of the user_id (else the email); nil if unidentified.
  def user_hash(secret, user_id = nil, email = nil)
    raise ArgumentError, 'secret must be a non-empty string' unless secret.is_a?(String) && !secret.empty?

    uid = identifier('user_id', user_id)
    mail = identifier('email', email)
    identity = uid || mail
    return nil if identity.nil?

    OpenSSL::HMAC.hexdigest('SHA256', utf8('secret', secret), identity)
  end

  # True iff `presented` is exactly the lowercase hex user_hash (constant time).
  def verify(secret, user_id, email, presented)
    expected = user_hash(secret, user_id, email)
    return false if expected.nil? || !presented.is_a?(String)

    OpenSSL.secure_compare(expected, presented) # SHA-256s both sides, so lengths may differ
  end

  # --- Messenger-security JWTs (HS256) --------------------------------------

  JWT_HEADER = '{"alg":"HS256","typ":"JWT"}'
  JWT_MAX_LEN = 8192     # bytes; longer tokens are refused before anything is decoded
  JWT_LEEWAY = 60        # seconds of clock skew tolerated on exp and nbf
  JWT_MAX_NESTING = 127  # JSON nesting levels read, as the Rust reference (serde_json) does

  # A signed JWT carrying `claims` (a Hash): user_id is required, as a non-empty String or
  # an Integer (signed as its decimal digits, as user_hash hashes it); every other claim is
  # signed as given.
  def user_jwt(secret, claims)
    raise ArgumentError, 'secret must be a non-empty string' unless secret.is_a?(String) && !secret.empty?
    raise ArgumentError, 'claims must be a JSON object' unless claims.is_a?(Hash)

    user_id = claims['user_id']
    raise ArgumentError, 'user_id is missing or empty' if user_id.nil? || user_id == ''
    raise ArgumentError, 'user_id must be a string or an integer' unless user_id.is_a?(String) || user_id.is_a?(Integer)

    claims = claims.merge('user_id' => user_id.to_s) # Integer#to_s: "42", "-7", "18446744073709551615"
    signing_input = "#{b64url_encode(JWT_HEADER)}.#{b64url_encode(JSON.generate(claims, max_nesting: false))}"
    "#{signing_input}.#{b64url_encode(OpenSSL::HMAC.digest('SHA256', utf8('secret', secret), signing_input))}"
  end

  # True iff `token` is an HS256 JWT signed with `secret` whose claims hold a non-empty
  # string user_id and are in force at `now` (Unix seconds). Strict: anything malformed is
  # false (never an exception); only an empty secret or a non-numeric `now` raises.
  def verify_jwt(secret, token, now)
    raise ArgumentError, 'secret must be a non-empty string' unless secret.is_a?(String) && !secret.empty?
    raise ArgumentError, 'now must be a number of seconds' unless now.is_a?(Integer) || now.is_a?(Float)
    return false unless token.is_a?(String) && token.bytesize <= JWT_MAX_LEN

    segments = token.split('.', -1) # -1: keep empty trailing segments ("a.b.c." has 4)
    return false unless segments.length == 3

    header_b64, payload_b64, signature_b64 = segments
    header = json_object(b64url_decode(header_b64))
    return false unless header && header['alg'] == 'HS256' && !header.key?('crit') # pinned: never "none"

    payload = b64url_decode(payload_b64)
    signature = b64url_decode(signature_b64)
    return false unless payload && signature

    expected = OpenSSL::HMAC.digest('SHA256', utf8('secret', secret), "#{header_b64}.#{payload_b64}")
    return false unless OpenSSL.secure_compare(expected, signature) # constant time

    claims = json_object(payload) # read only once the signature holds
    return false unless claims && claims['user_id'].is_a?(String) && !claims['user_id'].empty?

    exp_ok = !claims.key?('exp') || (time?(claims['exp']) && now < claims['exp'] + JWT_LEEWAY) # expired at exp + leeway
    nbf_ok = !claims.key?('nbf') || (time?(claims['nbf']) && now + JWT_LEEWAY >= claims['nbf'])
    exp_ok && nbf_ok
  end

  def b64url_encode(bytes)
    [bytes].pack('m0').tr('+/', '-_').delete('=')
  end

  # The bytes of a base64url segment without padding, or nil: no '+', '/', '=' or
  # whitespace, and canonical (the unused bits of the last character are zero).
  def b64url_decode(segment)
    return nil unless segment.match?(/\A[A-Za-z0-9_-]*\z/) && segment.length % 4 != 1

    bytes = segment.tr('-_', '+/').ljust((segment.length + 3) / 4 * 4, '=').unpack1('m0')
    b64url_encode(bytes) == segment ? bytes : nil
  rescue ArgumentError # unpack1('m0') is strict, and raises on stray bits too
    nil
  end

  # JSON.parse builds objects with object_class#[]=, so this Hash sees every key, including
  # the repeats a plain Hash would silently overwrite.
  class KeyRecordingHash < Hash
    attr_reader :repeated_key

    def []=(key, value)
      @repeated_key ||= key if key?(key)
      super
    end
  end

  # JSON text as RFC 8259 spells it: a run of these tokens. Ruby's JSON.parse (json 2.6, Ruby 3.1)
  # also takes /* */ and // comments, unknown escapes such as \q and unpaired UTF-16
  # surrogates (it even reads "\ud800\ud800" as U+10000), all of which the reference refuses.
  JSON_TEXT = /\A(?>
      [\t\n\r\ ]+ | [{}\[\]:,] | true | false | null
    | -?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?
    | "(?>[^"\\\x00-\x1f]+ | \\["\\\/bfnrt] | \\u[dD][89abAB]\h\h\\u[dD][c-fC-F]\h\h | \\u(?![dD][89a-fA-F])\h{4})*"
  )*+\z/x

  # The JSON object in `bytes` (UTF-8, no key repeated at the top level), or nil.
  def json_object(bytes)
    return nil if bytes.nil?

    text = bytes.dup.force_encoding(Encoding::UTF_8)
    return nil unless text.valid_encoding? && JSON_TEXT.match?(text)

    object = JSON.parse(text, object_class: KeyRecordingHash, create_additions: false,
                              allow_nan: false, max_nesting: JWT_MAX_NESTING)
    object.is_a?(KeyRecordingHash) && object.repeated_key.nil? ? object : nil
  rescue JSON::ParserError # JSON::NestingError is one
    nil
  end

  # A NumericDate: a JSON number (true/false are not Numeric) that is finite.
  def time?(value)
    (value.is_a?(Integer) || value.is_a?(Float)) && value.finite?
  end
end

# ---------------------------------------------------------------------------
# 2. Adapter protocol v1 glue
# ---------------------------------------------------------------------------

# One reply Hash for one request, or nil for "stop".
def handle(req)
  case req['cmd']
  when 'start'
    return { ok: false, error: "unsupported protocol version #{JSON.generate(req['protocol'])}" } unless req['protocol'].eql?(1)

    { ok: true, implementation: { name: 'userhash-ruby', language: 'ruby', version: RUBY_VERSION,
                                  homepage: 'https://github.com/userhash/userhash', features: %w[verify jwt verify_jwt] } }
  when 'stop' then nil
  else
    reply = req.key?('seq') ? { seq: req['seq'] } : {}
    begin
      case req['cmd']
      when 'user_hash' then reply[:user_hash] = UserHash.user_hash(req['secret'], req['user_id'], req['email'])
      when 'verify' then reply[:valid] = UserHash.verify(req['secret'], req['user_id'], req['email'], req['user_hash'])
      when 'user_jwt' then reply[:jwt] = UserHash.user_jwt(req['secret'], req['claims'])
      when 'verify_jwt' then reply[:valid] = UserHash.verify_jwt(req['secret'], req['jwt'], req['now'])
      else reply[:error] = "unknown command #{JSON.generate(req['cmd'])}"
      end
    rescue ArgumentError, EncodingError, JSON::GeneratorError => e
      reply[:error] = e.message
    end
    reply
  end
end

$stdin.set_encoding(Encoding::UTF_8)
$stdout.sync = true
$stdin.each_line do |line|
  next if line.strip.empty?

  begin
    req = JSON.parse(line, max_nesting: false)
    raise JSON::ParserError, 'request is not a JSON object' unless req.is_a?(Hash)
  rescue JSON::ParserError, EncodingError => e
    reply = { error: "malformed request: #{e.message}".scrub }
    seq = line.b[/"seq"\s*:\s*(\d+)/, 1] # best effort, keeps replies matchable
    reply = { seq: Integer(seq, 10) }.merge(reply) if seq
    $stdout.puts JSON.generate(reply)
    next
  end
  reply = handle(req)
  exit 0 if reply.nil?
  $stdout.puts JSON.generate(reply)
end
exit 0
