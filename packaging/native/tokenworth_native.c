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
 * matches.
 *
 * claude_lines(buf, end, picked, source, fallback_session, fallback_project) reads the picked
 * lines of such a block (picked as select_lines gives it; None: every line) as Claude Code
 * transcript lines (tracker/sources/claude_block.py): one answer per line, in order, either the
 * tuple of UsageEvent fields Python's handler would make of it, or the line itself (bytes,
 * without its CR) when Python must read it (claude_line.h says when).
 *
 * codex_lines(buf, end, picked, source, state) reads the picked lines of such a block as Codex
 * rollout lines, the reader's context carried in state (codex_lines.h says how), until a line
 * Python must read (tracker/sources/codex_block.py).
 *
 * Only the limited API (3.11) is used: one abi3 build serves every later CPython.
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
#define TOKENWORTH_NATIVE_VERSION 3

#include "line_scan.h"   /* the scan itself (needle_t, scan) */
#include "claude_line.h" /* one Claude Code line (claude_parse) */
#include "picked_lines.h" /* next_picked: the walk over a block's picked lines */

static PyObject *
select_lines(PyObject *self, PyObject *args)
{
    PyObject *buf, *needle_tuple, *result = NULL;
    Py_ssize_t end, size, n_given, n_needles = 0;
    tw_ssize count = 0;
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
        result = Py_BuildValue("(nOO)", (Py_ssize_t)count, Py_None, Py_None);
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
        result = Py_BuildValue("(nNN)", (Py_ssize_t)count, picked, joined); /* N: steals both */
    }
done:
    free(list.spans);
    PyMem_Free(needles);
    return result;
}

/* The last string made for one field: the next line's is most often the same (one session,
 * project, branch and model per file; one key for a streamed reply's copies). */
typedef struct {
    const char *ptr, *ptr2;
    Py_ssize_t len, len2;
    PyObject *obj;
} text_cache;

static int
same_span(const char *a, Py_ssize_t alen, const char *b, Py_ssize_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, (size_t)alen) == 0);
}

/* The str of a checked string (escapes decoded), reusing the cache's when the bytes are equal. */
static PyObject *
text_of(const cl_str *s, text_cache *cache)
{
    PyObject *obj;
    if (cache->obj != NULL && same_span(cache->ptr, cache->len, s->ptr, s->len))
        return Py_NewRef(cache->obj);
    if (s->escaped) {
        char *tmp = PyMem_Malloc((size_t)s->len + 1);
        if (tmp == NULL)
            return PyErr_NoMemory();
        obj = PyUnicode_DecodeUTF8(tmp, cl_unescape(s->ptr, s->len, tmp), "strict");
        PyMem_Free(tmp);
    } else
        obj = PyUnicode_DecodeUTF8(s->ptr, s->len, "strict");
    if (obj == NULL)
        return NULL;
    Py_XDECREF(cache->obj);
    cache->ptr = s->ptr;
    cache->len = s->len;
    cache->obj = Py_NewRef(obj);
    return obj;
}

/* f"cc:{message.id}:{requestId or ''}" */
static PyObject *
key_of(const cl_line *line, text_cache *cache)
{
    const cl_str *id = &line->id, *req = &line->request;
    Py_ssize_t req_len = req->kind == CL_STRING ? req->len : 0;
    char *tmp;
    Py_ssize_t n = 0;
    PyObject *obj;
    if (cache->obj != NULL && same_span(cache->ptr, cache->len, id->ptr, id->len) &&
        same_span(cache->ptr2, cache->len2, req->ptr, req_len))
        return Py_NewRef(cache->obj);
    tmp = PyMem_Malloc((size_t)(id->len + req_len + 4));
    if (tmp == NULL)
        return PyErr_NoMemory();
    memcpy(tmp, "cc:", 3);
    n = 3 + (id->escaped ? cl_unescape(id->ptr, id->len, tmp + 3) : id->len);
    if (!id->escaped)
        memcpy(tmp + 3, id->ptr, (size_t)id->len);
    tmp[n++] = ':';
    if (req_len > 0) {
        if (req->escaped)
            n += cl_unescape(req->ptr, req_len, tmp + n);
        else {
            memcpy(tmp + n, req->ptr, (size_t)req_len);
            n += req_len;
        }
    }
    obj = PyUnicode_DecodeUTF8(tmp, n, "strict");
    PyMem_Free(tmp);
    if (obj == NULL)
        return NULL;
    Py_XDECREF(cache->obj);
    cache->ptr = id->ptr;
    cache->len = id->len;
    cache->ptr2 = req->ptr;
    cache->len2 = req_len;
    cache->obj = Py_NewRef(obj);
    return obj;
}

enum { C_KEY, C_SESSION, C_PROJECT, C_BRANCH, C_MODEL, N_CACHES };

/* _handle's event of a line claude_parse took: (source, key, session, project, branch, model,
 * ts_ms, input, output, cache_write_5m, cache_write_1h, cache_read, reasoning). */
