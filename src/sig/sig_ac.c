/*
 * sig_ac.c - the multi-pattern prefilter: an Aho-Corasick automaton
 * (Aho & Corasick, "Efficient string matching", CACM 18(6), 1975) over
 * every content pattern of every signature, ASCII case-folded, compiled to
 * a full DFA over byte classes so that matching costs one table lookup per
 * byte whatever the number of signatures.  The state is kept per flow
 * direction, so a pattern split across chunks (or TCP segments) matches.
 *
 * Identical patterns (after folding) share one automaton pattern; each
 * pattern lists the (signature, content) pairs it stands for.  Folding
 * makes the automaton report a superset of the real matches: every
 * candidate is verified exactly (case, offsets) in sig_content.c.
 */
#include "sig_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imsentry/err.h"

/* Build-time trie. */
struct ac_build {
    uint32_t *delta;   /* n_states * n_cls, 0 = no edge (root is never a child) */
    int32_t *pat_of;   /* per state: pattern ending exactly here, or -1 */
    uint32_t *fail;    /* per state: failure link */
    uint32_t n_states; /* states used */
    uint32_t cap;      /* states allocated */
    unsigned n_cls;    /* byte classes */
};

/* Adds one state; 0 or IMS_ENOMEM. */
static int ac_add_state(struct ac_build *b, uint32_t *out)
{
    if (b->n_states == b->cap) {
        uint32_t ncap = b->cap ? b->cap * 2 : 64;
        uint32_t *d = realloc(b->delta, (size_t)ncap * b->n_cls * sizeof(*d));
        int32_t *p;

        if (!d)
            return IMS_ENOMEM;
        b->delta = d;
        p = realloc(b->pat_of, (size_t)ncap * sizeof(*p));
        if (!p)
            return IMS_ENOMEM;
        b->pat_of = p;
        b->cap = ncap;
    }
    memset(&b->delta[(size_t)b->n_states * b->n_cls], 0, b->n_cls * sizeof(uint32_t));
    b->pat_of[b->n_states] = -1;
    *out = b->n_states++;
    return 0;
}

void sig_ac_free(struct sig_ac *ac)
{
    free(ac->delta);
    free(ac->out_start);
    free(ac->out_refs);
    free(ac->pat_len);
    free(ac->ref_start);
    free(ac->refs);
    memset(ac, 0, sizeof(*ac));
}

/* Inserts every content into the trie, numbering distinct patterns. */
static int ac_insert_all(struct sig_engine *se, struct ac_build *b, struct sig_ac *ac, char *err,
                         size_t errlen)
{
    uint32_t n_pats = 0;
    int rc;

    for (unsigned si = 0; si < se->n_sigs; si++) {
        struct sig *s = &se->sigs[si];

        for (unsigned ci = 0; ci < s->n_contents; ci++) {
            struct sig_content *c = &s->contents[ci];
            uint32_t st = 0;

            for (uint32_t i = 0; i < c->len; i++) {
                unsigned k = ac->cls[c->pat[i]];
                uint32_t *slot = &b->delta[(size_t)st * b->n_cls + k];

                if (*slot == 0) {
                    uint32_t ns;

                    if (b->n_states >= LIM_SIG_AC_STATES) {
                        snprintf(err, errlen,
                                 "%s:%u:1: patterns need more than %u automaton "
                                 "states",
                                 s->file, s->line, (unsigned)LIM_SIG_AC_STATES);
                        return IMS_ELIMIT;
                    }
                    rc = ac_add_state(b, &ns);
                    if (rc)
                        return rc;
                    /* realloc may have moved the table */
                    b->delta[(size_t)st * b->n_cls + k] = ns;
                    st = ns;
                } else {
                    st = *slot;
                }
            }
            if (b->pat_of[st] < 0)
                b->pat_of[st] = (int32_t)n_pats++;
            c->ac_id = (uint32_t)b->pat_of[st];
        }
    }
    ac->n_pats = n_pats;
    return 0;
}

/* Pattern -> (signature, content) lists. */
static int ac_build_refs(struct sig_engine *se, struct sig_ac *ac)
{
    uint32_t total = 0, *fill;

    ac->pat_len = calloc(ac->n_pats + 1, sizeof(uint32_t));
    ac->ref_start = calloc(ac->n_pats + 1, sizeof(uint32_t));
    if (!ac->pat_len || !ac->ref_start)
        return IMS_ENOMEM;
    for (unsigned si = 0; si < se->n_sigs; si++)
        for (unsigned ci = 0; ci < se->sigs[si].n_contents; ci++) {
            ac->ref_start[se->sigs[si].contents[ci].ac_id]++;
            ac->pat_len[se->sigs[si].contents[ci].ac_id] = se->sigs[si].contents[ci].len;
            total++;
        }
    for (uint32_t p = 0, sum = 0; p <= ac->n_pats; p++) {
        uint32_t n = ac->ref_start[p];

        ac->ref_start[p] = sum;
        sum += n;
    }
    ac->refs = calloc(total ? total : 1, sizeof(*ac->refs));
    fill = calloc(ac->n_pats + 1, sizeof(uint32_t));
    if (!ac->refs || !fill) {
        free(fill);
        return IMS_ENOMEM;
    }
    for (unsigned si = 0; si < se->n_sigs; si++)
        for (unsigned ci = 0; ci < se->sigs[si].n_contents; ci++) {
            uint32_t p = se->sigs[si].contents[ci].ac_id;
            struct sig_ac_ref *r = &ac->refs[ac->ref_start[p] + fill[p]++];

            r->sig = si;
            r->content = (uint16_t)ci;
            r->fast = ci == se->sigs[si].fast;
        }
    free(fill);
    return 0;
}

