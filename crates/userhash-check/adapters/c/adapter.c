/* userhash adapter for C (protocol v1): OpenSSL libcrypto + a minimal JSON reader.
 * Build: make        Run: ./adapter */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
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

/* The JSON reader of part (2), as the JWT code in part (1) uses it. A strict parser (the one
 * for JWT headers and claims) refuses ill-formed UTF-8, lone surrogate escapes (\ud800),
 * numbers too large for a double (1e400) and nesting deeper than JSON_STRICT_DEPTH. */
typedef struct { const char *s; size_t n, i; int strict; } parser;
typedef struct { jval key, val; } jmember; /* key.str is the decoded key */
typedef struct { jmember *m; size_t n; } jobject;
enum { JSON_OK = 0, JSON_MALFORMED = -1, JSON_DUPLICATE_KEY = -2 };
static int parse_object(parser *p, jobject *obj);
static const jval *object_get(const jobject *obj, const char *key);
static void free_object(jobject *obj);
static double json_number(const jval *v);

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

/* ---- Messenger-security JWTs: HS256 user tokens (RFC 7519, compact JWS of RFC 7515) ---- */

/* {"alg":"HS256","typ":"JWT"} in base64url: the header of every token user_jwt signs. */
static const char JWT_HEADER[] = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
#define JWT_MAX_LEN 8192 /* longer tokens are refused before any decoding */
#define JWT_LEEWAY 60.0  /* seconds of clock skew tolerated on exp and nbf */

enum { JWT_OK = 0, JWT_EMPTY_SECRET = -1, JWT_MISSING_USER_ID = -2, JWT_USER_ID_TYPE = -3, JWT_BAD_CLAIMS = -4 };

/* A growing byte buffer; NUL-terminated after every append. */
typedef struct { char *p; size_t n, cap; } buf_t;

static void buf_add(buf_t *b, const void *s, size_t n) {
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) abort();
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void buf_str(buf_t *b, const char *s) { buf_add(b, s, strlen(s)); }

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* base64url without padding ('=' is never written). */
static void b64url_encode(buf_t *out, const unsigned char *in, size_t n) {
    for (size_t i = 0; i < n; i += 3) {
        unsigned long v = (unsigned long)in[i] << 16;
        if (i + 1 < n) v |= (unsigned long)in[i + 1] << 8;
        if (i + 2 < n) v |= in[i + 2];
        size_t chars = n - i >= 3 ? 4 : n - i + 1; /* 1 byte -> 2 chars, 2 bytes -> 3 chars */
        for (size_t k = 0; k < chars; k++) buf_add(out, &B64URL[v >> (18 - 6 * k) & 63], 1);
    }
}

/* Strict base64url: the URL-safe alphabet only (no '+', '/', '=' or whitespace), and canonical
 * (the unused low bits of the last character are zero; a length of 4k+1 is impossible). OpenSSL's
 * EVP_DecodeBlock is not used: it takes the other alphabet, padding and surrounding whitespace.
 * Returns malloc'd bytes (with a NUL after them, for the JSON reader) or NULL. */
static unsigned char *b64url_decode(const char *s, size_t n, size_t *outlen) {
    if (n % 4 == 1) return NULL;
    unsigned char *out = malloc(n / 4 * 3 + 3);
    if (!out) abort();
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        size_t m = n - i < 4 ? n - i : 4; /* 2, 3 or 4 characters */
        unsigned long v = 0;
        for (size_t k = 0; k < 4; k++) {
            const char *d = k < m && s[i + k] ? strchr(B64URL, s[i + k]) : NULL;
            if (k < m && !d) { free(out); return NULL; }
            v = v << 6 | (d ? (unsigned long)(d - B64URL) : 0);
        }
        if ((m == 2 && (v & 0xFFFF)) || (m == 3 && (v & 0xFF))) { free(out); return NULL; }
        out[o++] = (unsigned char)(v >> 16);
        if (m > 2) out[o++] = (unsigned char)(v >> 8 & 255);
        if (m > 3) out[o++] = (unsigned char)(v & 255);
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

/* HMAC-SHA256 under the secret's bytes, as user_hash computes it. */
static void hs256(bytes_t secret, const void *msg, size_t n, unsigned char tag[32]) {
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), secret.p, (int)secret.n, msg, n, tag, &len) || len != 32) abort();
}

/* An integer user_id as its plain decimal digits ("42", "-7", "18446744073709551615"). Like the
 * reference, it must fit a 64-bit integer (signed or unsigned); -0 is written "0". */
