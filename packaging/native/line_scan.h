/* line_scan.h: the scan of tokenworth_native.c, apart from Python (so that
 * packaging/native/scan_check.c can test it on its own, past the end of mapped memory and
 * under other architectures' emulators). Include it after defining _GNU_SOURCE (memmem). */
#ifndef TOKENWORTH_LINE_SCAN_H
#define TOKENWORTH_LINE_SCAN_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef ptrdiff_t tw_ssize;

/* Speed. The block is walked line by line, but a line is searched for its newline and for the
 * needles in one pass: a filter looks at 16 positions at a time (SIMD) for either a '\n' or the
 * start of a possible needle, the place where two chosen bytes of a needle both match. Only
 * there is the needle compared (memcmp); once one matched, memchr (the C library's own vector
 * code) finds the line's end. A line is thus read about once, not once by memchr and once more
 * by memmem for each needle, as the line-by-line search (kept where there is no SIMD) does.
 * The SIMD is SSE2 on x86-64 and NEON on arm64: both are part of those architectures (every
 * such CPU has them), so there is no run-time check. GCC and Clang say __SSE2__ / __aarch64__,
 * MSVC _M_X64 / _M_ARM64. Elsewhere the line-by-line search is used. */
#if defined(__SSE2__) || defined(_M_X64) || defined(_M_AMD64)
#include <emmintrin.h>
#define HAVE_SIMD 1
typedef __m128i vec_t;
#define vec_splat(c) _mm_set1_epi8((char)(c))
/* Unaligned loads: a line, and so a step, starts anywhere. */
#define vec_load(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define vec_eq(a, b) _mm_cmpeq_epi8((a), (b))
#define vec_and(a, b) _mm_and_si128((a), (b))
#define vec_or(a, b) _mm_or_si128((a), (b))
#elif (defined(__aarch64__) || defined(_M_ARM64)) && !defined(__ARM_BIG_ENDIAN)
#include <arm_neon.h>
#define HAVE_SIMD 1
typedef uint8x16_t vec_t;
#define vec_splat(c) vdupq_n_u8((uint8_t)(c))
#define vec_load(p) vld1q_u8((const uint8_t *)(const void *)(p)) /* no alignment needed */
#define vec_eq(a, b) vceqq_u8((a), (b))
#define vec_and(a, b) vandq_u8((a), (b))
#define vec_or(a, b) vorrq_u8((a), (b))
#endif

#if defined(HAVE_SIMD) && defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h> /* _BitScanForward */
#endif

#ifdef HAVE_SIMD
/* The index of the first of the 16 lanes of a comparison result that is set, or -1. */
static inline int
first_lane(vec_t lanes)
{
#if defined(__SSE2__) || defined(_M_X64) || defined(_M_AMD64)
    unsigned int mask = (unsigned int)_mm_movemask_epi8(lanes); /* one bit per lane */
#if defined(_MSC_VER) && !defined(__clang__)
    unsigned long index;
    return _BitScanForward(&index, mask) ? (int)index : -1;
#else
    return mask ? __builtin_ctz(mask) : -1;
#endif
#else
    /* NEON has no movemask: narrowing each 16-bit pair by 4 bits leaves 4 bits per lane, in
     * lane order (little-endian), in one 64-bit number. */
    uint64_t mask = vget_lane_u64(vreinterpret_u64_u8(vshrn_n_u16(vreinterpretq_u16_u8(lanes), 4)), 0);
#if defined(_MSC_VER) && !defined(__clang__)
    unsigned long index;
    return _BitScanForward64(&index, mask) ? (int)(index >> 2) : -1;
#else
    return mask ? __builtin_ctzll(mask) >> 2 : -1;
#endif
#endif
}
#endif

/* At most this many needles go through the filter (the sources have one to four; more would
 * make each 16-byte step slower than searching line by line). */
#define MAX_FILTERED 8

typedef struct {
    const char *ptr;
    tw_ssize len;
    tw_ssize probe[2]; /* offsets of the two bytes the filter compares (choose_probes): the
                          * smaller first */
} needle_t;

typedef struct {
    tw_ssize index, start, stop; /* a picked line: its index and bytes [start, stop) */
} span_t;

typedef struct {
    span_t *spans;
    tw_ssize n, cap;
} span_list_t;

