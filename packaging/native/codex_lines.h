/* codex_lines.h: codex_lines(), the Python side of codex_line.h, included by tokenworth_native.c
 * (it uses that file's text_of).
 *
 * codex_lines(buf, end, picked, source, state) reads the picked lines of a block (picked as
 * select_lines gives it) as Codex rollout lines, from where state says, carrying the reader's
 * context in state (a list, updated in place; tracker/sources/codex_block.py fills and reads it):
 *
 *   [pos, index, k, session, project, branch, model, input, cached, output, reasoning, limits,
 *    scratch, defer_all]
 *
 * pos/index/k: the byte, line and picked index to go on from; then context's strings and
 * totals; limits: context["limits"] (None, or a new list when a snapshot changed it); scratch:
 * the bytes of the last snapshot (None, any buffer, or new bytes when C recorded one).
 * It answers a list, in order: a tuple of UsageEvent fields for each event, [session, project,
 * branch] for a session noted, [ts_ms, session, primary, secondary] for a rate-limit snapshot
 * (a window: None or (used_percent, window_minutes, resets_at_ms)), and last, when it stops
 * before the block's end, the line (bytes, without its CR) Python must read next. */

#include "codex_line.h"

enum { S_POS, S_INDEX, S_K, S_SESSION, S_PROJECT, S_BRANCH, S_MODEL, S_TOTALS, S_LIMITS = S_TOTALS + 4, S_SCRATCH,
       S_DEFER_ALL, S_SIZE };

/* context["limits"] as C can compare it: None, or two Nones, floats or ints C holds exactly. */
static void
cx_read_limits(PyObject *obj, cx_state *s)
{
    s->limits = CX_LIMITS_NONE;
    if (obj == Py_None)
        return;
    s->limits = CX_LIMITS_ODD;
    if (!PyList_CheckExact(obj) || PyList_Size(obj) != 2)
        return;
    for (Py_ssize_t k = 0; k < 2; k++) {
        PyObject *item = PyList_GetItem(obj, k); /* borrowed */
        int overflow = 0;
        s->has[k] = item != Py_None;
        if (item == Py_None)
            s->v[k] = 0.0;
        else if (PyFloat_CheckExact(item))
            s->v[k] = PyFloat_AsDouble(item);
        else if (PyLong_CheckExact(item)) {
            long long x = PyLong_AsLongLongAndOverflow(item, &overflow);
            if (overflow || x > (1LL << 53) || x < -(1LL << 53))
                return;
            s->v[k] = (double)x; /* exact: Python compares int and float exactly too */
        } else
            return;
    }
    s->limits = CX_LIMITS_KNOWN;
}

static PyObject *
cx_window_obj(const cx_window *w, int64_t ts_ms)
{
    int64_t resets;
    if (!w->present || !w->has_used || w->used > 1000.0)
        return Py_NewRef(Py_None); /* _window: no readable used_percent, no window */
    resets = cx_resets(w, ts_ms);
    return Py_BuildValue("(dNN)", w->used,
                         w->has_minutes && w->minutes > 0 && w->minutes < 10000000 ? PyLong_FromLongLong(w->minutes)
                                                                                    : Py_NewRef(Py_None),
                         resets >= 0 ? PyLong_FromLongLong(resets) : Py_NewRef(Py_None));
}

/* Replaces *slot by the str of s (when it is a non-empty string): "if x := text(...)". */
static int
cx_set_text(PyObject **slot, const cl_str *s, text_cache *cache)
{
    PyObject *obj;
    if (s->kind != CL_STRING || s->len == 0)
        return 0;
    obj = text_of(s, cache);
    if (obj == NULL)
        return -1;
    Py_DECREF(*slot);
    *slot = obj;
    return 0;
}

enum { X_SESSION, X_PROJECT, X_BRANCH, X_MODEL, N_X };