static int integer_digits(const jval *v, char out[24]) {
    char lit[24];
    if (v->kind != J_INT || v->rawlen >= sizeof lit) return -1;
    memcpy(lit, v->raw, v->rawlen);
    lit[v->rawlen] = '\0';
    errno = 0;
    if (lit[0] == '-') {
        long long x = strtoll(lit, NULL, 10);
        if (errno) return -1;
        snprintf(out, 24, "%lld", x);
    } else {
        unsigned long long x = strtoull(lit, NULL, 10);
        if (errno) return -1;
        snprintf(out, 24, "%llu", x);
    }
    return 0;
}

/* Signs claims_json (the text of a JSON object) as an HS256 user JWT into *token (malloc'd).
 * user_id is required: a non-empty string, or an integer, which is signed as its decimal digits.
 * Every other claim is signed exactly as given (its JSON text is copied, so big integers, floats
 * and Unicode keep their values). Claims that are not one strict JSON object with distinct keys
 * are refused (JWT_BAD_CLAIMS): a verifier would refuse the token. */
static int user_jwt(bytes_t secret, const char *claims_json, size_t n, char **token) {
    parser p = {claims_json, n, 0, 1};
    jobject claims;
    char digits[24];
    *token = NULL;
    if (secret.n == 0) return JWT_EMPTY_SECRET;
    if (parse_object(&p, &claims) != JSON_OK) return JWT_BAD_CLAIMS;
    const jval *uid = object_get(&claims, "user_id");
    int r = JWT_OK;
    if (!uid || uid->kind == J_NULL || (uid->kind == J_STRING && uid->len == 0)) r = JWT_MISSING_USER_ID;
    else if (uid->kind != J_STRING && integer_digits(uid, digits)) r = JWT_USER_ID_TYPE;
    if (r != JWT_OK) { free_object(&claims); return r; }

    buf_t payload = {0}, out = {0};
    buf_str(&payload, "{");
    for (size_t k = 0; k < claims.n; k++) {
        const jmember *m = &claims.m[k];
        if (k) buf_str(&payload, ",");
        buf_add(&payload, m->key.raw, m->key.rawlen);
        buf_str(&payload, ":");
        if (&m->val == uid && uid->kind == J_INT) {
            buf_str(&payload, "\"");
            buf_str(&payload, digits);
            buf_str(&payload, "\"");
        } else {
            buf_add(&payload, m->val.raw, m->val.rawlen);
        }
    }
    buf_str(&payload, "}");
    free_object(&claims);

    unsigned char tag[32];
    buf_str(&out, JWT_HEADER);
    buf_str(&out, ".");
    b64url_encode(&out, (const unsigned char *)payload.p, payload.n);
    hs256(secret, out.p, out.n, tag);
    buf_str(&out, ".");
    b64url_encode(&out, tag, sizeof tag);
    free(payload.p);
    *token = out.p;
    return JWT_OK;
}

/* Decodes one segment and parses it as a strict JSON object with distinct keys. */
static int jwt_segment(const char *s, size_t n, unsigned char **bytes, jobject *obj) {
    size_t len = 0;
    *bytes = b64url_decode(s, n, &len);
    if (!*bytes) return -1;
    parser p = {(const char *)*bytes, len, 0, 1};
    return parse_object(&p, obj) == JSON_OK ? 0 : -1;
}

/* What verify_jwt decodes, freed by it whatever the verdict. */
typedef struct { unsigned char *header_bytes, *payload_bytes, *signature; jobject header, claims; } jwt_parts;

static int jwt_accepts(bytes_t secret, const char *token, size_t n, long long now, jwt_parts *t) {
    if (n > JWT_MAX_LEN) return 0;
    const char *end = token + n;
    const char *dot1 = memchr(token, '.', n);
    const char *dot2 = dot1 ? memchr(dot1 + 1, '.', (size_t)(end - dot1 - 1)) : NULL;
    if (!dot2 || memchr(dot2 + 1, '.', (size_t)(end - dot2 - 1))) return 0; /* not 3 segments */

    if (jwt_segment(token, (size_t)(dot1 - token), &t->header_bytes, &t->header)) return 0;
    const jval *alg = object_get(&t->header, "alg"); /* pinned: never what the header asks for */
    if (!alg || alg->kind != J_STRING || alg->len != 5 || memcmp(alg->str, "HS256", 5) != 0) return 0;
    if (object_get(&t->header, "crit")) return 0; /* no critical extension is understood */

    size_t siglen = 0;
    unsigned char want[32];
    if (!(t->signature = b64url_decode(dot2 + 1, (size_t)(end - dot2 - 1), &siglen))) return 0;
    hs256(secret, token, (size_t)(dot2 - token), want); /* the two segments exactly as sent */
    if (siglen != sizeof want || CRYPTO_memcmp(want, t->signature, sizeof want) != 0) return 0;

    if (jwt_segment(dot1 + 1, (size_t)(dot2 - dot1 - 1), &t->payload_bytes, &t->claims)) return 0;
    const jval *uid = object_get(&t->claims, "user_id");
    if (!uid || uid->kind != J_STRING || uid->len == 0) return 0;
    const jval *exp = object_get(&t->claims, "exp"), *nbf = object_get(&t->claims, "nbf");
    if (exp && exp->kind != J_INT && exp->kind != J_FLOAT) return 0;
    if (nbf && nbf->kind != J_INT && nbf->kind != J_FLOAT) return 0;
    double clock = (double)now;
    if (exp && clock >= json_number(exp) + JWT_LEEWAY) return 0; /* expired */
    if (nbf && clock + JWT_LEEWAY < json_number(nbf)) return 0;  /* not valid yet */
    return 1;
}