static PyObject *
event_tuple(const cl_line *line, PyObject *source, PyObject *fb_session, PyObject *fb_project, PyObject *empty,
            PyObject *unknown, text_cache *caches)
{
    PyObject *items[13];
    PyObject *tuple;
    int k;
    items[0] = Py_NewRef(source);
    items[1] = key_of(line, &caches[C_KEY]);
    /* ``x or fallback``: a missing, null or empty string takes the fallback */
    items[2] = line->session.kind == CL_STRING && line->session.len ? text_of(&line->session, &caches[C_SESSION])
                                                                      : Py_NewRef(fb_session);
    items[3] = line->cwd.kind == CL_STRING && line->cwd.len ? text_of(&line->cwd, &caches[C_PROJECT])
                                                              : Py_NewRef(fb_project);
    items[4] = line->branch.kind == CL_STRING && line->branch.len ? text_of(&line->branch, &caches[C_BRANCH])
                                                                    : Py_NewRef(empty);
    items[5] = line->model.kind == CL_STRING && line->model.len ? text_of(&line->model, &caches[C_MODEL])
                                                                  : Py_NewRef(unknown);
    items[6] = PyLong_FromLongLong(line->ts_ms);
    items[7] = PyLong_FromLongLong(line->input);
    items[8] = PyLong_FromLongLong(line->output);
    items[9] = PyLong_FromLongLong(line->write_5m);
    items[10] = PyLong_FromLongLong(line->write_1h);
    items[11] = PyLong_FromLongLong(line->cache_read);
    items[12] = PyLong_FromLong(0);
    tuple = PyTuple_New(13);
    for (k = 0; k < 13; k++)
        if (items[k] == NULL)
            break;
    if (tuple == NULL || k < 13) {
        Py_XDECREF(tuple);
        for (k = 0; k < 13; k++)
            Py_XDECREF(items[k]);
        return NULL;
    }
    for (k = 0; k < 13; k++)
        PyTuple_SetItem(tuple, k, items[k]); /* steals the reference */
    return tuple;
}

static PyObject *
claude_lines(PyObject *self, PyObject *args)
{
    PyObject *buf, *picked, *source, *fb_session, *fb_project, *answers = NULL, *empty = NULL, *unknown = NULL;
    Py_ssize_t end, size, n_picked = 0, k = 0, index = 0, pos = 0;
    text_cache caches[N_CACHES];
    char *data;
    (void)self;

    memset(caches, 0, sizeof(caches));
    if (!PyArg_ParseTuple(args, "SnOOOO:claude_lines", &buf, &end, &picked, &source, &fb_session, &fb_project))
        return NULL;
    if (PyBytes_AsStringAndSize(buf, &data, &size) < 0)
        return NULL;
    if (end < 0 || end > size || (end > 0 && data[end - 1] != '\n')) {
        PyErr_SetString(PyExc_ValueError, "claude_lines: buf[:end] must be complete lines");
        return NULL;
    }
    if (picked != Py_None) {
        if (!PyList_Check(picked)) {
            PyErr_SetString(PyExc_TypeError, "claude_lines: picked must be a list or None");
            return NULL;
        }
        n_picked = PyList_Size(picked);
    }
    answers = PyList_New(0);
    empty = PyUnicode_FromStringAndSize("", 0);
    unknown = PyUnicode_FromString("unknown");
    if (answers == NULL || empty == NULL || unknown == NULL)
        goto fail;
    for (;;) {
        const char *line, *stop;
        cl_line parsed;
        PyObject *answer;
        int got = next_picked(data, end, picked, n_picked, "claude_lines", &pos, &index, &k, &line, &stop);
        if (got < 0)
            goto fail;
        if (got == 0)
            break;
        if (claude_parse(line, stop, &parsed))
            answer = event_tuple(&parsed, source, fb_session, fb_project, empty, unknown, caches);
        else
            answer = PyBytes_FromStringAndSize(line, stop - line);
        if (answer == NULL || PyList_Append(answers, answer) < 0) {
            Py_XDECREF(answer);
            goto fail;
        }
        Py_DECREF(answer);
    }
    if (picked != Py_None && k < n_picked) {
        PyErr_SetString(PyExc_ValueError, "claude_lines: a picked index is past the block's lines");
        goto fail;
    }
    goto done;
fail:
    Py_CLEAR(answers);
done:
    for (int c = 0; c < N_CACHES; c++)
        Py_XDECREF(caches[c].obj);
    Py_XDECREF(empty);
    Py_XDECREF(unknown);
    return answers;
}

#include "codex_lines.h" /* codex_lines, which uses text_of above */

static PyMethodDef methods[] = {
    {"select_lines", select_lines, METH_VARARGS,
     "select_lines(buf, end, needles) -> (count, picked, joined) | None: which lines of the block "
     "buf[:end] are object lines holding a needle (see tracker/sources/line_select.py)."},
    {"claude_lines", claude_lines, METH_VARARGS,
     "claude_lines(buf, end, picked, source, fallback_session, fallback_project) -> list: for each picked "
     "line of the block buf[:end], the tuple of its UsageEvent fields, or the line (bytes) for Python to read "
     "(see tracker/sources/claude_block.py)."},
    {"codex_lines", codex_lines, METH_VARARGS,
     "codex_lines(buf, end, picked, source, state) -> list: the events, sessions and rate-limit snapshots of "
     "the picked Codex lines of the block buf[:end] from where state says, state updated, ending with the line "
     "(bytes) Python must read next, if any (see tracker/sources/codex_block.py)."},
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
