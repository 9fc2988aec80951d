/* userhash adapter for C (protocol v1): OpenSSL libcrypto + a minimal JSON reader.
 * Build: make        Run: ./adapter */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/* JSON value as seen by the rule: strings are byte buffers with a length (may contain NUL). */
typedef enum { J_NONE, J_NULL, J_BOOL, J_INT, J_FLOAT, J_STRING, J_ARRAY, J_OBJECT } jkind;
typedef struct {
    jkind kind;
    const char *raw;    /* literal token text inside the request line */
    size_t rawlen;
    unsigned char *str; /* decoded UTF-8 bytes for J_STRING (malloc'd) */
    size_t len;
} jval;

/* ============================== (1) reference rule ============================== */

typedef struct { const unsigned char *p; size_t n; } bytes_t; /* n == 0 means absent */

/* JSON value -> identifier. Missing/null/"" are absent; integers keep their literal digits;
 * anything else (floats, bools, arrays, objects, or numbers where not allowed) is an error. */
static int identifier(const jval *v, int allow_int, bytes_t *out) {
    out->p = NULL;
    out->n = 0;
    switch (v->kind) {
    case J_NONE: case J_NULL: return 0;
    case J_STRING: out->p = v->str; out->n = v->len; return 0;
    case J_INT: if (!allow_int) return -1;
        out->p = (const unsigned char *)v->raw; out->n = v->rawlen; return 0;
    default: return -1;
    }
}

enum { UH_HASH = 0, UH_UNIDENTIFIED = 1, UH_EMPTY_SECRET = -1 };