/* Failure links in breadth-first order, completing delta into a DFA; then the outputs. */
static int ac_finish(struct ac_build *b, struct sig_ac *ac)
{
    uint32_t *queue = malloc((size_t)b->n_states * sizeof(uint32_t));
    uint32_t head = 0, tail = 0, total = 0;
    int rc = IMS_ENOMEM;

    b->fail = calloc(b->n_states, sizeof(uint32_t));
    ac->out_start = calloc((size_t)b->n_states + 1, sizeof(uint32_t));
    if (!queue || !b->fail || !ac->out_start)
        goto out;
    for (unsigned k = 0; k < b->n_cls; k++) {
        uint32_t c = b->delta[k];

        if (c) {
            b->fail[c] = 0;
            queue[tail++] = c;
        }
    }
    while (head < tail) {
        uint32_t s = queue[head++];

        for (unsigned k = 0; k < b->n_cls; k++) {
            uint32_t *slot = &b->delta[(size_t)s * b->n_cls + k];
            uint32_t f = b->delta[(size_t)b->fail[s] * b->n_cls + k];

            if (*slot) {
                b->fail[*slot] = f;
                queue[tail++] = *slot;
            } else {
                *slot = f;
            }
        }
    }
    /* Output counts: own pattern plus the failure state's outputs (BFS order: fail first). */
    for (uint32_t i = 0; i < tail; i++) {
        uint32_t s = queue[i];
        uint32_t n = (b->pat_of[s] >= 0) + ac->out_start[b->fail[s]];

        ac->out_start[s] = n;
    }
    /* out_start holds counts now; turn into offsets (root has none). */
    {
        uint32_t *cnt = malloc((size_t)b->n_states * sizeof(uint32_t));

        if (!cnt)
            goto out;
        memcpy(cnt, ac->out_start, (size_t)b->n_states * sizeof(uint32_t));
        for (uint32_t s = 0; s < b->n_states; s++) {
            ac->out_start[s] = total;
            total += cnt[s];
        }
        ac->out_start[b->n_states] = total;
        free(cnt);
    }
    ac->out_refs = malloc((size_t)(total ? total : 1) * sizeof(uint32_t));
    if (!ac->out_refs)
        goto out;
    for (uint32_t i = 0; i < tail; i++) {
        uint32_t s = queue[i], f = b->fail[s], o = ac->out_start[s];

        if (b->pat_of[s] >= 0)
            ac->out_refs[o++] = (uint32_t)b->pat_of[s];
        memcpy(&ac->out_refs[o], &ac->out_refs[ac->out_start[f]],
               (ac->out_start[f + 1] - ac->out_start[f]) * sizeof(uint32_t));
    }
    rc = 0;
out:
    free(queue);
    return rc;
}

int sig_ac_build(struct sig_engine *se, char *err, size_t errlen)
{
    struct sig_ac *ac = &se->ac;
    struct ac_build b;
    bool used[256] = {false};
    uint32_t root;
    int rc;

    memset(&b, 0, sizeof(b));
    sig_ac_free(ac);
    /* Byte classes: one per folded byte some pattern uses, class 0 for the rest. */
    for (unsigned si = 0; si < se->n_sigs; si++)
        for (unsigned ci = 0; ci < se->sigs[si].n_contents; ci++)
            for (uint32_t i = 0; i < se->sigs[si].contents[ci].len; i++)
                used[sig_fold(se->sigs[si].contents[ci].pat[i])] = true;
    ac->n_cls = 1;
    for (unsigned c = 0; c < 256; c++)
        if (used[c] && sig_fold((uint8_t)c) == c)
            ac->cls[c] = (uint8_t)ac->n_cls++; /* at most 230 folded bytes: fits */
    for (unsigned c = 0; c < 256; c++)
        ac->cls[c] = used[sig_fold((uint8_t)c)] ? ac->cls[sig_fold((uint8_t)c)] : 0;
    b.n_cls = ac->n_cls;

    rc = ac_add_state(&b, &root);
    if (rc)
        goto out;
    rc = ac_insert_all(se, &b, ac, err, errlen);
    if (rc)
        goto out;
    rc = ac_build_refs(se, ac);
    if (rc)
        goto out;
    rc = ac_finish(&b, ac);
    if (rc)
        goto out;
    /* Next states become flagged row offsets (LIM_SIG_AC_STATES * 231 classes < 2^31). */
    for (size_t i = 0; i < (size_t)b.n_states * b.n_cls; i++) {
        uint32_t t = b.delta[i];

        b.delta[i] = t * b.n_cls | (ac->out_start[t] != ac->out_start[t + 1] ? SIG_AC_OUT : 0);
    }
    ac->n_states = b.n_states;
    ac->delta = b.delta;
    b.delta = NULL;
out:
    if (rc == IMS_ENOMEM)
        snprintf(err, errlen, "out of memory building the pattern automaton");
    if (rc)
        sig_ac_free(ac);
    free(b.delta);
    free(b.pat_of);
    free(b.fail);
    return rc;
}
