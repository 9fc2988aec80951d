// userhash adapter for Java (protocol v1). Run: java Adapter.java   (JDK 17, no dependencies)
import java.io.*;
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
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] d = mac.doFinal(id.getBytes(StandardCharsets.UTF_8));
            char[] hex = new char[d.length * 2];
            for (int i = 0; i < d.length; i++) {
                hex[2 * i] = Character.forDigit((d[i] >> 4) & 0xF, 16);
                hex[2 * i + 1] = Character.forDigit(d[i] & 0xF, 16);
            }
            return new String(hex);
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
                        + quote(System.getProperty("java.version")) + ",\"homepage\":" + quote(HOMEPAGE) + ",\"features\":[\"verify\"]}}";
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
        private int i, depth;

        JSON(String s) { this.s = s; }

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
                int d = Character.digit(s.charAt(i++), 16);
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
