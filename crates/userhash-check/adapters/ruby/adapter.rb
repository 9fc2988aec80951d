#!/usr/bin/env ruby
# frozen_string_literal: true

# userhash reference port for Ruby (standard library only: openssl + json).
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
                                  homepage: 'https://github.com/userhash/userhash', features: ['verify'] } }
  when 'stop' then nil
  else
    reply = req.key?('seq') ? { seq: req['seq'] } : {}
    begin
      case req['cmd']
      when 'user_hash' then reply[:user_hash] = UserHash.user_hash(req['secret'], req['user_id'], req['email'])
      when 'verify' then reply[:valid] = UserHash.verify(req['secret'], req['user_id'], req['email'], req['user_hash'])
      else reply[:error] = "unknown command #{JSON.generate(req['cmd'])}"
      end
    rescue ArgumentError, EncodingError => e
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
