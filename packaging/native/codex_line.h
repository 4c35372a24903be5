/* codex_line.h: one Codex rollout line, and the state step of a token_count, in C, apart from
 * Python (so a plain C program can run it under sanitizers).
 *
 * codex_parse() reads a line that is strictly valid JSON (json_check.h, through claude_line.h's
 * cl_object: no duplicate or escaped keys) of one of three kinds tracker/sources/codex.py's
 * _handle acts on: session_meta, turn_context (both without rate limits) and event_msg whose
 * payload type is token_count, every field the typed decode of codex._Line reads being of its
 * type (so msgspec would not fall back to the lenient decode). cx_count() then does what
 * _token_count does to the context, or answers 0 ("let Python read this line"; the state is
 * untouched then) whenever it is not certain: a bad timestamp, limits that are not plain
 * numbers, totals that are not plain ints below 2^30, cached above input, limits compared with
 * a last snapshot of odd values. Nothing is allocated. */
#ifndef TOKENWORTH_CODEX_LINE_H
#define TOKENWORTH_CODEX_LINE_H
#include "claude_line.h" /* cl_object, cl_text, cl_timestamp: the same strict reading */

enum { CX_OTHER = 0, CX_META, CX_TURN, CX_COUNT };

typedef struct {
    cl_str type, timestamp, ptype, id, cwd, model, branch;
    int has_payload, has_totals; /* payload an object; info.total_token_usage an object */
    int64_t totals[4];           /* input, cached, output, reasoning (absent: 0) */
    const char *limits;          /* the bytes of rate_limits (NULL: absent or null) */
    ptrdiff_t limits_len;
} cx_line;

/* One window of a snapshot as codex._Window decodes it: has_* 0 for absent or null. */
typedef struct {
    int present, has_used, has_minutes, has_at, has_within;
    double used;
    int64_t minutes, at, within;
} cx_window;

/* A plain non-negative integer of at most 18 digits (exactly an int64), or null; -1 otherwise. */
static int
cx_int(cl_cur *c, int *has, int64_t *out)
{
    const char *start = c->p;
    int64_t v = 0;
    if (c->p < c->end && *c->p == 'n') {
        *has = 0;
        return cl_literal(c, "null", 4);
    }
    if (c->p >= c->end || *c->p < '0' || *c->p > '9' || cl_number(c, &v) < 0 || c->p - start > 18)
        return -1;
    v = 0;
    for (const char *q = start; q < c->p; q++) {
        if (*q < '0' || *q > '9')
            return -1; /* a fraction or an exponent: msgspec's int refuses it */
        v = v * 10 + (*q - '0');
    }
    *has = 1;
    *out = v;
    return 0;
}

/* used_percent as msgspec's float: digits with an optional fraction, at most 15 digits in all,
 * so mantissa / 10^k is exact on both sides and the one division is the correctly rounded
 * double (any other spelling, a sign or an exponent, is -1). Or null. */