/* Whether the line hay[0:hay_len] holds the needle: the line-by-line search. */
static int
contains(const char *hay, tw_ssize hay_len, const needle_t *needle)
{
    if (needle->len == 0)
        return 1;
    if (needle->len > hay_len)
        return 0;
#if defined(_WIN32)
    /* No memmem: memchr for the first byte, then compare. */
    const char *p = hay, *last = hay + hay_len - needle->len;
    while (p <= last) {
        p = memchr(p, needle->ptr[0], (size_t)(last - p + 1));
        if (p == NULL)
            return 0;
        if (memcmp(p, needle->ptr, (size_t)needle->len) == 0)
            return 1;
        p++;
    }
    return 0;
#else
    return memmem(hay, (size_t)hay_len, needle->ptr, (size_t)needle->len) != NULL;
#endif
}

/* The line starting at `line`: where its '\n' is (memchr), and (*hit) whether it holds a
 * needle, each looked for with memmem over the line. */
static const char *
line_by_search(const char *line, const char *end, const needle_t *needles, tw_ssize n_needles, int *hit)
{
    const char *nl = memchr(line, '\n', (size_t)(end - line)); /* found: end[-1] is '\n' */
    for (tw_ssize k = 0; k < n_needles && !*hit; k++)
        *hit = contains(line, nl - line, &needles[k]);
    return nl;
}

#ifdef HAVE_SIMD
/* The bytes of the block counted to choose the probes: SAMPLES slices of SAMPLE_BYTES spread
 * over it, enough to see what is common in this log (prose, code, JSON keys) at a cost small
 * next to the scan even for a block of one short file. */
#define SAMPLES 8
#define SAMPLE_BYTES 512

/* Choose each needle's two probe bytes: the two rarest in the sample of the block. The filter
 * stops wherever both probes match, so rare bytes mean few false stops; which bytes are rare
 * depends on the logs (a quote is the commonest byte of JSON, '_' is rare in prose but common in
 * code), so they are counted, not guessed. The answer never depends on the choice. */
static void
choose_probes(needle_t *needles, tw_ssize n_needles, const char *data, tw_ssize end)
{
    tw_ssize seen[256] = {0};
    for (tw_ssize s = 0; s < SAMPLES; s++) {
        tw_ssize from = end / SAMPLES * s, to = from + SAMPLE_BYTES < end ? from + SAMPLE_BYTES : end;
        for (tw_ssize i = from; i < to; i++)
            seen[(unsigned char)data[i]]++;
    }
    for (tw_ssize k = 0; k < n_needles; k++) {
        const unsigned char *bytes = (const unsigned char *)needles[k].ptr;
        tw_ssize len = needles[k].len, rarest = 0, next = -1;
        for (tw_ssize i = 1; i < len; i++) {
            if (seen[bytes[i]] < seen[bytes[rarest]]) {
                next = rarest;
                rarest = i;
            } else if (next < 0 || seen[bytes[i]] < seen[bytes[next]])
                next = i;
        }
        if (next < 0)
            next = rarest; /* a needle of one byte */
        needles[k].probe[0] = rarest < next ? rarest : next;
        needles[k].probe[1] = rarest < next ? next : rarest;
    }
}

/* The filter, set up once per block: each needle's probe bytes in all 16 lanes, and where. */
typedef struct {
    vec_t first[MAX_FILTERED], second[MAX_FILTERED];
    tw_ssize at_first[MAX_FILTERED], at_second[MAX_FILTERED];
    tw_ssize reach; /* the farthest probe offset */
    const needle_t *needles;
    tw_ssize n_needles;
} filter_t;

static void
filter_init(filter_t *filter, const needle_t *needles, tw_ssize n_needles)
{
    filter->reach = 0;
    filter->needles = needles;
    filter->n_needles = n_needles;
    for (tw_ssize k = 0; k < n_needles; k++) {
        filter->at_first[k] = needles[k].probe[0];
        filter->at_second[k] = needles[k].probe[1];
        filter->first[k] = vec_splat(needles[k].ptr[needles[k].probe[0]]);
        filter->second[k] = vec_splat(needles[k].ptr[needles[k].probe[1]]);
        if (needles[k].probe[1] > filter->reach)
            filter->reach = needles[k].probe[1];
    }
}

/* The first position in [p, end) holding a '\n' or where a needle may start (both its probe
 * bytes match); end when there is none. Reads nothing at or past end: the 16-byte steps stop
 * while the farthest load (reach + 15 bytes on) is still before end; the rest goes byte by byte.
 * Inlined with n_needles a constant (next_stop), so the compiler unrolls the loop over the
 * needles and keeps their probes in registers (measured: ~1.5x faster than a loop over a
 * count). */