/* Lowercase hex HMAC-SHA256(key = secret bytes, msg = user_id if present else email). */
static int user_hash(bytes_t secret, bytes_t user_id, bytes_t email, char hex[65]) {
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (secret.n == 0) return UH_EMPTY_SECRET;
    bytes_t id = user_id.n ? user_id : email;
    if (id.n == 0) return UH_UNIDENTIFIED;
    if (!HMAC(EVP_sha256(), secret.p, (int)secret.n, id.p, id.n, md, &mdlen) || mdlen != 32) abort();
    for (unsigned i = 0; i < mdlen; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
    return UH_HASH;
}

/* Constant-time comparison with the exact lowercase hex; unidentified is never valid.
 * presented == NULL means a non-string user_hash. Returns UH_EMPTY_SECRET or 0. */
static int verify(bytes_t secret, bytes_t user_id, bytes_t email,
                  const unsigned char *presented, size_t n, int *valid) {
    char want[65];
    int r = user_hash(secret, user_id, email, want);
    *valid = r == UH_HASH && presented != NULL && n == 64 && CRYPTO_memcmp(want, presented, 64) == 0;
    return r == UH_EMPTY_SECRET ? UH_EMPTY_SECRET : 0;
}

/* ============================== (2) JSON reader ============================== */

typedef struct { const char *s; size_t n, i; } parser;

static void skip_ws(parser *p) {
    while (p->i < p->n && strchr(" \t\r\n", p->s[p->i]) && p->s[p->i]) p->i++;
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int read_hex4(parser *p, unsigned *u) {
    if (p->n - p->i < 4) return -1;
    *u = 0;
    for (int k = 0; k < 4; k++) {
        int d = hexval((unsigned char)p->s[p->i++]);
        if (d < 0) return -1;
        *u = *u * 16 + (unsigned)d;
    }
    return 0;
}

static size_t put_utf8(unsigned char *o, unsigned cp) {
    if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) { o[0] = 0xC0 | cp >> 6; o[1] = 0x80 | (cp & 63); return 2; }
    if (cp < 0x10000) { o[0] = 0xE0 | cp >> 12; o[1] = 0x80 | (cp >> 6 & 63); o[2] = 0x80 | (cp & 63); return 3; }
    o[0] = 0xF0 | cp >> 18; o[1] = 0x80 | (cp >> 12 & 63); o[2] = 0x80 | (cp >> 6 & 63); o[3] = 0x80 | (cp & 63);
    return 4;
}

/* Length of a well-formed UTF-8 sequence at s (max n bytes), or 0 if ill-formed. */
static size_t utf8_len(const unsigned char *s, size_t n) {
    unsigned c = s[0], cp, need;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; }
    else return 0;
    if (n < need + 1) return 0;
    for (unsigned k = 1; k <= need; k++) {
        if ((s[k] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[k] & 0x3F);
    }
    if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return need + 1;
}

/* Parses a string at p->i (on the opening quote). If out != NULL, stores malloc'd UTF-8 bytes.
 * Lone surrogates and ill-formed raw UTF-8 bytes become U+FFFD (as Go's encoding/json does). */
static int parse_string(parser *p, unsigned char **out, size_t *outlen) {
    size_t start = ++p->i, end = start;
    while (end < p->n && p->s[end] != '"') end += p->s[end] == '\\' ? 2 : 1;
    if (end >= p->n) return -1;
    unsigned char *buf = NULL, *o = NULL;
    if (out) {
        if (!(buf = o = malloc(3 * (end - start) + 1))) abort();
    }
    unsigned char tmp[4];
    while (p->i < end) {
        unsigned char c = (unsigned char)p->s[p->i], *w = o ? o : tmp;
        size_t wn;
        if (c < 0x20) goto fail;
        if (c != '\\') {
            size_t l = utf8_len((const unsigned char *)p->s + p->i, end - p->i);
            if (l == 0) { wn = put_utf8(w, 0xFFFD); p->i++; }
            else if (o) { memcpy(o, p->s + p->i, l); wn = l; p->i += l; }
            else { wn = 0; p->i += l; }
        } else {
            char e = p->s[++p->i];
            p->i++;
            unsigned u, lo;
            switch (e) {
            case '"': case '\\': case '/': w[0] = (unsigned char)e; wn = 1; break;
            case 'b': w[0] = '\b'; wn = 1; break;
            case 'f': w[0] = '\f'; wn = 1; break;
            case 'n': w[0] = '\n'; wn = 1; break;
            case 'r': w[0] = '\r'; wn = 1; break;
            case 't': w[0] = '\t'; wn = 1; break;
            case 'u':
                if (read_hex4(p, &u)) goto fail;
                if (u >= 0xD800 && u <= 0xDBFF && end - p->i >= 6 && p->s[p->i] == '\\' && p->s[p->i + 1] == 'u') {
                    size_t save = p->i;
                    p->i += 2;
                    if (read_hex4(p, &lo)) goto fail;
                    if (lo >= 0xDC00 && lo <= 0xDFFF) u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    else p->i = save; /* lone high surrogate; the next escape is read on its own */
                }
                if (u >= 0xD800 && u <= 0xDFFF) u = 0xFFFD;
                wn = put_utf8(w, u);
                break;
            default: goto fail;
            }
        }
        if (o) o += wn;
    }
    p->i = end + 1;
    if (out) { *out = buf; *outlen = (size_t)(o - buf); }
    return 0;
fail:
    free(buf);
    return -1;
}

static int digits(parser *p) {
    size_t s = p->i;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') p->i++;
    return p->i > s;
}

static int parse_number(parser *p, jkind *kind) {
    *kind = J_INT;
    if (p->s[p->i] == '-') p->i++;
    if (p->i < p->n && p->s[p->i] == '0') p->i++;
    else if (!digits(p)) return -1;
    if (p->i < p->n && p->s[p->i] == '.') { p->i++; *kind = J_FLOAT; if (!digits(p)) return -1; }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        p->i++; *kind = J_FLOAT;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-')) p->i++;
        if (!digits(p)) return -1;
    }
    return 0;
}

static int literal(parser *p, const char *w) {
    size_t l = strlen(w);
    if (p->n - p->i < l || memcmp(p->s + p->i, w, l)) return -1;
    p->i += l;
    return 0;
}

#define MAX_DEPTH 1000

