/* claude_line.h: one Claude Code transcript line read in C, apart from Python (so a plain C
 * program can run it under sanitizers).
 *
 * claude_parse() answers 1 only when it is certain what tracker/sources/claude_code.py's
 * _handle (with normalize.add_usage and timestamps.usage_ts_ms) makes of the line: one usage
 * event, from a line that is strictly valid JSON (RFC 8259, UTF-8 checked everywhere, nesting of
 * at most CL_MAX_DEPTH) of type "assistant" with every field it reads of the expected type, once.
 * Anything else is 0: "let Python read this line", which is always right, so every doubt is a 0
 * (duplicate keys, escaped keys, floats, big or negative counts, odd timestamps, a lone
 * surrogate, a synthetic model, an empty message id, ...). Nothing is allocated. */
#ifndef TOKENWORTH_CLAUDE_LINE_H
#define TOKENWORTH_CLAUDE_LINE_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__) || defined(_M_X64) || defined(_M_AMD64)
#include <emmintrin.h>
#define CL_SSE2 1
#endif

/* Far below the interpreter's recursion limit msgspec decodes under, so msgspec never refuses a
 * line for its depth that is read here; real lines nest a dozen levels at most. */
#define CL_MAX_DEPTH 64
/* normalize.SMALL_TOKENS: larger counts go through Python's token_count. */
#define CL_SMALL_TOKENS ((int64_t)((1 << 30) - 1))
/* normalize.MIN_TS_MS / MAX_TS_MS: 2000-01-01 and 2100-01-01 UTC. */
#define CL_MIN_TS_MS INT64_C(946684800000)
#define CL_MAX_TS_MS INT64_C(4102444800000)

enum { CL_MISSING = 0, CL_NULL = 1, CL_STRING = 2 };

typedef struct {
    const char *ptr; /* the raw bytes between the quotes */
    ptrdiff_t len;
    int kind;    /* CL_MISSING, CL_NULL or CL_STRING */
    int escaped; /* holds a backslash: decode with cl_unescape */
} cl_str;

typedef struct {
    cl_str timestamp, session, cwd, branch, request, id, model;
    int64_t ts_ms, input, output, cache_read, write_5m, write_1h;
} cl_line;

typedef struct {
    const char *p, *end;
    int depth;
} cl_cur;

static inline void
cl_ws(cl_cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
        c->p++;
}

static inline int
cl_hex(unsigned char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch |= 0x20;
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Four hex digits at p (p + 4 <= end checked by the caller), or -1. */
static inline int32_t
cl_hex4(const unsigned char *p)
{
    int a = cl_hex(p[0]), b = cl_hex(p[1]), d = cl_hex(p[2]), e = cl_hex(p[3]);
    if ((a | b | d | e) < 0)
        return -1;
    return (a << 12) | (b << 8) | (d << 4) | e;
}

/* The length of the well-formed UTF-8 sequence (2 to 4 bytes) at p, or 0: no overlong forms,
 * no surrogates, nothing above U+10FFFF (Python's own UTF-8 decoder refuses each of them). */
static inline int
cl_utf8(const unsigned char *p, const unsigned char *end)
{
    unsigned char b0 = p[0];
    ptrdiff_t left = end - p;
    if (b0 >= 0xC2 && b0 <= 0xDF)
        return left >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (b0 >= 0xE0 && b0 <= 0xEF) {
        unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80, hi = b0 == 0xED ? 0x9F : 0xBF;
        return left >= 3 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 ? 3 : 0;
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
        unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80, hi = b0 == 0xF4 ? 0x8F : 0xBF;
        return left >= 4 && p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80 ? 4 : 0;
    }
    return 0;
}

/* A string at c->p (its opening quote): checked, and described in *out; -1 when not valid. */
static int
cl_string(cl_cur *c, cl_str *out)
{
    const unsigned char *p = (const unsigned char *)c->p + 1, *end = (const unsigned char *)c->end;
    const unsigned char *start = p;
    int escaped = 0;
    for (;;) {
#ifdef CL_SSE2
        /* 16 bytes at a time while none is a quote, a backslash, a control or a non-ASCII byte
         * (signed: bytes >= 0x80 are below 0x20 too). */
        const __m128i quote = _mm_set1_epi8('"'), slash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
        while (end - p >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
            __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, slash)),
                                       _mm_cmplt_epi8(v, space));
            unsigned int mask = (unsigned int)_mm_movemask_epi8(hit);
            if (mask) {
                p += __builtin_ctz(mask);
                break;
            }
            p += 16;
        }
