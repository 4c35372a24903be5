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

typedef struct {
    const char *ptr;
    Py_ssize_t len;
} needle_t;

typedef struct {
    Py_ssize_t index, start, stop; /* a picked line: its index and bytes [start, stop) */
} span_t;

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

/* The scan itself, without the GIL (so plain malloc, not PyMem): 1 = all object lines, 0 = not,
 * -1 = out of memory. */
static int
scan(const char *data, Py_ssize_t end, const needle_t *needles, Py_ssize_t n_needles, Py_ssize_t *count_out,
     span_t **spans_out, Py_ssize_t *n_spans_out)
{
    span_t *spans = NULL;
    Py_ssize_t n_spans = 0, cap = 0, count = 0, start = 0;
    while (start < end) {
        const char *nlp = memchr(data + start, '\n', (size_t)(end - start));
        Py_ssize_t nl = nlp - data; /* found: the block ends with a newline (checked) */
        char last;
        if (nl - start < 2 || data[start] != '{')
            goto not_objects;
        last = data[nl - 1];
        if (last == '\r')
            last = data[nl - 2];
        if (last != '}')
            goto not_objects;
        for (Py_ssize_t k = 0; k < n_needles; k++) {
            if (contains(data + start, nl - start, &needles[k])) {
                if (n_spans == cap) {
                    Py_ssize_t new_cap = cap ? cap * 2 : 256;
                    span_t *grown = realloc(spans, (size_t)new_cap * sizeof(span_t));
                    if (grown == NULL) {
                        free(spans);
                        return -1;
                    }
                    spans = grown;
                    cap = new_cap;
                }
                spans[n_spans].index = count;
                spans[n_spans].start = start;
                spans[n_spans].stop = nl + 1;
                n_spans++;
                break;
            }
        }
        count++;
        start = nl + 1;
    }
    *count_out = count;
    *spans_out = spans;
    *n_spans_out = n_spans;
    return 1;
not_objects:
    free(spans);
    return 0;
}

static PyObject *
select_lines(PyObject *self, PyObject *args)
{
    PyObject *buf, *needle_tuple, *result = NULL;
    Py_ssize_t end, size, n_given, n_needles = 0, count = 0, n_spans = 0;
    char *data;
    needle_t *needles = NULL;
    span_t *spans = NULL;
    int found;
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
        needles[n_needles].ptr = ptr;
        needles[n_needles].len = len;
        n_needles++;
    }

    /* buf and the needles are immutable bytes we hold references to: safe without the GIL. */
    Py_BEGIN_ALLOW_THREADS
    found = scan(data, end, needles, n_needles, &count, &spans, &n_spans);
    Py_END_ALLOW_THREADS
    if (found < 0) {
        PyErr_NoMemory();
        goto done;
    }
    if (found == 0) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    if (n_given == 0 || n_spans == count) {
        result = Py_BuildValue("(nOO)", count, Py_None, Py_None);
        goto done;
    }
    {
        Py_ssize_t total = 0, pos = 0;
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
    free(spans);
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