static PyObject *
codex_lines(PyObject *self, PyObject *args)
{
    PyObject *buf, *picked, *source, *state, *answers = NULL, *unknown = NULL, *limits_obj = NULL;
    PyObject *text[N_X] = {NULL, NULL, NULL, NULL};
    Py_ssize_t end, size, n_picked = 0, pos, index, k;
    text_cache caches[N_X];
    Py_buffer view;
    int have_view = 0, defer_all, failed = 1, limits_changed = 0;
    const char *scratch_in;
    cx_state st;
    char *data;
    (void)self;

    memset(caches, 0, sizeof(caches));
    memset(&st, 0, sizeof(st));
    if (!PyArg_ParseTuple(args, "SnOOO!:codex_lines", &buf, &end, &picked, &source, &PyList_Type, &state))
        return NULL;
    if (PyBytes_AsStringAndSize(buf, &data, &size) < 0)
        return NULL;
    if (end < 0 || end > size || (end > 0 && data[end - 1] != '\n')) {
        PyErr_SetString(PyExc_ValueError, "codex_lines: buf[:end] must be complete lines");
        return NULL;
    }
    if (PyList_Size(state) != S_SIZE) {
        PyErr_SetString(PyExc_ValueError, "codex_lines: state must be a list of 14 items");
        return NULL;
    }
    if (picked != Py_None) {
        if (!PyList_Check(picked)) {
            PyErr_SetString(PyExc_TypeError, "codex_lines: picked must be a list or None");
            return NULL;
        }
        n_picked = PyList_Size(picked);
    }
    pos = PyLong_AsSsize_t(PyList_GetItem(state, S_POS));
    index = PyLong_AsSsize_t(PyList_GetItem(state, S_INDEX));
    k = PyLong_AsSsize_t(PyList_GetItem(state, S_K));
    defer_all = PyObject_IsTrue(PyList_GetItem(state, S_DEFER_ALL));
    if (PyErr_Occurred())
        return NULL;
    if (pos < 0 || pos > end || index < 0 || k < 0 || (pos > 0 && data[pos - 1] != '\n')) {
        PyErr_SetString(PyExc_ValueError, "codex_lines: state holds no line start of the block");
        return NULL;
    }
    for (int x = 0; x < N_X; x++) {
        text[x] = PyList_GetItem(state, S_SESSION + x);
        if (text[x] == NULL || !PyUnicode_Check(text[x])) {
            PyErr_SetString(PyExc_TypeError, "codex_lines: the context's strings must be str");
            return NULL;
        }
        Py_INCREF(text[x]);
    }
    for (int t = 0; t < 4; t++)
        st.totals[t] = PyLong_AsLongLong(PyList_GetItem(state, S_TOTALS + t));
    if (PyErr_Occurred())
        goto done;
    limits_obj = Py_NewRef(PyList_GetItem(state, S_LIMITS));
    cx_read_limits(limits_obj, &st);
    {
        PyObject *scratch = PyList_GetItem(state, S_SCRATCH);
        if (scratch != Py_None) {
            if (PyObject_GetBuffer(scratch, &view, PyBUF_SIMPLE) < 0)
                goto done;
            have_view = 1;
            st.scratch = view.buf;
            st.scratch_len = view.len;
        }
    }
    scratch_in = st.scratch;
    answers = PyList_New(0);
    unknown = PyUnicode_FromString("unknown");
    if (answers == NULL || unknown == NULL)
        goto done;
    for (;;) {
        const char *line, *stop;
        cx_line parsed;
        cx_step step;
        int kind, defer = 0;
        int got = next_picked(data, end, picked, n_picked, "codex_lines", &pos, &index, &k, &line, &stop);
        if (got < 0)
            goto done;
        if (got == 0)
            break;
        kind = defer_all ? CX_OTHER : codex_parse(line, stop, &parsed);
        if (kind == CX_META) {
            PyObject *note;
            if (cx_set_text(&text[X_SESSION], &parsed.id, &caches[X_SESSION]) < 0 ||
                cx_set_text(&text[X_PROJECT], &parsed.cwd, &caches[X_PROJECT]) < 0 ||
                cx_set_text(&text[X_BRANCH], &parsed.branch, &caches[X_BRANCH]) < 0)
                goto done;
            note = Py_BuildValue("[OOO]", text[X_SESSION], text[X_PROJECT], text[X_BRANCH]);
            if (note == NULL || PyList_Append(answers, note) < 0) {
                Py_XDECREF(note);
                goto done;
            }
            Py_DECREF(note);
        } else if (kind == CX_TURN) {
            if (cx_set_text(&text[X_MODEL], &parsed.model, &caches[X_MODEL]) < 0 ||
                cx_set_text(&text[X_PROJECT], &parsed.cwd, &caches[X_PROJECT]) < 0)
                goto done;
        } else if (kind == CX_COUNT) {
            int64_t ts_ms = parsed.timestamp.kind == CL_STRING && !parsed.timestamp.escaped
                                ? cl_timestamp(parsed.timestamp.ptr, parsed.timestamp.len)
                                : -1;
            if (ts_ms < 0 || !cx_count(&st, &parsed, &step))
                defer = 1;
            else {
                if (step.snapshot) {
                    PyObject *snap;
                    limits_changed = 1;
                    snap = Py_BuildValue("[LONN]", (long long)ts_ms, text[X_SESSION],
                                                   cx_window_obj(&step.w[0], ts_ms), cx_window_obj(&step.w[1], ts_ms));
                    if (snap == NULL || PyList_Append(answers, snap) < 0) {
                        Py_XDECREF(snap);
                        goto done;
                    }
                    Py_DECREF(snap);
                }
                if (step.event) {
                    const int64_t *t = parsed.totals;
                    PyObject *model = PyUnicode_GetLength(text[X_MODEL]) ? text[X_MODEL] : unknown;
                    PyObject *key = PyUnicode_FromFormat("cx:%U:%lld:%lld:%lld:%lld", text[X_SESSION],
                                                         (long long)t[0], (long long)t[1], (long long)t[2],
                                                         (long long)t[3]);
                    PyObject *event = key == NULL ? NULL
                                                  : Py_BuildValue("(ONOOOOLLLiiLL)", source, key, text[X_SESSION],
                                                                  text[X_PROJECT], text[X_BRANCH], model,
                                                                  (long long)ts_ms, (long long)step.input,
                                                                  (long long)step.output, 0, 0,
                                                                  (long long)step.cache_read,
                                                                  (long long)step.reasoning);
                    if (event == NULL || PyList_Append(answers, event) < 0) {
                        Py_XDECREF(event);
                        goto done;
                    }
                    Py_DECREF(event);
                }
            }
        } else
            defer = 1;
        if (defer) { /* Python reads this line next, with the context as it is now */
            PyObject *raw = PyBytes_FromStringAndSize(line, stop - line);
            if (raw == NULL || PyList_Append(answers, raw) < 0) {
                Py_XDECREF(raw);
                goto done;
            }
            Py_DECREF(raw);
            break;
        }
    }
    if (picked != Py_None && k < n_picked && pos >= end) {
        PyErr_SetString(PyExc_ValueError, "codex_lines: a picked index is past the block's lines");
        goto done;
    }
    {
        /* The context as it is now, into state (SetItem steals each new reference). */
        PyObject *items[S_DEFER_ALL];
        int n = 0;
        items[n++] = PyLong_FromSsize_t(pos);
        items[n++] = PyLong_FromSsize_t(index);
        items[n++] = PyLong_FromSsize_t(k);
        for (int x = 0; x < N_X; x++)
            items[n++] = Py_NewRef(text[x]);
        for (int t = 0; t < 4; t++)
            items[n++] = PyLong_FromLongLong(st.totals[t]);
        if (limits_changed) /* a snapshot's: a new list, as _token_count makes */
            items[n++] = Py_BuildValue("[NN]", st.has[0] ? PyFloat_FromDouble(st.v[0]) : Py_NewRef(Py_None),
                                       st.has[1] ? PyFloat_FromDouble(st.v[1]) : Py_NewRef(Py_None));
        else
            items[n++] = NULL; /* filled below */
        items[n++] = st.scratch != scratch_in ? PyBytes_FromStringAndSize(st.scratch, st.scratch_len) : NULL;
        failed = 0;
        for (int j = 0; j < n; j++)
            if (items[j] == NULL && j != S_LIMITS && j != S_SCRATCH)
                failed = 1;
        for (int j = 0; j < n; j++) {
            if (items[j] != NULL && !failed)
                PyList_SetItem(state, j, items[j]);
            else
                Py_XDECREF(items[j]);
        }
    }
done:
    if (have_view)
        PyBuffer_Release(&view);
    for (int x = 0; x < N_X; x++) {
        Py_XDECREF(text[x]);
        Py_XDECREF(caches[x].obj);
    }
    Py_XDECREF(limits_obj);
    Py_XDECREF(unknown);
    if (failed)
        Py_CLEAR(answers);
    return answers;
}