/* Parses any value; v may be NULL (validate and skip). Strings are decoded only into v. */
static int parse_value(parser *p, jval *v, int depth) {
    jval tmp;
    if (!v) v = &tmp;
    memset(v, 0, sizeof *v);
    if (depth > MAX_DEPTH) return -1;
    skip_ws(p);
    if (p->i >= p->n) return -1;
    size_t start = p->i;
    int r = 0;
    switch (p->s[p->i]) {
    case '{': case '[': {
        char close = p->s[p->i] == '{' ? '}' : ']';
        v->kind = close == '}' ? J_OBJECT : J_ARRAY;
        p->i++;
        skip_ws(p);
        if (p->i < p->n && p->s[p->i] == close) { p->i++; break; }
        for (;;) {
            if (close == '}') {
                skip_ws(p);
                if (p->i >= p->n || p->s[p->i] != '"' || parse_string(p, NULL, NULL)) return -1;
                skip_ws(p);
                if (p->i >= p->n || p->s[p->i++] != ':') return -1;
            }
            if (parse_value(p, NULL, depth + 1)) return -1;
            skip_ws(p);
            if (p->i < p->n && p->s[p->i] == ',') { p->i++; continue; }
            if (p->i < p->n && p->s[p->i] == close) { p->i++; break; }
            return -1;
        }
        break;
    }
    case '"':
        v->kind = J_STRING;
        r = parse_string(p, v == &tmp ? NULL : &v->str, &v->len);
        break;
    case 't': v->kind = J_BOOL; r = literal(p, "true"); break;
    case 'f': v->kind = J_BOOL; r = literal(p, "false"); break;
    case 'n': v->kind = J_NULL; r = literal(p, "null"); break;
    default: r = parse_number(p, &v->kind); break;
    }
    v->raw = p->s + start;
    v->rawlen = p->i - start;
    return r;
}

/* The request fields the protocol uses; other keys are validated and ignored. */
enum { F_CMD, F_SEQ, F_PROTOCOL, F_SECRET, F_USER_ID, F_EMAIL, F_USER_HASH, F_COUNT };
static const char *const field_names[F_COUNT] = {"cmd", "seq", "protocol", "secret", "user_id", "email", "user_hash"};

static void free_fields(jval *f) {
    for (int k = 0; k < F_COUNT; k++) { free(f[k].str); memset(&f[k], 0, sizeof f[k]); }
}

/* Parses one request line into f[] (last duplicate key wins). Returns 0, or -1 (f is freed). */
static int parse_request(const char *line, size_t n, jval *f) {
    parser p = {line, n, 0};
    memset(f, 0, sizeof(jval) * F_COUNT);
    skip_ws(&p);
    if (p.i >= p.n || p.s[p.i++] != '{') return -1;
    skip_ws(&p);
    if (p.i < p.n && p.s[p.i] == '}') { p.i++; goto done; }
    for (;;) {
        unsigned char *key = NULL;
        size_t klen = 0;
        int slot = -1;
        skip_ws(&p);
        if (p.i >= p.n || p.s[p.i] != '"' || parse_string(&p, &key, &klen)) goto fail;
        for (int k = 0; k < F_COUNT; k++)
            if (klen == strlen(field_names[k]) && memcmp(key, field_names[k], klen) == 0) slot = k;
        free(key);
        skip_ws(&p);
        if (p.i >= p.n || p.s[p.i++] != ':') goto fail;
        if (slot >= 0) { free(f[slot].str); f[slot].str = NULL; }
        if (parse_value(&p, slot >= 0 ? &f[slot] : NULL, 1)) goto fail;
        skip_ws(&p);
        if (p.i < p.n && p.s[p.i] == ',') { p.i++; continue; }
        if (p.i < p.n && p.s[p.i] == '}') { p.i++; break; }
        goto fail;
    }
done:
    skip_ws(&p);
    if (p.i == p.n) return 0;
fail:
    free_fields(f);
    return -1;
}

/* ============================== (3) protocol glue ============================== */

static void write_json_string(const unsigned char *s, size_t n) {
    putchar('"');
    for (size_t k = 0; k < n; k++) {
        if (s[k] == '"' || s[k] == '\\') printf("\\%c", s[k]);
        else if (s[k] < 0x20) printf("\\u%04x", s[k]);
        else putchar(s[k]);
    }
    putchar('"');
}