/* Verifies an HS256 user JWT at `now` (Unix seconds) and sets *valid. Strict: at most
 * JWT_MAX_LEN bytes; three segments of canonical base64url; header and payload UTF-8 JSON
 * objects without repeated keys; alg exactly "HS256" (whatever else the header asks for) and no
 * crit; the HMAC-SHA256 of the first two segments, as sent, compared in constant time
 * (CRYPTO_memcmp) before any claim is read; user_id a non-empty string; exp and nbf, if present,
 * numbers, with JWT_LEEWAY seconds of leeway. Returns JWT_EMPTY_SECRET or 0 (then *valid says). */
static int verify_jwt(bytes_t secret, const char *token, size_t n, long long now, int *valid) {
    jwt_parts parts = {0};
    *valid = 0;
    if (secret.n == 0) return JWT_EMPTY_SECRET;
    *valid = jwt_accepts(secret, token, n, now, &parts);
    free_object(&parts.header);
    free_object(&parts.claims);
    free(parts.header_bytes);
    free(parts.payload_bytes);
    free(parts.signature);
    return 0;
}

/* ============================== (2) JSON reader ============================== */

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
 * Lone surrogates and ill-formed raw UTF-8 bytes become U+FFFD (as Go's encoding/json does),
 * or make a strict parser fail. */
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
            if (l == 0 && p->strict) goto fail;
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
                if (u >= 0xD800 && u <= 0xDFFF) {
                    if (p->strict) goto fail;
                    u = 0xFFFD;
                }
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
#define JSON_STRICT_DEPTH 127 /* strict: at most 127 nested arrays/objects, the outermost included */

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
        if (p->strict && depth >= JSON_STRICT_DEPTH) return -1; /* (parse_object's is depth 0) */
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
    if (r == 0 && p->strict && (v->kind == J_INT || v->kind == J_FLOAT) && !isfinite(json_number(v))) r = -1;
    return r;
}

/* A number's value as the nearest double (strtod rounds correctly). */
static double json_number(const jval *v) {
    char *lit = malloc(v->rawlen + 1);
    if (!lit) abort();
    memcpy(lit, v->raw, v->rawlen);
    lit[v->rawlen] = '\0';
    double x = strtod(lit, NULL);
    free(lit);
    return x;
}

static void free_object(jobject *obj) {
    for (size_t k = 0; k < obj->n; k++) { free(obj->m[k].key.str); free(obj->m[k].val.str); }
    free(obj->m);
    obj->m = NULL;
    obj->n = 0;
}