#endif
        if (p >= end)
            return -1;
        unsigned char ch = *p;
        if (ch == '"')
            break;
        if (ch < 0x20)
            return -1;
        if (ch < 0x80 && ch != '\\') {
            p++;
            continue;
        }
        if (ch >= 0x80) {
            int n = cl_utf8(p, end);
            if (n == 0)
                return -1;
            p += n;
            continue;
        }
        /* an escape */
        escaped = 1;
        if (end - p < 2)
            return -1;
        ch = p[1];
        if (ch == '"' || ch == '\\' || ch == '/' || ch == 'b' || ch == 'f' || ch == 'n' || ch == 'r' || ch == 't') {
            p += 2;
            continue;
        }
        if (ch != 'u' || end - p < 6)
            return -1;
        int32_t u = cl_hex4(p + 2);
        if (u < 0 || (u >= 0xDC00 && u <= 0xDFFF))
            return -1; /* a lone low surrogate: msgspec refuses it */
        p += 6;
        if (u >= 0xD800 && u <= 0xDBFF) { /* a pair, or refused */
            if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
                return -1;
            int32_t lo = cl_hex4(p + 2);
            if (lo < 0xDC00 || lo > 0xDFFF)
                return -1;
            p += 6;
        }
    }
    out->ptr = (const char *)start;
    out->len = (const char *)p - (const char *)start;
    out->kind = CL_STRING;
    out->escaped = escaped;
    c->p = (const char *)p + 1;
    return 0;
}

/* A JSON number at c->p, checked; *small is its value when it is a plain non-negative integer
 * of at most CL_SMALL_TOKENS, else -1. */
static int
cl_number(cl_cur *c, int64_t *small)
{
    const char *p = c->p, *end = c->end, *digits;
    int plain = 1;
    if (p < end && *p == '-') {
        plain = 0;
        p++;
    }
    digits = p;
    if (p >= end || *p < '0' || *p > '9')
        return -1;
    if (*p == '0')
        p++;
    else
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    ptrdiff_t n_digits = p - digits;
    if (p < end && *p == '.') {
        plain = 0;
        if (++p >= end || *p < '0' || *p > '9')
            return -1;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        plain = 0;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || *p < '0' || *p > '9')
            return -1;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    *small = -1;
    if (plain && n_digits <= 10) {
        int64_t v = 0;
        for (const char *q = digits; q < digits + n_digits; q++)
            v = v * 10 + (*q - '0');
        if (v <= CL_SMALL_TOKENS)
            *small = v;
    }
    c->p = p;
    return 0;
}

static int cl_skip(cl_cur *c);

static int
cl_literal(cl_cur *c, const char *word, size_t len)
{
    if ((size_t)(c->end - c->p) < len || memcmp(c->p, word, len) != 0)
        return -1;
    c->p += len;
    return 0;
}

/* Any JSON value at c->p (after whitespace), checked and stepped over. */
static int
cl_skip(cl_cur *c)
{
    cl_str s;
    int64_t v;
    if (c->p >= c->end)
        return -1;
    switch (*c->p) {
    case '"':
        return cl_string(c, &s);
    case 't':
        return cl_literal(c, "true", 4);
    case 'f':
        return cl_literal(c, "false", 5);
    case 'n':
        return cl_literal(c, "null", 4);
    case '{':
    case '[': {
        char close = *c->p == '{' ? '}' : ']';
        int object = close == '}';
        if (++c->depth > CL_MAX_DEPTH)
            return -1;
        c->p++;
        cl_ws(c);
        if (c->p < c->end && *c->p == close) {
            c->p++;
            c->depth--;
            return 0;
        }
        for (;;) {
            if (object) {
                if (c->p >= c->end || *c->p != '"' || cl_string(c, &s) < 0)
                    return -1;
                cl_ws(c);
                if (c->p >= c->end || *c->p != ':')
                    return -1;
                c->p++;
                cl_ws(c);
            }
            if (cl_skip(c) < 0)
                return -1;
            cl_ws(c);
            if (c->p >= c->end)
                return -1;
            if (*c->p == ',') {
                c->p++;
                cl_ws(c);
                continue;
            }
            if (*c->p != close)
                return -1;
            c->p++;
            c->depth--;
            return 0;
        }
    }
    default:
        return cl_number(c, &v);
    }
}

