/* Walking the picked lines of a block (claude_lines, codex_lines). Needs Python.h first. */
#ifndef TW_PICKED_LINES_H
#define TW_PICKED_LINES_H

#include <string.h>

/* The next line of buf[:end] that ``picked`` lists (every line when it is None), in order:
   1 with [*line, *stop) (its CR dropped), 0 when none is left, -1 with an error set. ``pos``
   (the next byte), ``index`` (lines passed) and ``k`` (picked entries used) carry the walk, so a
   caller that stops early knows where it stopped. ``who`` names the caller in errors. */
static int
next_picked(const char *data, Py_ssize_t end, PyObject *picked, Py_ssize_t n_picked, const char *who,
            Py_ssize_t *pos, Py_ssize_t *index, Py_ssize_t *k, const char **line, const char **stop)
{
    while (*pos < end && (picked == Py_None || *k < n_picked)) {
        const char *at = data + *pos;
        const char *nl = memchr(at, '\n', (size_t)(end - *pos));
        Py_ssize_t want;
        if (picked == Py_None)
            want = *index;
        else {
            want = PyLong_AsSsize_t(PyList_GetItem(picked, *k));
            if (want < 0 && PyErr_Occurred())
                return -1;
            if (want < *index) {
                PyErr_Format(PyExc_ValueError, "%s: picked must be increasing line indices", who);
                return -1;
            }
        }
        (*index)++;
        *pos = nl - data + 1;
        if (want != *index - 1)
            continue;
        (*k)++;
        *line = at;
        *stop = nl > at && nl[-1] == '\r' ? nl - 1 : nl;
        return 1;
    }
    return 0;
}

#endif
