// Counting the heap, as Redis's zmalloc does: every byte malloc hands out is added to one
// counter and every byte freed taken off, so that "how much memory is in use" (INFO used_memory,
// maxmemory) is one load of a number, not a walk of the heap.
//
// Redis wraps its own calls (zmalloc, zfree). Swift allocates through the runtime, which calls
// malloc and free directly, so here the C library's own entry points are wrapped instead: this
// file defines malloc, free, calloc, realloc and the aligned variants, and each calls glibc's
// implementation (__libc_malloc, …) and counts the block's usable size. Defined in the
// executable, they take the place of glibc's for the Swift runtime and every library.
//
// Why not mallinfo2(): it walks every free chunk of every arena. Measured on this project's
// machine with two million small blocks, a third of them freed: 15 ms per call, too slow for
// serverCron ten times a second and far too slow to check maxmemory before each command.
//
// Redis: zmalloc, zfree, zrealloc, zmalloc_used_memory, update_zmalloc_stat_alloc (src/zmalloc.c)
// SIMPLIFICATION: glibc only. Elsewhere (macOS) the functions are not wrapped and the used
// memory comes from the allocator's own statistics.

#define _GNU_SOURCE
#include "CSystem.h"
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#if defined(__GLIBC__)
#include <malloc.h>

extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

// Signed: a block allocated before these wrappers were in place (by the dynamic loader) and
// freed through them would take the count below what it should be; reads clamp at zero.
static long long used_memory = 0;

static inline void count_alloc(void *p) {
    if (p) __atomic_add_fetch(&used_memory, (long long)malloc_usable_size(p), __ATOMIC_RELAXED);
}
static inline void count_free(void *p) {
    if (p) __atomic_sub_fetch(&used_memory, (long long)malloc_usable_size(p), __ATOMIC_RELAXED);
}

void *malloc(size_t n) {
    void *p = __libc_malloc(n);
    count_alloc(p);
    return p;
}

void free(void *p) {
    count_free(p);
    __libc_free(p);
}

void *calloc(size_t n, size_t size) {
    void *p = __libc_calloc(n, size);
    count_alloc(p);
    return p;
}

void *realloc(void *p, size_t n) {
    size_t old = p ? malloc_usable_size(p) : 0;
    void *q = __libc_realloc(p, n);
    if (q) {
        __atomic_sub_fetch(&used_memory, (long long)old, __ATOMIC_RELAXED);
        count_alloc(q);
    } else if (p && n == 0) {
        // realloc(p, 0) frees p and returns NULL.
        __atomic_sub_fetch(&used_memory, (long long)old, __ATOMIC_RELAXED);
    }
    return q;
}

void *reallocarray(void *p, size_t n, size_t size) {
    if (size && n > SIZE_MAX / size) { errno = ENOMEM; return NULL; }
    return realloc(p, n * size);
}

void *memalign(size_t alignment, size_t n) {
    void *p = __libc_memalign(alignment, n);
    count_alloc(p);
    return p;
}

void *aligned_alloc(size_t alignment, size_t n) { return memalign(alignment, n); }

int posix_memalign(void **out, size_t alignment, size_t n) {
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *p = memalign(alignment, n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

void *valloc(size_t n) { return memalign((size_t)sysconf(_SC_PAGESIZE), n); }

void *pvalloc(size_t n) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return memalign(page, (n + page - 1) & ~(page - 1));
}

size_t csys_heap_used(void) {
    long long n = __atomic_load_n(&used_memory, __ATOMIC_RELAXED);
    return n > 0 ? (size_t)n : 0;
}

#elif defined(__APPLE__)
#include <malloc/malloc.h>

size_t csys_heap_used(void) {
    malloc_statistics_t stats;
    malloc_zone_statistics(NULL, &stats);
    return stats.size_in_use;
}

#else
size_t csys_heap_used(void) { return 0; }
#endif