static int
cx_percent(cl_cur *c, int *has, double *out)
{
    static const double tens[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    const char *start = c->p;
    int64_t v = 0, m = 0;
    int digits = 0, frac = -1;
    if (c->p < c->end && *c->p == 'n') {
        *has = 0;
        return cl_literal(c, "null", 4);
    }
    if (c->p >= c->end || *c->p < '0' || *c->p > '9' || cl_number(c, &v) < 0)
        return -1;
    for (const char *q = start; q < c->p; q++) {
        if (*q == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (*q < '0' || *q > '9' || ++digits > 15)
            return -1;
        m = m * 10 + (*q - '0');
        if (frac >= 0)
            frac++;
    }
    *has = 1;
    *out = (double)m / tens[frac < 0 ? 0 : frac];
    return 0;
}

static int
cx_on_window(cl_cur *c, int index, void *state)
{
    cx_window *w = state;
    switch (index) {
    case 0:
        return cx_percent(c, &w->has_used, &w->used);
    case 1:
        return cx_int(c, &w->has_minutes, &w->minutes);
    case 2:
        return cx_int(c, &w->has_at, &w->at);
    default:
        return cx_int(c, &w->has_within, &w->within);
    }
}

static const cl_field cx_window_fields[] = {
    CL_FIELD("used_percent", CL_TOKENS),
    CL_FIELD("window_minutes", CL_TOKENS),
    CL_FIELD("resets_at", CL_TOKENS),
    CL_FIELD("resets_in_seconds", CL_TOKENS),
};

static int
cx_on_limits(cl_cur *c, int index, void *state)
{
    cx_window *w = (cx_window *)state + index;
    if (c->p < c->end && *c->p == 'n')
        return cl_literal(c, "null", 4);
    w->present = 1;
    return cl_object(c, cx_window_fields, 4, cx_on_window, w);
}

static const cl_field cx_limits_fields[] = {
    CL_FIELD("primary", CL_OBJECT),
    CL_FIELD("secondary", CL_OBJECT),
};

/* rate_limits (checked JSON already) as codex._Limits decodes it, or -1 when that decode would
 * fail or C is unsure (Python then decodes them, leniently if need be). */
static int
cx_limits(const char *p, ptrdiff_t len, cx_window w[2])
{
    cl_cur c = {p, p + len, 0};
    memset(w, 0, 2 * sizeof(*w));
    if (cl_object(&c, cx_limits_fields, 2, cx_on_limits, w) < 0)
        return -1;
    return c.p == c.end ? 0 : -1;
}

/* A total: a plain int of at most 2^30 - 1 (null or anything else: the lenient decode's). */
static int
cx_total(cl_cur *c, int64_t *out)
{
    if (c->p >= c->end || *c->p < '0' || *c->p > '9' || cl_number(c, out) < 0)
        return -1;
    return *out < 0 ? -1 : 0;
}

static int
cx_on_totals(cl_cur *c, int index, void *state)
{
    return cx_total(c, &((cx_line *)state)->totals[index]);
}

static const cl_field cx_totals_fields[] = {
    CL_FIELD("input_tokens", CL_TOKENS),
    CL_FIELD("cached_input_tokens", CL_TOKENS),
    CL_FIELD("output_tokens", CL_TOKENS),
    CL_FIELD("reasoning_output_tokens", CL_TOKENS),
};

static int
cx_on_info(cl_cur *c, int index, void *state)
{
    cx_line *line = state;
    (void)index;
    if (c->p < c->end && *c->p == 'n')
        return cl_literal(c, "null", 4);
    line->has_totals = 1;
    return cl_object(c, cx_totals_fields, 4, cx_on_totals, line);
}

static const cl_field cx_info_fields[] = {CL_FIELD("total_token_usage", CL_OBJECT)};

static int
cx_on_git(cl_cur *c, int index, void *state)
{
    (void)index;
    if (c->p < c->end && *c->p == '"')
        return cl_string(c, &((cx_line *)state)->branch);
    return cl_skip(c); /* git is Any: a branch of another type is no branch, not an error */
}

static const cl_field cx_git_fields[] = {CL_FIELD("branch", CL_TEXT)};

static int
cx_on_payload(cl_cur *c, int index, void *state)
{
    cx_line *line = state;
    const char *start;
    switch (index) {
    case 0:
        return cl_text(c, &line->ptype);
    case 1:
        return cl_text(c, &line->id);
    case 2:
        return cl_text(c, &line->cwd);
    case 3:
        return cl_text(c, &line->model);
    case 4: /* git: Any; only an object's "branch" is read */
        if (c->p < c->end && *c->p == '{')
            return cl_object(c, cx_git_fields, 1, cx_on_git, line);
        return cl_skip(c);
    case 5:
        if (c->p < c->end && *c->p == 'n')
            return cl_literal(c, "null", 4);
        return cl_object(c, cx_info_fields, 1, cx_on_info, line);
    default: /* rate_limits: kept as bytes, as codex._Payload keeps them */
        start = c->p;
        if (cl_skip(c) < 0)
            return -1;
        if (!(c->p - start == 4 && memcmp(start, "null", 4) == 0)) {
            line->limits = start;
            line->limits_len = c->p - start;
        }
        return 0;
    }
}

static const cl_field cx_payload_fields[] = {
    CL_FIELD("type", CL_TEXT),  CL_FIELD("id", CL_TEXT),     CL_FIELD("cwd", CL_TEXT),
    CL_FIELD("model", CL_TEXT), CL_FIELD("git", CL_OBJECT),  CL_FIELD("info", CL_OBJECT),
    CL_FIELD("rate_limits", CL_OBJECT),
};

static int
cx_on_line(cl_cur *c, int index, void *state)
{
    cx_line *line = state;
    if (index == 0)
        return cl_text(c, &line->type);
    if (index == 1)
        return cl_text(c, &line->timestamp);
    line->has_payload = 1; /* null or another type: Python's to read */
    return cl_object(c, cx_payload_fields, 7, cx_on_payload, line);
}

static const cl_field cx_line_fields[] = {
    CL_FIELD("type", CL_TEXT),
    CL_FIELD("timestamp", CL_TEXT),
    CL_FIELD("payload", CL_OBJECT),
};

static int
cx_is(const cl_str *s, const char *word, ptrdiff_t len)
{
    return s->kind == CL_STRING && !s->escaped && s->len == len && memcmp(s->ptr, word, (size_t)len) == 0;
}

/* The kind of the line [p, end) (CX_OTHER: Python's to read), its fields in *out. */
static int
codex_parse(const char *p, const char *end, cx_line *out)
{
    cl_cur c = {p, end, 0};
    memset(out, 0, sizeof(*out));
    if (cl_object(&c, cx_line_fields, 3, cx_on_line, out) < 0)
        return CX_OTHER;
    cl_ws(&c);
    if (c.p != c.end || !out->has_payload)
        return CX_OTHER;
    if (cx_is(&out->type, "event_msg", 9))
        return cx_is(&out->ptype, "token_count", 11) ? CX_COUNT : CX_OTHER;
    if (out->limits != NULL)
        return CX_OTHER; /* limits on another kind: only checked by Python, never used */
    if (cx_is(&out->type, "session_meta", 12))
        return CX_META;
    return cx_is(&out->type, "turn_context", 12) ? CX_TURN : CX_OTHER;
}

/* What _token_count keeps between lines: the last totals, context["limits"] (the used_percent
 * of both windows) and the bytes of the last snapshot (READ_SCRATCH). */
enum { CX_LIMITS_NONE, CX_LIMITS_KNOWN, CX_LIMITS_ODD };
typedef struct {
    int64_t totals[4];
    int limits;  /* CX_LIMITS_NONE: absent or None; _ODD: of values C does not compare */
    int has[2];  /* KNOWN: a window's used_percent is not None, */
    double v[2]; /* and is this */
    const char *scratch; /* NULL: none */
    ptrdiff_t scratch_len;
} cx_state;

/* What one token_count adds: a snapshot of windows w, and/or an event of these numbers. */
typedef struct {
    int snapshot, event;
    cx_window w[2];
    int64_t input, cache_read, output, reasoning;
} cx_step;

/* _token_count on *s for a line whose timestamp was read; 1 with what it adds in *out, or 0
 * (state untouched) for Python to read the line. */
static int
cx_count(cx_state *s, const cx_line *line, cx_step *out)
{
    cx_state next = *s;
    memset(out, 0, sizeof(*out));
    if (line->limits != NULL &&
        !(s->scratch != NULL && s->scratch_len == line->limits_len &&
          memcmp(s->scratch, line->limits, (size_t)line->limits_len) == 0)) {
        int has[2];
        double v[2];
        if (s->limits == CX_LIMITS_ODD || cx_limits(line->limits, line->limits_len, out->w) < 0)
            return 0;
        for (int k = 0; k < 2; k++) {
            has[k] = out->w[k].present && out->w[k].has_used;
            v[k] = has[k] ? out->w[k].used : 0.0;
        }
        /* seen != context["limits"]: a list of two floats or Nones, compared as Python does */
        if (s->limits == CX_LIMITS_NONE || has[0] != s->has[0] || has[1] != s->has[1] || (has[0] && v[0] != s->v[0]) ||
            (has[1] && v[1] != s->v[1])) {
            out->snapshot = 1;
            next.limits = CX_LIMITS_KNOWN;
            memcpy(next.has, has, sizeof(has));
            memcpy(next.v, v, sizeof(v));
        }
        next.scratch = line->limits;
        next.scratch_len = line->limits_len;
    }
    if (line->has_totals) {
        const int64_t *t = line->totals;
        int64_t p[4];
        if (t[1] > t[0])
            return 0; /* "impossible token totals": Python's skip */
        memcpy(p, s->totals, sizeof(p));
        if (!(t[0] == p[0] && t[1] == p[1] && t[2] == p[2] && t[3] == p[3])) { /* else: a repeat, nothing */
            if (t[0] < p[0] || t[1] < p[1] || t[2] < p[2] || t[3] < p[3])
                memset(p, 0, sizeof(p)); /* the counter restarted */
            int64_t d_in = t[0] - p[0], d_cached = t[1] - p[1];
            out->event = 1;
            out->cache_read = d_cached < d_in ? d_cached : d_in;
            out->input = d_in - out->cache_read;
            out->output = t[2] - p[2];
            out->reasoning = t[3] - p[3];
            if (out->reasoning > out->output)
                out->reasoning = out->output; /* add_usage: a part of output cannot exceed it */
            memcpy(next.totals, t, sizeof(next.totals));
        }
    }
    *s = next;
    return 1;
}

/* _window's reset instant: resets_at in range, else resets_in_seconds in range, else -1. */
static int64_t
cx_resets(const cx_window *w, int64_t ts_ms)
{
    if (w->has_at && w->at < INT64_C(100000000000))
        return w->at * 1000;
    if (w->has_within && w->within < INT64_C(1000000000))
        return ts_ms + w->within * 1000;
    return -1;
}

#endif
