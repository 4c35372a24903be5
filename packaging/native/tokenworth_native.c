/* tokenworth_native: the line pre-filter of Tokenworth's JSONL block reader, in C.
 *
 * select_lines(buf, end, needles) does in one pass what tracker/sources/line_select.py's
 * select_lines_py does (that is the reference; tests/sources/test_line_select.py checks the two
 * give the same answer on random blocks):
 *
 *   buf: bytes; buf[:end] is a block of complete lines (end == 0 or buf[end - 1] == '\n')
 *   needles: tuple of bytes
 *   -> None when a line of the block is not an object line: shorter than two bytes, or not
 *      starting with '{', or not ending with '}' (before one optional CR);
 *   -> (count, None, None) when there are no needles or every line holds one;
 *   -> (count, picked, joined) otherwise: the 0-based indices of the lines holding a needle and
 *      those lines (each with its newline) joined.
 *
 * A needle is looked for inside one line without its newline, so one holding a newline never
 * matches. Only the limited API (3.11) is used: one abi3 build serves every later CPython.
 */
#define Py_LIMITED_API 0x030B0000
#define PY_SSIZE_T_CLEAN
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem in glibc */
#endif
#include <Python.h>
#include <stdlib.h>
#include <string.h>

/* Bumped whenever select_lines' answer changes; tracker uses only the version it knows. */
#define TOKENWORTH_NATIVE_VERSION 1

/* Speed. The block is walked line by line, but a line is searched for its newline and for the
 * needles in one pass: a filter looks at 16 positions at a time (SSE2) for either a '\n' or the
 * start of a possible needle, the place where two chosen bytes of a needle both match. Only
 * there is the needle compared (memcmp); once one matched, memchr (glibc's own vector code)
 * finds the line's end. A line is thus read about once, not once by memchr and once more by
 * memmem for each needle, as the line-by-line search (kept where SSE2 is missing) does.
 * SSE2 is part of x86-64: every such CPU has it, so there is no run-time check (GCC and Clang
 * say __SSE2__, MSVC _M_X64). Elsewhere (arm64 among them) the line-by-line search is used. */
#if defined(__SSE2__) || defined(_M_X64) || defined(_M_AMD64)
#include <emmintrin.h>
#define HAVE_SSE2 1
#endif

/* At most this many needles go through the filter (the sources have one to four; more would
 * make each 16-byte step slower than searching line by line). */
#define MAX_FILTERED 8

typedef struct {
    const char *ptr;
    Py_ssize_t len;
    Py_ssize_t probe[2]; /* offsets of the two bytes the filter compares (choose_probes): the
                          * smaller first */
} needle_t;

typedef struct {
    Py_ssize_t index, start, stop; /* a picked line: its index and bytes [start, stop) */
} span_t;

typedef struct {
    span_t *spans;
    Py_ssize_t n, cap;
} span_list_t;

/* Whether the line hay[0:hay_len] holds the needle: the line-by-line search. */
static int
contains(const char *hay, Py_ssize_t hay_len, const needle_t *needle)
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
line_by_search(const char *line, const char *end, const needle_t *needles, Py_ssize_t n_needles, int *hit)
{
    const char *nl = memchr(line, '\n', (size_t)(end - line)); /* found: end[-1] is '\n' */
    for (Py_ssize_t k = 0; k < n_needles && !*hit; k++)
        *hit = contains(line, nl - line, &needles[k]);
    return nl;
}

