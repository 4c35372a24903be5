/* scan_check: line_scan.h's scan against a plain reference, on random blocks placed so that each
 * ends exactly where readable memory ends (a PROT_NONE page follows): a read past a block's end
 * crashes it. tests/sources/test_line_select.py compiles and runs it (also with
 * -fsanitize=undefined, and under qemu for arm64's NEON code where a cross compiler is there).
 *
 *   scan_check [ROUNDS]  -> prints "ROUNDS blocks, N of object lines, M mixed, 0 mismatches",
 *                           exit status 0 when no answer differed. POSIX (mmap) only. */
#define _GNU_SOURCE
#include "line_scan.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static int
holds(const char *line, tw_ssize len, const needle_t *needle)
{
    for (tw_ssize i = 0; i + needle->len <= len; i++)
        if (memcmp(line + i, needle->ptr, (size_t)needle->len) == 0)
            return 1;
    return 0;
}

/* select_lines' rule, written plainly: 1 with the count and picked indices, or 0. */
static int
reference(const char *data, tw_ssize end, const needle_t *needles, tw_ssize n_needles, tw_ssize *count,
          tw_ssize *picked, tw_ssize *n_picked)
{
    tw_ssize start = 0, lines = 0;
    *n_picked = 0;
    while (start < end) {
        tw_ssize nl = start;
        char last;
        int hit = 0;
        while (data[nl] != '\n')
            nl++;
        if (nl - start < 2 || data[start] != '{')
            return 0;
        last = data[nl - 1] == '\r' ? data[nl - 2] : data[nl - 1];
        if (last != '}')
            return 0;
        for (tw_ssize k = 0; k < n_needles && !hit; k++)
            hit = holds(data + start, nl - start, &needles[k]);
        if (hit)
            picked[(*n_picked)++] = lines;
        lines++;
        start = nl + 1;
    }
    *count = lines;
    return 1;
}

static unsigned long long state = 88172645463325252ULL;

static unsigned
next_random(void) /* xorshift64: the same blocks on every run */
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (unsigned)(state >> 16);
}

int
main(int argc, char **argv)
{
    static const char *const sets[][5] = {
        {"\"usage\""}, {"\"token_count\"", "\"turn_context\"", "\"session_meta\""}, {"u"}, {"us", "ag"},
        {"uuuu", "\"\"", "x", "}"}, {"\"usage\"", "s", "a", "g", "e"},
    };
    static const char alphabet[] = "{}\"usagetokn_c\r x:";
    static tw_ssize picked[1 << 14];
    long rounds = argc > 1 ? atol(argv[1]) : 100000, objects = 0, mixed = 0, bad = 0;
    long page = sysconf(_SC_PAGESIZE);
    char *map = mmap(NULL, (size_t)(4 * page), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED || mprotect(map + 3 * page, (size_t)page, PROT_NONE) != 0)
        return 2;
    for (long round = 0; round < rounds; round++) {
        tw_ssize size = 1 + (tw_ssize)(next_random() % (unsigned)(3 * page - 1)), at = 0, n_needles = 0;
        tw_ssize count = -1, want_count = -1, n_picked = 0;
        char *data = map + 3 * page - size; /* the block's last byte is the last readable one */
        const char *const *set = sets[next_random() % (sizeof sets / sizeof sets[0])];
        needle_t needles[5];
        span_list_t list = {NULL, 0, 0};
        int got, want, same;
        while (at < size) { /* lines: mostly short, some long, nearly all {...} (some with a CR) */
            tw_ssize len = next_random() % 8 == 0 ? next_random() % 2000 : 2 + next_random() % 60;
            if (at + len + 1 > size)
                len = size - at - 1;
            for (tw_ssize i = 0; i < len; i++)
                data[at + i] = alphabet[next_random() % (sizeof alphabet - 1)];
            if (len >= 2 && next_random() % 2000) {
                data[at] = '{';
                data[at + len - 1] = '}';
                if (len >= 3 && next_random() % 4 == 0) {
                    data[at + len - 2] = '}';
                    data[at + len - 1] = '\r';
                }
            }
            if (len > 10 && next_random() % 3 == 0)
                memcpy(data + at + 1 + next_random() % (unsigned)(len - 9), "\"usage\"", 7);
            data[at + len] = '\n';
            at += len + 1;
        }
        for (int k = 0; k < 5 && set[k] != NULL; k++) {
            needles[n_needles].ptr = set[k];
            needles[n_needles].len = (tw_ssize)strlen(set[k]);
            n_needles++;
        }
        got = scan(data, size, needles, n_needles, 0, &count, &list);
        want = reference(data, size, needles, n_needles, &want_count, picked, &n_picked);
        same = got == want;
        if (same && got == 1) {
            same = count == want_count && list.n == n_picked;
            for (tw_ssize k = 0; same && k < n_picked; k++)
                same = list.spans[k].index == picked[k];
            objects++;
            mixed += n_picked > 0 && n_picked < count;
        }
        if (!same && bad++ < 5)
            fprintf(stderr, "mismatch: round %ld, %ld bytes\n", round, (long)size);
        free(list.spans);
    }
    printf("%ld blocks, %ld of object lines, %ld mixed, %ld mismatches\n", rounds, objects, mixed, bad);
    return bad != 0;
}