/* The fields an object of the line is read for: their names, and what each holds. */
enum { CL_TEXT, CL_TOKENS, CL_OBJECT };
typedef struct {
    const char *name;
    size_t len;
    int kind;
} cl_field;

/* Walks the object at c->p: a value of a field in fields[] goes to on_field (which reads it),
 * others are checked and stepped over. A field seen twice or a key with an escape (it may
 * name a field) is a -1. */
typedef int (*cl_on_field)(cl_cur *c, int index, void *state);

static int
cl_object(cl_cur *c, const cl_field *fields, int n_fields, cl_on_field on_field, void *state)
{
    unsigned int seen = 0;
    cl_str key;
    if (c->p >= c->end || *c->p != '{' || ++c->depth > CL_MAX_DEPTH)
        return -1;
    c->p++;
    cl_ws(c);
    if (c->p < c->end && *c->p == '}') {
        c->p++;
        c->depth--;
        return 0;
    }
    for (;;) {
        if (c->p >= c->end || *c->p != '"' || cl_string(c, &key) < 0 || key.escaped)
            return -1;
        cl_ws(c);
        if (c->p >= c->end || *c->p != ':')
            return -1;
        c->p++;
        cl_ws(c);
        int index = -1;
        for (int k = 0; k < n_fields; k++)
            if ((size_t)key.len == fields[k].len && memcmp(key.ptr, fields[k].name, fields[k].len) == 0) {
                index = k;
                break;
            }
        if (index >= 0) {
            if (seen & (1u << index))
                return -1;
            seen |= 1u << index;
            if (on_field(c, index, state) < 0)
                return -1;
        } else if (cl_skip(c) < 0)
            return -1;
        cl_ws(c);
        if (c->p >= c->end)
            return -1;
        if (*c->p == ',') {
            c->p++;
            cl_ws(c);
            continue;
        }
        if (*c->p != '}')
            return -1;
        c->p++;
        c->depth--;
        return 0;
    }
}

/* A metadata string: a string (any escapes checked) or null; any other type is a -1. */
static int
cl_text(cl_cur *c, cl_str *out)
{
    if (c->p < c->end && *c->p == '"')
        return cl_string(c, out);
    if (cl_literal(c, "null", 4) < 0)
        return -1;
    out->kind = CL_NULL;
    return 0;
}

/* A token count: a plain integer of at most CL_SMALL_TOKENS, or null (0, as token_count(None)). */
static int
cl_tokens(cl_cur *c, int64_t *out)
{
    if (c->p < c->end && *c->p == 'n') {
        *out = 0;
        return cl_literal(c, "null", 4);
    }
    if (c->p >= c->end || *c->p < '0' || *c->p > '9' || cl_number(c, out) < 0)
        return -1;
    return *out < 0 ? -1 : 0;
}

#define CL_FIELD(name, kind) {name, sizeof(name) - 1, kind}

typedef struct {
    cl_line *line;
    int has_split, has_usage;
    int64_t creation, hour, five;
    int is_assistant;
} cl_state;

static const cl_field cl_split_fields[] = {
    CL_FIELD("ephemeral_5m_input_tokens", CL_TOKENS),
    CL_FIELD("ephemeral_1h_input_tokens", CL_TOKENS),
};

static int
cl_on_split(cl_cur *c, int index, void *state)
{
    cl_state *s = state;
    return cl_tokens(c, index == 0 ? &s->five : &s->hour);
}

static const cl_field cl_usage_fields[] = {
    CL_FIELD("input_tokens", CL_TOKENS),
    CL_FIELD("output_tokens", CL_TOKENS),
    CL_FIELD("cache_creation_input_tokens", CL_TOKENS),
    CL_FIELD("cache_read_input_tokens", CL_TOKENS),
    CL_FIELD("cache_creation", CL_OBJECT),
};