static void begin_reply(const jval *seq) {
    putchar('{');
    if (seq->kind == J_NONE) return;
    fputs("\"seq\":", stdout);
    if (seq->kind == J_STRING) write_json_string(seq->str, seq->len);
    else fwrite(seq->raw, 1, seq->rawlen, stdout);
    putchar(',');
}

static void end_reply(void) {
    fputs("}\n", stdout);
    fflush(stdout);
}

static void error_reply(const jval *seq, const char *msg) {
    begin_reply(seq);
    fputs("\"error\":", stdout);
    write_json_string((const unsigned char *)msg, strlen(msg));
    end_reply();
}

/* Handles one request line; returns 1 on stop. */
static int handle(const char *line, size_t n) {
    jval f[F_COUNT];
    static const jval no_seq;
    if (parse_request(line, n, f)) {
        error_reply(&no_seq, "malformed request: expected one JSON object");
        return 0;
    }
    const jval *cmd = &f[F_CMD], *seq = &f[F_SEQ];
    int stop = 0;
#define IS_CMD(name) (cmd->kind == J_STRING && cmd->len == strlen(name) && memcmp(cmd->str, name, cmd->len) == 0)
    if (IS_CMD("start")) {
        const jval *pv = &f[F_PROTOCOL];
        if (pv->kind == J_INT && pv->rawlen == 1 && pv->raw[0] == '1') {
            fputs("{\"ok\":true,\"implementation\":{\"name\":\"userhash-c\",\"language\":\"c\",\"version\":", stdout);
            const char *ver = OpenSSL_version(OPENSSL_VERSION);
            write_json_string((const unsigned char *)ver, strlen(ver));
            fputs(",\"homepage\":\"https://github.com/userhash/userhash\",\"features\":[\"verify\"]", stdout);
            putchar('}');
        } else {
            fputs("{\"ok\":false,\"error\":\"unsupported protocol version ", stdout);
            if (pv->kind == J_NONE) fputs("missing", stdout);
            else if (pv->kind == J_STRING) fputs("(string)", stdout);
            else if (pv->kind == J_INT || pv->kind == J_FLOAT || pv->kind == J_NULL || pv->kind == J_BOOL)
                fwrite(pv->raw, 1, pv->rawlen, stdout);
            else fputs("(structured)", stdout);
            putchar('"');
        }
        end_reply();
    } else if (IS_CMD("stop")) {
        stop = 1;
    } else if (IS_CMD("user_hash") || IS_CMD("verify")) {
        bytes_t secret = {f[F_SECRET].str, f[F_SECRET].len}, uid, email;
        char hex[65];
        if (f[F_SECRET].kind != J_STRING) error_reply(seq, "secret must be a string");
        else if (secret.n == 0) error_reply(seq, "secret must be a non-empty string");
        else if (identifier(&f[F_USER_ID], 1, &uid)) error_reply(seq, "user_id must be a string or an integer");
        else if (identifier(&f[F_EMAIL], 0, &email)) error_reply(seq, "email must be a string");
        else if (IS_CMD("user_hash")) {
            int r = user_hash(secret, uid, email, hex);
            begin_reply(seq);
            fputs(r == UH_HASH ? "\"user_hash\":\"" : "\"user_hash\":null", stdout);
            if (r == UH_HASH) printf("%s\"", hex);
            end_reply();
        } else {
            const jval *h = &f[F_USER_HASH];
            int valid;
            verify(secret, uid, email, h->kind == J_STRING ? h->str : NULL, h->len, &valid);
            begin_reply(seq);
            fputs(valid ? "\"valid\":true" : "\"valid\":false", stdout);
            end_reply();
        }
    } else {
        error_reply(seq, cmd->kind == J_STRING ? "unknown command" : "unknown command (missing or non-string cmd)");
    }
    free_fields(f);
    return stop;
}

int main(void) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) != -1) {
        size_t len = (size_t)n;
        if (len && line[len - 1] == '\n') len--;
        size_t k = 0;
        while (k < len && strchr(" \t\r", line[k]) && line[k]) k++;
        if (k == len) continue; /* blank line */
        if (handle(line, len)) break;
    }
    free(line);
    return 0;
}
