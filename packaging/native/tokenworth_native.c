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

#include "line_scan.h" /* the scan itself (needle_t, scan) */

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