static int
cl_on_usage(cl_cur *c, int index, void *state)
{
    cl_state *s = state;
    switch (index) {
    case 0:
        return cl_tokens(c, &s->line->input);
    case 1:
        return cl_tokens(c, &s->line->output);
    case 2:
        return cl_tokens(c, &s->creation);
    case 3:
        return cl_tokens(c, &s->line->cache_read);
    default:
        if (c->p < c->end && *c->p == 'n')
            return cl_literal(c, "null", 4); /* null: no split, as absent */
        s->has_split = 1;
        return cl_object(c, cl_split_fields, 2, cl_on_split, s);
    }
}

static const cl_field cl_message_fields[] = {
    CL_FIELD("id", CL_TEXT),
    CL_FIELD("model", CL_TEXT),
    CL_FIELD("usage", CL_OBJECT),
};

static int
cl_on_message(cl_cur *c, int index, void *state)
{
    cl_state *s = state;
    if (index == 0)
        return cl_text(c, &s->line->id);
    if (index == 1)
        return cl_text(c, &s->line->model);
    s->has_usage = 1; /* null or another type: Python's to read */
    return cl_object(c, cl_usage_fields, 5, cl_on_usage, s);
}

static const cl_field cl_line_fields[] = {
    CL_FIELD("type", CL_TEXT),
    CL_FIELD("timestamp", CL_TEXT),
    CL_FIELD("sessionId", CL_TEXT),
    CL_FIELD("cwd", CL_TEXT),
    CL_FIELD("gitBranch", CL_TEXT),
    CL_FIELD("requestId", CL_TEXT),
    CL_FIELD("message", CL_OBJECT),
};