#ifdef HAVE_SSE2
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
choose_probes(needle_t *needles, Py_ssize_t n_needles, const char *data, Py_ssize_t end)
{
    Py_ssize_t seen[256] = {0};
    for (Py_ssize_t s = 0; s < SAMPLES; s++) {
        Py_ssize_t from = end / SAMPLES * s, to = from + SAMPLE_BYTES < end ? from + SAMPLE_BYTES : end;
        for (Py_ssize_t i = from; i < to; i++)
            seen[(unsigned char)data[i]]++;
    }
    for (Py_ssize_t k = 0; k < n_needles; k++) {
        const unsigned char *bytes = (const unsigned char *)needles[k].ptr;
        Py_ssize_t len = needles[k].len, rarest = 0, next = -1;
        for (Py_ssize_t i = 1; i < len; i++) {
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

static int
lowest_bit(unsigned int mask) /* mask != 0 */
{
#if defined(_MSC_VER) && !defined(__clang__)
    unsigned long index;
    _BitScanForward(&index, mask);
    return (int)index;
#else
    return __builtin_ctz(mask);
#endif
}

/* The filter, set up once per block: each needle's probe bytes in all 16 lanes, and where. */
typedef struct {
    __m128i first[MAX_FILTERED], second[MAX_FILTERED];
    Py_ssize_t at_first[MAX_FILTERED], at_second[MAX_FILTERED];
    Py_ssize_t reach; /* the farthest probe offset */
    const needle_t *needles;
    Py_ssize_t n_needles;
} filter_t;

static void
filter_init(filter_t *filter, const needle_t *needles, Py_ssize_t n_needles)
{
    filter->reach = 0;
    filter->needles = needles;
    filter->n_needles = n_needles;
    for (Py_ssize_t k = 0; k < n_needles; k++) {
        filter->at_first[k] = needles[k].probe[0];
        filter->at_second[k] = needles[k].probe[1];
        filter->first[k] = _mm_set1_epi8(needles[k].ptr[needles[k].probe[0]]);
        filter->second[k] = _mm_set1_epi8(needles[k].ptr[needles[k].probe[1]]);
        if (needles[k].probe[1] > filter->reach)
            filter->reach = needles[k].probe[1];
    }
}

/* The first position in [p, end) holding a '\n' or where a needle may start (both its probe
 * bytes match); end when there is none. Reads nothing at or past end: the 16-byte steps stop
 * while the farthest load (reach + 15 bytes on) is still before end; the rest goes byte by byte.
 * Loads are unaligned (_mm_loadu_si128): a line starts anywhere. Inlined with n_needles a
 * constant (next_stop), so the compiler unrolls the loop over the needles. */
static inline const char *
next_stop_of(const char *p, const char *end, const filter_t *filter, Py_ssize_t n_needles)
{
    const __m128i newline = _mm_set1_epi8('\n');
    while (end - p > filter->reach + 15) {
        __m128i stops = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), newline);
        for (Py_ssize_t k = 0; k < n_needles; k++) {
            const char *a = p + filter->at_first[k], *b = p + filter->at_second[k];
            __m128i at_a = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)a), filter->first[k]);
            __m128i at_b = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)b), filter->second[k]);
            stops = _mm_or_si128(stops, _mm_and_si128(at_a, at_b));
        }
        unsigned int mask = (unsigned int)_mm_movemask_epi8(stops);
        if (mask != 0)
            return p + lowest_bit(mask);
        p += 16;
    }
    for (; p < end; p++) {
        if (*p == '\n')
            return p;
        for (Py_ssize_t k = 0; k < n_needles; k++) {
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
        for (Py_ssize_t k = 0; k < filter->n_needles; k++) {
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
add_span(span_list_t *list, Py_ssize_t index, Py_ssize_t start, Py_ssize_t stop)
{
    if (list->n == list->cap) {
        Py_ssize_t new_cap = list->cap ? list->cap * 2 : 256;
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
scan(const char *data, Py_ssize_t end, needle_t *needles, Py_ssize_t n_needles, int every,
     Py_ssize_t *count_out, span_list_t *list)
{
    const char *stop_at = data + end;
    Py_ssize_t count = 0, start = 0;
#ifdef HAVE_SSE2
    filter_t filter;
    int filtered = !every && n_needles > 0 && n_needles <= MAX_FILTERED;
    if (filtered)
        choose_probes(needles, n_needles, data, end);
    filter_init(&filter, needles, filtered ? n_needles : 0);
#endif
    while (start < end) {
        const char *line = data + start, *nlp;
        Py_ssize_t nl;
        int hit = every;
        char last;
        if (*line != '{')
            return 0; /* before searching it */
        if (every || n_needles == 0)
            nlp = memchr(line, '\n', (size_t)(end - start)); /* found: end[-1] is '\n' */
#ifdef HAVE_SSE2
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

static PyObject *
select_lines(PyObject *self, PyObject *args)
{
    PyObject *buf, *needle_tuple, *result = NULL;
    Py_ssize_t end, size, n_given, n_needles = 0, count = 0;
    char *data;
    needle_t *needles = NULL;
    span_list_t list = {NULL, 0, 0};
    int found, every;
    (void)self;

    if (!PyArg_ParseTuple(args, "SnO!:select_lines", &buf, &end, &PyTuple_Type, &needle_tuple))
        return NULL;
    if (PyBytes_AsStringAndSize(buf, &data, &size) < 0)
        return NULL;
    if (end < 0 || end > size || (end > 0 && data[end - 1] != '\n')) {
        PyErr_SetString(PyExc_ValueError, "select_lines: buf[:end] must be complete lines");
        return NULL;
    }
    n_given = PyTuple_Size(needle_tuple);
    if (n_given < 0)
        return NULL;
    every = n_given == 0; /* no needles: every line is wanted */
    if (n_given > 0) {
        needles = PyMem_Malloc((size_t)n_given * sizeof(needle_t));
        if (needles == NULL)
            return PyErr_NoMemory();
    }
    for (Py_ssize_t k = 0; k < n_given; k++) {
        PyObject *item = PyTuple_GetItem(needle_tuple, k); /* borrowed */
        char *ptr;
        Py_ssize_t len;
        if (item == NULL || !PyBytes_Check(item)) {
            PyErr_SetString(PyExc_TypeError, "select_lines: needles must be bytes");
            goto done;
        }
        if (PyBytes_AsStringAndSize(item, &ptr, &len) < 0)
            goto done;
        if (memchr(ptr, '\n', (size_t)len) != NULL)
            continue; /* cannot match inside a line */
        if (len == 0)
            every = 1; /* b"" is in every line */
        else {
            needles[n_needles].ptr = ptr;
            needles[n_needles].len = len;
            n_needles++;
        }
    }

    /* buf and the needles are immutable bytes we hold references to: safe without the GIL. */
    Py_BEGIN_ALLOW_THREADS
    found = scan(data, end, needles, n_needles, every, &count, &list);
    Py_END_ALLOW_THREADS
    if (found < 0) {
        PyErr_NoMemory();
        goto done;
    }
    if (found == 0) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    if (every || list.n == count) {
        result = Py_BuildValue("(nOO)", count, Py_None, Py_None);
        goto done;
    }
    {
        span_t *spans = list.spans;
        Py_ssize_t n_spans = list.n, total = 0, pos = 0;
        PyObject *picked = PyList_New(n_spans), *joined;
        char *out;
        if (picked == NULL)
            goto done;
        for (Py_ssize_t k = 0; k < n_spans; k++) {
            PyObject *index = PyLong_FromSsize_t(spans[k].index);
            if (index == NULL) {
                Py_DECREF(picked);
                goto done;
            }
            PyList_SetItem(picked, k, index); /* steals the reference */
            total += spans[k].stop - spans[k].start;
        }
        joined = PyBytes_FromStringAndSize(NULL, total);
        if (joined == NULL) {
            Py_DECREF(picked);
            goto done;
        }
        out = PyBytes_AsString(joined);
        for (Py_ssize_t k = 0; k < n_spans; k++) {
            Py_ssize_t len = spans[k].stop - spans[k].start;
            memcpy(out + pos, data + spans[k].start, (size_t)len);
            pos += len;
        }
        result = Py_BuildValue("(nNN)", count, picked, joined); /* N: steals both */
    }
done:
    free(list.spans);
    PyMem_Free(needles);
    return result;
}

static PyMethodDef methods[] = {
    {"select_lines", select_lines, METH_VARARGS,
     "select_lines(buf, end, needles) -> (count, picked, joined) | None: which lines of the block "
     "buf[:end] are object lines holding a needle (see tracker/sources/line_select.py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "tokenworth_native", "Tokenworth's optional native accelerator.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit_tokenworth_native(void)
{
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddIntConstant(m, "VERSION", TOKENWORTH_NATIVE_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
