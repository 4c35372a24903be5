/* json_check.h: strict JSON (RFC 8259) checked in C, for claude_line.h: strings (UTF-8 checked,
 * no control characters, escapes and surrogate pairs checked), numbers, literals, and nesting
 * of at most CL_MAX_DEPTH; every function answers -1 at the first byte it doubts. At least as
 * strict as msgspec, so a line passed here is one msgspec decodes. Nothing is allocated. */
#ifndef TOKENWORTH_JSON_CHECK_H
#define TOKENWORTH_JSON_CHECK_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__) || defined(_M_X64) || defined(_M_AMD64)
#include <emmintrin.h>
#define CL_SSE2 1
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
static inline int
cl_ctz(unsigned int mask)
{
    unsigned long index;
    _BitScanForward(&index, mask);
    return (int)index;
}
#else
#define cl_ctz(mask) __builtin_ctz(mask)
#endif
#endif

/* Far below the interpreter's recursion limit msgspec decodes under, so msgspec never refuses a
 * line for its depth that is read here; real lines nest a dozen levels at most. */
#define CL_MAX_DEPTH 64
/* normalize.SMALL_TOKENS: larger counts go through Python's token_count. */
#define CL_SMALL_TOKENS ((int64_t)((1 << 30) - 1))
enum { CL_MISSING = 0, CL_NULL = 1, CL_STRING = 2 };

typedef struct {
    const char *ptr; /* the raw bytes between the quotes */
    ptrdiff_t len;
    int kind;    /* CL_MISSING, CL_NULL or CL_STRING */
    int escaped; /* holds a backslash: decode with cl_unescape */
} cl_str;

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
                p += cl_ctz(mask);
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