static int
cl_on_line(cl_cur *c, int index, void *state)
{
    cl_state *s = state;
    cl_line *line = s->line;
    cl_str kind;
    switch (index) {
    case 0:
        if (cl_text(c, &kind) < 0)
            return -1;
        s->is_assistant = kind.kind == CL_STRING && kind.len == 9 && memcmp(kind.ptr, "assistant", 9) == 0;
        return 0;
    case 1:
        return cl_text(c, &line->timestamp);
    case 2:
        return cl_text(c, &line->session);
    case 3:
        return cl_text(c, &line->cwd);
    case 4:
        return cl_text(c, &line->branch);
    case 5:
        return cl_text(c, &line->request);
    default:
        return cl_object(c, cl_message_fields, 3, cl_on_message, s);
    }
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar (Howard Hinnant's). */
static inline int64_t
cl_days(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static inline int
cl_digits(const char *p, int n)
{
    int v = 0;
    for (int k = 0; k < n; k++) {
        if (p[k] < '0' || p[k] > '9')
            return -1;
        v = v * 10 + (p[k] - '0');
    }
    return v;
}

/* YYYY-MM-DDTHH:MM:SS[.fff|.ffffff](Z|+HH:MM|-HH:MM) as usage_ts_ms computes it, or -1 for
 * any other shape or an instant outside 2000..2100. Python takes the instant's microseconds
 * since the epoch divided by 10**6 (a correctly rounded double: here under 2**53, so exactly
 * (double)us / 1e6), times 1000, truncated toward zero. */
static int64_t
cl_timestamp(const char *p, ptrdiff_t len)
{
    static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, s, frac = 0, off = 0;
    ptrdiff_t k = 19;
    if (len < 20 || p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':' || p[16] != ':')
        return -1;
    y = cl_digits(p, 4), mo = cl_digits(p + 5, 2), d = cl_digits(p + 8, 2);
    h = cl_digits(p + 11, 2), mi = cl_digits(p + 14, 2), s = cl_digits(p + 17, 2);
    if (y < 1999 || y > 2100 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 ||
        s > 59)
        return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > month_days[mo - 1] + (mo == 2 && leap))
        return -1;
    if (p[k] == '.') {
        ptrdiff_t n = 0;
        while (k + 1 + n < len && p[k + 1 + n] >= '0' && p[k + 1 + n] <= '9')
            n++;
        if (n == 3)
            frac = cl_digits(p + k + 1, 3) * 1000;
        else if (n == 6)
            frac = cl_digits(p + k + 1, 6);
        else
            return -1;
        k += 1 + n;
    }
    if (k == len - 1 && p[k] == 'Z')
        off = 0;
    else if (k == len - 6 && (p[k] == '+' || p[k] == '-') && p[k + 3] == ':') {
        int oh = cl_digits(p + k + 1, 2), om = cl_digits(p + k + 4, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return -1;
        off = (oh * 60 + om) * 60 * (p[k] == '-' ? -1 : 1);
    } else
        return -1;
    int64_t seconds = cl_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - off;
    int64_t us = seconds * 1000000 + frac;
    volatile double secs = (double)us / 1e6; /* volatile: no contraction into one step */
    double ms = secs * 1000.0;
    int64_t ts_ms = (int64_t)ms; /* truncation toward zero, as int() */
    return ts_ms >= CL_MIN_TS_MS && ts_ms < CL_MAX_TS_MS ? ts_ms : -1;
}

/* 1 when the line [p, end) (from its '{' to its '}') surely gives one usage event, its fields
 * in *out; 0 when Python must read it. */
static int
claude_parse(const char *p, const char *end, cl_line *out)
{
    cl_cur c = {p, end, 0};
    cl_state s;
    memset(out, 0, sizeof(*out));
    memset(&s, 0, sizeof(s));
    s.line = out;
    if (cl_object(&c, cl_line_fields, 7, cl_on_line, &s) < 0)
        return 0;
    cl_ws(&c);
    if (c.p != c.end || !s.is_assistant || !s.has_usage)
        return 0; /* trailing bytes; another type; no message or no usage object */
    if (out->id.kind != CL_STRING || out->id.len == 0)
        return 0; /* Python counts it as ignored */
    if (out->model.kind == CL_STRING &&
        (out->model.escaped || (out->model.len == 11 && memcmp(out->model.ptr, "<synthetic>", 11) == 0)))
        return 0; /* (an escaped model may spell "<synthetic>") */
    if (out->timestamp.kind != CL_STRING || out->timestamp.escaped)
        return 0;
    out->ts_ms = cl_timestamp(out->timestamp.ptr, out->timestamp.len);
    if (out->ts_ms < 0)
        return 0;
    /* _handle: the 1-hour part of the cache writes, capped by their whole; the rest is 5-minute. */
    out->write_1h = 0;
    out->write_5m = s.creation;
    if (s.has_split) {
        out->write_1h = s.hour < s.creation ? s.hour : s.creation;
        out->write_5m = s.creation - out->write_1h;
    }
    return 1;
}

/* Decodes the escapes of a checked string into dst (room for src_len bytes: an escape is never
 * shorter than what it stands for); returns the length written. */
static ptrdiff_t
cl_unescape(const char *src, ptrdiff_t src_len, char *dst)
{
    const unsigned char *p = (const unsigned char *)src, *end = p + src_len;
    unsigned char *out = (unsigned char *)dst;
    while (p < end) {
        if (*p != '\\') {
            *out++ = *p++;
            continue;
        }
        unsigned char ch = p[1];
        p += 2;
        switch (ch) {
        case 'b': *out++ = '\b'; continue;
        case 'f': *out++ = '\f'; continue;
        case 'n': *out++ = '\n'; continue;
        case 'r': *out++ = '\r'; continue;
        case 't': *out++ = '\t'; continue;
        case 'u': break;
        default: *out++ = ch; continue; /* " \ / */
        }
        uint32_t u = (uint32_t)cl_hex4(p);
        p += 4;
        if (u >= 0xD800 && u <= 0xDBFF) { /* checked: a low surrogate follows */
            u = 0x10000 + ((u - 0xD800) << 10) + ((uint32_t)cl_hex4(p + 2) - 0xDC00);
            p += 6;
        }
        if (u < 0x80)
            *out++ = (unsigned char)u;
        else if (u < 0x800) {
            *out++ = (unsigned char)(0xC0 | (u >> 6));
            *out++ = (unsigned char)(0x80 | (u & 0x3F));
        } else if (u < 0x10000) {
            *out++ = (unsigned char)(0xE0 | (u >> 12));
            *out++ = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
            *out++ = (unsigned char)(0x80 | (u & 0x3F));
        } else {
            *out++ = (unsigned char)(0xF0 | (u >> 18));
            *out++ = (unsigned char)(0x80 | ((u >> 12) & 0x3F));
            *out++ = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
            *out++ = (unsigned char)(0x80 | (u & 0x3F));
        }
    }
    return (ptrdiff_t)(out - (unsigned char *)dst);
}
#endif