static int key_order(const void *a, const void *b) {
    const jval *x = *(const jval *const *)a, *y = *(const jval *const *)b;
    int c = memcmp(x->str, y->str, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Parses text that is exactly one JSON object (whitespace around it allowed) into its members,
 * in order; top-level values are decoded like request fields. A key that appears twice (after
 * unescaping: "a" and "\u0061" are the same key) is JSON_DUPLICATE_KEY, since JSON readers
 * disagree on which one wins. On error, obj is left empty. */
static int parse_object(parser *p, jobject *obj) {
    size_t cap = 0;
    const jval **keys = NULL;
    int r = JSON_MALFORMED;
    obj->m = NULL;
    obj->n = 0;
    skip_ws(p);
    if (p->i >= p->n || p->s[p->i++] != '{') goto fail;
    skip_ws(p);
    if (p->i < p->n && p->s[p->i] == '}') p->i++;
    else for (;;) {
        if (obj->n == cap) {
            jmember *m = realloc(obj->m, (cap = cap ? 2 * cap : 8) * sizeof *m);
            if (!m) abort();
            obj->m = m;
        }
        jmember *m = &obj->m[obj->n];
        memset(m, 0, sizeof *m);
        obj->n++;
        skip_ws(p);
        if (p->i >= p->n || p->s[p->i] != '"' || parse_value(p, &m->key, 1)) goto fail;
        skip_ws(p);
        if (p->i >= p->n || p->s[p->i++] != ':') goto fail;
        if (parse_value(p, &m->val, 1)) goto fail;
        skip_ws(p);
        if (p->i < p->n && p->s[p->i] == ',') { p->i++; continue; }
        if (p->i < p->n && p->s[p->i] == '}') { p->i++; break; }
        goto fail;
    }
    skip_ws(p);
    if (p->i != p->n) goto fail;
    /* Duplicate keys: sort pointers to the keys, then compare neighbours (n log n). */
    if (obj->n > 1) {
        if (!(keys = malloc(obj->n * sizeof *keys))) abort();
        for (size_t k = 0; k < obj->n; k++) keys[k] = &obj->m[k].key;
        qsort(keys, obj->n, sizeof *keys, key_order);
        for (size_t k = 1; k < obj->n; k++)
            if (key_order(&keys[k - 1], &keys[k]) == 0) { r = JSON_DUPLICATE_KEY; goto fail; }
        free(keys);
    }
    return JSON_OK;
fail:
    free(keys);
    free_object(obj);
    return r;
}

/* The value of a member of a parsed object (keys are distinct), or NULL. */
static const jval *object_get(const jobject *obj, const char *key) {
    size_t len = strlen(key);
    for (size_t k = 0; k < obj->n; k++)
        if (obj->m[k].key.len == len && memcmp(obj->m[k].key.str, key, len) == 0) return &obj->m[k].val;
    return NULL;
}

/* The request fields the protocol uses; other keys are validated and ignored. */
enum { F_CMD, F_SEQ, F_PROTOCOL, F_SECRET, F_USER_ID, F_EMAIL, F_USER_HASH, F_CLAIMS, F_JWT, F_NOW, F_COUNT };
static const char *const field_names[F_COUNT] = {"cmd", "seq", "protocol", "secret", "user_id", "email", "user_hash",
                                                 "claims", "jwt", "now"};

static void free_fields(jval *f) {
    for (int k = 0; k < F_COUNT; k++) { free(f[k].str); memset(&f[k], 0, sizeof f[k]); }
}

/* Parses one request line into f[] (last duplicate key wins). Returns 0, or -1 (f is freed). */
static int parse_request(const char *line, size_t n, jval *f) {
    parser p = {line, n, 0, 0};
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
            fputs(",\"homepage\":\"https://github.com/userhash/userhash\",\"features\":[\"verify\",\"jwt\",\"verify_jwt\"]", stdout);
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
    } else if (IS_CMD("user_jwt")) {
        bytes_t secret = {f[F_SECRET].str, f[F_SECRET].len};
        const jval *claims = &f[F_CLAIMS];
        char *token = NULL;
        int r = JWT_BAD_CLAIMS;
        if (f[F_SECRET].kind != J_STRING) error_reply(seq, "secret must be a string");
        else if (claims->kind != J_OBJECT) error_reply(seq, "claims must be a JSON object");
        else if ((r = user_jwt(secret, claims->raw, claims->rawlen, &token)) == JWT_OK) {
            begin_reply(seq);
            fputs("\"jwt\":", stdout);
            write_json_string((const unsigned char *)token, strlen(token));
            end_reply();
        } else if (r == JWT_EMPTY_SECRET) error_reply(seq, "secret must be a non-empty string");
        else if (r == JWT_MISSING_USER_ID) error_reply(seq, "user_id is missing, null or empty");
        else if (r == JWT_USER_ID_TYPE) error_reply(seq, "user_id must be a string or a 64-bit integer");
        else error_reply(seq, "claims are not a strict JSON object (a repeated key, ill-formed UTF-8, "
                                  "a number beyond a double or nesting deeper than 127)");
        free(token);
    } else if (IS_CMD("verify_jwt")) {
        bytes_t secret = {f[F_SECRET].str, f[F_SECRET].len};
        const jval *jwt = &f[F_JWT], *nowv = &f[F_NOW];
        char lit[24];
        long long now = 0;
        int valid = 0, bad_now = nowv->kind != J_INT || nowv->rawlen >= sizeof lit;
        if (!bad_now) {
            memcpy(lit, nowv->raw, nowv->rawlen);
            lit[nowv->rawlen] = '\0';
            errno = 0;
            now = strtoll(lit, NULL, 10);
            bad_now = errno != 0;
        }
        if (f[F_SECRET].kind != J_STRING || secret.n == 0) error_reply(seq, "secret must be a non-empty string");
        else if (bad_now) error_reply(seq, "now must be an integer number of seconds");
        else {
            /* A jwt that is not a string is no valid token. */
            if (jwt->kind == J_STRING) verify_jwt(secret, (const char *)jwt->str, jwt->len, now, &valid);
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
