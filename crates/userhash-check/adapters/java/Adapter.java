// userhash adapter for Java (protocol v1). Run: java Adapter.java   (JDK 17, no dependencies)
import java.io.*;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.*;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public class Adapter {
    // ---------------------------------------------------------------- (1) reference rule

    static final class RuleError extends Exception {
        private static final long serialVersionUID = 1L;
        RuleError(String m) { super(m); }
    }

    /** JSON number token, kept as its literal text; integer = no fraction and no exponent. */
    record JsonNumber(String text, boolean integer) {}

    /** Converts a parsed JSON value to an identifier; null means absent (missing, null or ""). */
    static String identifier(Object v, boolean allowInt, String what) throws RuleError {
        if (v == null || v == JSON.NULL) return null;
        if (v instanceof String s) return s.isEmpty() ? null : s;
        if (allowInt && v instanceof JsonNumber n && n.integer()) return n.text();
        throw new RuleError(what + (allowInt ? " must be a string or an integer" : " must be a string"));
    }

    /** Lowercase hex HMAC-SHA256 of the selected identifier; null when unidentified. */
    static String userHash(String secret, String userId, String email) throws RuleError {
        if (secret == null || secret.isEmpty()) throw new RuleError("secret must be a non-empty string");
        String id = userId != null ? userId : email;
        if (id == null) return null;
        byte[] d = hmacSha256(secret, id);
        char[] hex = new char[d.length * 2];
        for (int i = 0; i < d.length; i++) {
            hex[2 * i] = Character.forDigit((d[i] >> 4) & 0xF, 16);
            hex[2 * i + 1] = Character.forDigit(d[i] & 0xF, 16);
        }
        return new String(hex);
    }

    /** HMAC-SHA256 keyed with the secret's UTF-8 bytes over the message's UTF-8 bytes. */
    static byte[] hmacSha256(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time comparison against the exact lowercase hex; unidentified is never valid. */
    static boolean verify(String secret, String userId, String email, String presented) throws RuleError {
        String want = userHash(secret, userId, email);
        if (want == null || presented == null) return false;
        return MessageDigest.isEqual(want.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    // Messenger-security JWTs (HS256): compact JWS, base64url without padding.
    static final String JWT_HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    static final int MAX_JWT_BYTES = 8192;
    static final double JWT_LEEWAY = 60;   // seconds of clock skew tolerated on exp and nbf
    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /**
     * Signs the claims (parsed JSON: numbers keep their literal text) as an HS256 JWT. user_id is
     * required, a non-empty string or an integer (signed as its digits); other claims are kept as given.
     */
    static String userJwt(String secret, Map<String, Object> claims) throws RuleError {
        if (secret == null || secret.isEmpty()) throw new RuleError("secret must be a non-empty string");
        String userId = identifier(claims.get("user_id"), true, "user_id");
        if (userId == null) throw new RuleError("a JWT needs a user_id: it is missing, null or empty");
        Map<String, Object> payload = new LinkedHashMap<>(claims);
        payload.put("user_id", userId);
        String signed = B64.encodeToString(JWT_HEADER.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(JSON.write(payload).getBytes(StandardCharsets.UTF_8));
        return signed + "." + B64.encodeToString(hmacSha256(secret, signed));
    }

    /**
     * Strict HS256 verification at {@code now} (Unix seconds). Only an empty secret is an error;
     * any malformed, forged, expired or not-yet-valid token is false.
     */
    static boolean verifyJwt(String secret, String token, long now) throws RuleError {
        if (secret == null || secret.isEmpty()) throw new RuleError("secret must be a non-empty string");
        if (token == null || token.getBytes(StandardCharsets.UTF_8).length > MAX_JWT_BYTES) return false;
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) return false;
        byte[][] raw = new byte[3][];
        for (int k = 0; k < 3; k++) if ((raw[k] = base64Url(parts[k])) == null) return false;
        Map<String, Object> header = uniqueObject(raw[0]);
        if (header == null || !"HS256".equals(header.get("alg")) || header.containsKey("crit")) return false;
        byte[] want = hmacSha256(secret, parts[0] + "." + parts[1]);
        if (!MessageDigest.isEqual(want, raw[2])) return false;   // constant time
        Map<String, Object> claims = uniqueObject(raw[1]);
        if (claims == null || !(claims.get("user_id") instanceof String id) || id.isEmpty()) return false;
        double t = now;
        if (claims.containsKey("exp")) {
            Double exp = numericDate(claims.get("exp"));
            if (exp == null || t >= exp + JWT_LEEWAY) return false;
        }
        if (claims.containsKey("nbf")) {
            Double nbf = numericDate(claims.get("nbf"));
            if (nbf == null || t + JWT_LEEWAY < nbf) return false;
        }
        return true;
    }

    /** Strict base64url without padding: alphabet only, no length % 4 == 1, zero unused bits. */
    static byte[] base64Url(String s) {
        if (s.length() % 4 == 1) return null;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) return null;
        }
        byte[] b = Base64.getUrlDecoder().decode(s);
        return B64.encodeToString(b).equals(s) ? b : null;   // canonical: re-encodes to the same text
    }

    /** A UTF-8 JSON object with no top-level key repeated, or null. */
    static Map<String, Object> uniqueObject(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            Object v = new JSON(text, true).parseDocument();
            @SuppressWarnings("unchecked") Map<String, Object> m = v instanceof Map ? (Map<String, Object>) v : null;
            return m;
        } catch (CharacterCodingException | RuntimeException e) {
            return null;
        }
    }

    /** An exp/nbf value: a finite JSON number, else null. */
    static Double numericDate(Object v) {
        if (!(v instanceof JsonNumber n)) return null;
        double d = Double.parseDouble(n.text());
        return Double.isFinite(d) ? d : null;
    }

    // ---------------------------------------------------------------- (2) protocol glue

    static final String HOMEPAGE = "https://github.com/userhash/userhash";

    public static void main(String[] args) throws IOException {
        InputStream in = new BufferedInputStream(System.in);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (int c; ; ) {
            c = in.read();
            if (c != '\n' && c != -1) { buf.write(c); continue; }
            String line = decodeUtf8(buf.toByteArray());
            buf.reset();
            if (!line.matches("[ \\t\\r]*")) {   // skip blank lines
                String reply = handle(line);
                if (reply == null) return;   // stop
                out.print(reply + "\n");
                out.flush();
            }
            if (c == -1) return;
        }
    }

    /** UTF-8 decoding where each byte of an ill-formed sequence becomes U+FFFD (as in Go and the C port). */
    static String decodeUtf8(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        for (int i = 0; i < b.length; ) {
            int c = b[i] & 0xFF, need = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
            int cp = need == 0 ? c : need == 1 ? c & 0x1F : need == 2 ? c & 0x0F : c & 0x07;
            boolean ok = need >= 0 && i + need < b.length;
            for (int k = 1; ok && k <= need; k++) {
                ok = (b[i + k] & 0xC0) == 0x80;
                cp = cp << 6 | (b[i + k] & 0x3F);
            }
            ok = ok && !(need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) && !(need == 3 && (cp < 0x10000 || cp > 0x10FFFF));
            if (ok) { sb.appendCodePoint(cp); i += need + 1; } else { sb.append('\uFFFD'); i++; }
        }
        return sb.toString();
    }

    /** Returns the reply line, or null for stop. */
    static String handle(String line) {
        Map<String, Object> req;
        try {
            Object v = new JSON(line).parseDocument();
            if (!(v instanceof Map)) throw new IllegalArgumentException("request is not a JSON object");
            @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) v;
            req = m;
        } catch (RuntimeException e) {
            return "{\"error\":" + quote("malformed request: " + e.getMessage()) + "}";
        }
        Object cmd = req.get("cmd");
        String seq = req.containsKey("seq") ? "\"seq\":" + JSON.write(req.get("seq")) + "," : "";
        try {
            if ("start".equals(cmd)) {
                Object p = req.get("protocol");
                if (!(p instanceof JsonNumber n && n.text().equals("1")))
                    return "{\"ok\":false,\"error\":" + quote("unsupported protocol version " + (p == null ? "missing" : JSON.write(p))) + "}";
                return "{\"ok\":true,\"implementation\":{\"name\":\"userhash-java\",\"language\":\"java\",\"version\":"
                        + quote(System.getProperty("java.version")) + ",\"homepage\":" + quote(HOMEPAGE) + ",\"features\":[\"verify\",\"jwt\",\"verify_jwt\"]}}";
            }
            if ("stop".equals(cmd)) return null;
            if ("user_hash".equals(cmd) || "verify".equals(cmd)) {
                if (!(req.get("secret") instanceof String secret)) throw new RuleError("secret must be a string");
                if (secret.isEmpty()) throw new RuleError("secret must be a non-empty string");
                String userId = identifier(req.get("user_id"), true, "user_id");
                String email = identifier(req.get("email"), false, "email");
                if ("user_hash".equals(cmd)) {
                    String h = userHash(secret, userId, email);
                    return "{" + seq + "\"user_hash\":" + (h == null ? "null" : quote(h)) + "}";
                }
                Object presented = req.get("user_hash");
                boolean ok = verify(secret, userId, email, presented instanceof String s ? s : null);
                return "{" + seq + "\"valid\":" + ok + "}";
            }
            if ("user_jwt".equals(cmd) || "verify_jwt".equals(cmd)) {
                if (!(req.get("secret") instanceof String secret)) throw new RuleError("secret must be a string");
                if ("user_jwt".equals(cmd)) {
                    if (!(req.get("claims") instanceof Map<?, ?> c)) throw new RuleError("claims must be a JSON object");
                    @SuppressWarnings("unchecked") Map<String, Object> claims = (Map<String, Object>) c;
                    return "{" + seq + "\"jwt\":" + quote(userJwt(secret, claims)) + "}";
                }
                long now;
                try {
                    if (!(req.get("now") instanceof JsonNumber n && n.integer())) throw new NumberFormatException();
                    now = Long.parseLong(n.text());
                } catch (NumberFormatException e) {
                    throw new RuleError("now must be an integer number of seconds");
                }
                boolean ok = verifyJwt(secret, req.get("jwt") instanceof String s ? s : null, now);
                return "{" + seq + "\"valid\":" + ok + "}";
            }
            return "{" + seq + "\"error\":" + quote("unknown command " + (cmd == null ? "(missing cmd)" : JSON.write(cmd))) + "}";
        } catch (RuleError e) {
            return "{" + seq + "\"error\":" + quote(e.getMessage()) + "}";
        }
    }

    static String quote(String s) { return JSON.write(s); }

    /** Minimal JSON reader/writer: objects, arrays, strings, numbers (literal text), true/false/null. */
    static final class JSON {
        static final Object NULL = new Object() { public String toString() { return "null"; } };
        private final String s;
        private final boolean uniqueTopKeys;
        private int i, depth;

        JSON(String s) { this(s, false); }

        /** uniqueTopKeys: a key repeated in the top-level object is an error (for JWT segments). */
        JSON(String s, boolean uniqueTopKeys) { this.s = s; this.uniqueTopKeys = uniqueTopKeys; }

        Object parseDocument() {
            Object v = value();
            ws();
            if (i != s.length()) throw err("trailing data");
            return v;
        }

        private RuntimeException err(String m) { return new IllegalArgumentException(m + " at offset " + i); }

        private void ws() {
            while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) i++;
        }

        private Object value() {
            if (++depth > 1000) throw err("nesting too deep");
            try { return value0(); } finally { depth--; }
        }

        private Object value0() {
            ws();
            if (i >= s.length()) throw err("unexpected end of input");
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    Map<String, Object> m = new LinkedHashMap<>();
                    i++; ws();
                    if (i < s.length() && s.charAt(i) == '}') { i++; return m; }
                    while (true) {
                        ws();
                        if (i >= s.length() || s.charAt(i) != '"') throw err("expected string key");
                        String k = string();
                        if (uniqueTopKeys && depth == 1 && m.containsKey(k)) throw err("duplicate key " + write(k));
                        ws(); expect(':');
                        m.put(k, value());
                        ws();
                        if (i < s.length() && s.charAt(i) == ',') { i++; continue; }
                        expect('}');
                        return m;
                    }
                }
                case '[': {
                    List<Object> a = new ArrayList<>();
                    i++; ws();
                    if (i < s.length() && s.charAt(i) == ']') { i++; return a; }
                    while (true) {
                        a.add(value());
                        ws();
                        if (i < s.length() && s.charAt(i) == ',') { i++; continue; }
                        expect(']');
                        return a;
                    }
                }
                case '"': return string();
                case 't': literal("true"); return Boolean.TRUE;
                case 'f': literal("false"); return Boolean.FALSE;
                case 'n': literal("null"); return NULL;
                default: return number();
            }
        }

        private void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) throw err("expected '" + c + "'");
            i++;
        }

        private void literal(String w) {
            if (!s.startsWith(w, i)) throw err("invalid literal");
            i += w.length();
        }

        private Object number() {
            int start = i;
            if (i < s.length() && s.charAt(i) == '-') i++;
            if (i < s.length() && s.charAt(i) == '0') i++;
            else if (!digits()) throw err("invalid value");
            boolean isInt = true;
            if (i < s.length() && s.charAt(i) == '.') { i++; isInt = false; if (!digits()) throw err("invalid number"); }
            if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                i++; isInt = false;
                if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
                if (!digits()) throw err("invalid number");
            }
            return new JsonNumber(s.substring(start, i), isInt);
        }

        private boolean digits() {
            int start = i;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
            return i > start;
        }

        private String string() {
            StringBuilder b = new StringBuilder();
            i++; // opening quote
            while (true) {
                if (i >= s.length()) throw err("unterminated string");
                char c = s.charAt(i++);
                if (c == '"') break;
                if (c < 0x20) throw err("control character in string");
                if (c != '\\') { b.append(c); continue; }
                if (i >= s.length()) throw err("unterminated escape");
                char e = s.charAt(i++);
                switch (e) {
                    case '"': case '\\': case '/': b.append(e); break;
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case 'n': b.append('\n'); break;
                    case 'r': b.append('\r'); break;
                    case 't': b.append('\t'); break;
                    case 'u': b.append(hex4()); break;
                    default: throw err("invalid escape");
                }
            }
            return wellFormed(b);
        }

        private char hex4() {
            if (i + 4 > s.length()) throw err("short \\u escape");
            int v = 0;
            for (int k = 0; k < 4; k++) {
                char h = s.charAt(i++);
                int d = h < 0x80 ? Character.digit(h, 16) : -1;   // ASCII hex digits only
                if (d < 0) throw err("invalid \\u escape");
                v = v * 16 + d;
            }
            return (char) v;
        }

        /** Lone surrogates (from \\u escapes) become U+FFFD, as Go's encoding/json does. */
        private static String wellFormed(StringBuilder b) {
            for (int k = 0; k < b.length(); k++) {
                char c = b.charAt(k);
                if (Character.isHighSurrogate(c) && k + 1 < b.length() && Character.isLowSurrogate(b.charAt(k + 1))) k++;
                else if (Character.isSurrogate(c)) b.setCharAt(k, '\uFFFD');
            }
            return b.toString();
        }

        /** Serialises a parsed value back to JSON (used for echoing seq and in messages). */
        static String write(Object v) {
            if (v == null || v == NULL) return "null";
            if (v instanceof JsonNumber n) return n.text();
            if (v instanceof Boolean) return v.toString();
            if (v instanceof Map<?, ?> m) {
                StringJoiner j = new StringJoiner(",", "{", "}");
                m.forEach((k, x) -> j.add(write(k) + ":" + write(x)));
                return j.toString();
            }
            if (v instanceof List<?> l) {
                StringJoiner j = new StringJoiner(",", "[", "]");
                l.forEach(x -> j.add(write(x)));
                return j.toString();
            }
            String s = v.toString();
            StringBuilder b = new StringBuilder("\"");
            for (int k = 0; k < s.length(); k++) {
                char c = s.charAt(k);
                if (c == '"' || c == '\\') b.append('\\').append(c);
                else if (c < 0x20 || Character.isSurrogate(c) || c == 0x2028 || c == 0x2029) b.append(String.format("\\u%04x", (int) c));
                else b.append(c);
            }
            return b.append('"').toString();
        }
    }
}
