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
#include "json_check.h"

/* normalize.MIN_TS_MS / MAX_TS_MS: 2000-01-01 and 2100-01-01 UTC. */
#define CL_MIN_TS_MS INT64_C(946684800000)
#define CL_MAX_TS_MS INT64_C(4102444800000)

typedef struct {
    cl_str timestamp, session, cwd, branch, request, id, model;
    int64_t ts_ms, input, output, cache_read, write_5m, write_1h;
} cl_line;

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

#endif