static inline const char *
next_stop_of(const char *p, const char *end, const filter_t *filter, tw_ssize n_needles)
{
    const vec_t newline = vec_splat('\n');
    while (end - p > filter->reach + 15) {
        vec_t stops = vec_eq(vec_load(p), newline);
        int lane;
        for (tw_ssize k = 0; k < n_needles; k++) {
            vec_t at_first = vec_eq(vec_load(p + filter->at_first[k]), filter->first[k]);
            vec_t at_second = vec_eq(vec_load(p + filter->at_second[k]), filter->second[k]);
            stops = vec_or(stops, vec_and(at_first, at_second));
        }
        lane = first_lane(stops);
        if (lane >= 0)
            return p + lane;
        p += 16;
    }
    for (; p < end; p++) {
        if (*p == '\n')
            return p;
        for (tw_ssize k = 0; k < n_needles; k++) {
            const needle_t *needle = &filter->needles[k];
            if (end - p >= needle->len && p[needle->probe[0]] == needle->ptr[needle->probe[0]] &&
                p[needle->probe[1]] == needle->ptr[needle->probe[1]])
                return p;
        }
    }
    return end;
}

static const char *
next_stop(const char *p, const char *end, const filter_t *filter)
{
    switch (filter->n_needles) { /* the sources' counts, each its own unrolled loop */
    case 1:
        return next_stop_of(p, end, filter, 1);
    case 2:
        return next_stop_of(p, end, filter, 2);
    case 3:
        return next_stop_of(p, end, filter, 3);
    case 4:
        return next_stop_of(p, end, filter, 4);
    default:
        return next_stop_of(p, end, filter, filter->n_needles);
    }
}

/* As line_by_search, with the filter: one pass over the line up to its first needle. */
static const char *
line_by_filter(const char *line, const char *end, const filter_t *filter, int *hit)
{
    const char *p = line;
    for (;;) {
        const char *stop = next_stop(p, end, filter);
        if (stop == end || *stop == '\n') /* (never end: end[-1] is '\n') */
            return stop;
        for (tw_ssize k = 0; k < filter->n_needles; k++) {
            /* A needle holds no '\n', so one matching here lies inside this line. */
            const needle_t *needle = &filter->needles[k];
            if (end - stop >= needle->len && memcmp(stop, needle->ptr, (size_t)needle->len) == 0) {
                *hit = 1;
                return memchr(stop, '\n', (size_t)(end - stop));
            }
        }
        p = stop + 1; /* a false stop: go on */
    }
}
#endif

/* One more picked line; 0 when out of memory. */
static int
add_span(span_list_t *list, tw_ssize index, tw_ssize start, tw_ssize stop)
{
    if (list->n == list->cap) {
        tw_ssize new_cap = list->cap ? list->cap * 2 : 256;
        span_t *grown = realloc(list->spans, (size_t)new_cap * sizeof(span_t));
        if (grown == NULL)
            return 0;
        list->spans = grown;
        list->cap = new_cap;
    }
    list->spans[list->n].index = index;
    list->spans[list->n].start = start;
    list->spans[list->n].stop = stop;
    list->n++;
    return 1;
}

/* The scan itself, without the GIL (so plain malloc, not PyMem): 1 = all object lines (the
 * picked ones in *list, which the caller frees), 0 = not, -1 = out of memory. `every`: every
 * line is picked (no needles given, or an empty one). */
static int
scan(const char *data, tw_ssize end, needle_t *needles, tw_ssize n_needles, int every,
     tw_ssize *count_out, span_list_t *list)
{
    const char *stop_at = data + end;
    tw_ssize count = 0, start = 0;
#ifdef HAVE_SIMD
    filter_t filter;
    int filtered = !every && n_needles > 0 && n_needles <= MAX_FILTERED;
    if (filtered)
        choose_probes(needles, n_needles, data, end);
    filter_init(&filter, needles, filtered ? n_needles : 0);
#endif
    while (start < end) {
        const char *line = data + start, *nlp;
        tw_ssize nl;
        int hit = every;
        char last;
        if (*line != '{')
            return 0; /* before searching it */
        if (every || n_needles == 0)
            nlp = memchr(line, '\n', (size_t)(end - start)); /* found: end[-1] is '\n' */
#ifdef HAVE_SIMD
        else if (filtered)
            nlp = line_by_filter(line, stop_at, &filter, &hit);
#endif
        else
            nlp = line_by_search(line, stop_at, needles, n_needles, &hit);
        nl = nlp - data;
        if (nl - start < 2)
            return 0;
        last = data[nl - 1];
        if (last == '\r')
            last = data[nl - 2];
        if (last != '}')
            return 0;
        if (hit && !every && !add_span(list, count, start, nl + 1))
            return -1;
        count++;
        start = nl + 1;
    }
    *count_out = count;
    return 1;
}

#endif
