// See include/CSystem.h. _GNU_SOURCE is defined here, in the .c file only, for accept4 and pipe2.
#define _GNU_SOURCE
#include "CSystem.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/epoll.h>
#endif

int csys_has_epoll(void) {
#ifdef __linux__
    return 1;
#else
    return 0;
#endif
}

int csys_epoll_create(void) {
#ifdef __linux__
    return epoll_create1(EPOLL_CLOEXEC);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int csys_epoll_ctl(int epfd, int op, int fd, uint32_t events) {
#ifdef __linux__
    struct epoll_event ee = {0};
    ee.events = events;
    ee.data.fd = fd;
    return epoll_ctl(epfd, op, fd, &ee);
#else
    (void)epfd; (void)op; (void)fd; (void)events;
    errno = ENOSYS;
    return -1;
#endif
}

int csys_epoll_wait(int epfd, int *fds, uint32_t *events, int maxevents, int timeout_ms) {
#ifdef __linux__
    struct epoll_event ev[256];
    if (maxevents > 256) maxevents = 256;
    int n = epoll_wait(epfd, ev, maxevents, timeout_ms);
    for (int i = 0; i < n; i++) {
        fds[i] = ev[i].data.fd;
        events[i] = ev[i].events;
    }
    return n;
#else
    (void)epfd; (void)fds; (void)events; (void)maxevents; (void)timeout_ms;
    errno = ENOSYS;
    return -1;
#endif
}

__attribute__((unused)) static int set_nonblock_cloexec(int fd) {
    int fl = fcntl(fd, F_GETFL);
    if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) return -1;
    return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int csys_accept_nonblock(int fd, void *addr, uint32_t *addrlen) {
#ifdef __linux__
    return accept4(fd, (struct sockaddr *)addr, (socklen_t *)addrlen, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
    int c = accept(fd, (struct sockaddr *)addr, (socklen_t *)addrlen);
    if (c != -1 && set_nonblock_cloexec(c) == -1) { close(c); return -1; }
    return c;
#endif
}

int csys_pipe_nonblock(int fds[2]) {
#ifdef __linux__
    return pipe2(fds, O_NONBLOCK | O_CLOEXEC);
#else
    if (pipe(fds) == -1) return -1;
    if (set_nonblock_cloexec(fds[0]) == -1 || set_nonblock_cloexec(fds[1]) == -1) {
        close(fds[0]); close(fds[1]);
        return -1;
    }
    return 0;
#endif
}

int csys_wifexited(int status) { return WIFEXITED(status); }
int csys_wexitstatus(int status) { return WEXITSTATUS(status); }
int csys_wifsignaled(int status) { return WIFSIGNALED(status); }
int csys_wtermsig(int status) { return WTERMSIG(status); }

uint64_t csys_fetch_add(uint64_t *p) { return __atomic_fetch_add(p, 1, __ATOMIC_SEQ_CST); }

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Redis: string2ld (src/util.c). */
static int parse_ld(const char *s, size_t slen, long double *dp) {
    char buf[5 * 1024];
    char *eptr;
    if (slen == 0 || slen >= sizeof(buf)) return 0;
    memcpy(buf, s, slen);
    buf[slen] = '\0';
    errno = 0;
    long double value = strtold(buf, &eptr);
    if (isspace((unsigned char)buf[0]) || eptr[0] != '\0' || (size_t)(eptr - buf) != slen ||
        (errno == ERANGE && (value == HUGE_VALL || value == -HUGE_VALL || value == 0)) ||
        errno == EINVAL || isnan(value))
        return 0;
    *dp = value;
    return 1;
}

int csys_incrbyfloat(const char *cur, size_t curlen, const char *incr, size_t incrlen, char *out, size_t outlen) {
    long double a = 0, b = 0;
    if (cur != NULL && !parse_ld(cur, curlen, &a)) return -1;
    if (!parse_ld(incr, incrlen, &b)) return -2;
    long double v = a + b;
    if (isnan(v) || isinf(v)) return -3;
    /* Redis: ld2string(LD_STR_HUMAN) (src/util.c) */
    int l = snprintf(out, outlen, "%.17Lf", v);
    if (l < 0 || (size_t)l + 1 > outlen) return -3;
    if (strchr(out, '.') != NULL) {
        char *p = out + l - 1;
        while (*p == '0') { p--; l--; }
        if (*p == '.') l--;
    }
    if (l == 2 && out[0] == '-' && out[1] == '0') { out[0] = '0'; l = 1; }
    return l;
}

#ifdef __GLIBC__
#include <malloc.h>
#elif defined(__APPLE__)
#include <malloc/malloc.h>
#endif

size_t csys_heap_used(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
#else
    return 0;
#endif
}

size_t csys_alloc_size(const void *p) {
#if defined(__GLIBC__)
    return malloc_usable_size((void *)p);
#elif defined(__APPLE__)
    return malloc_size(p);
#else
    (void)p;
    return 0;
#endif
}

void csys_malloc_trim(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

size_t csys_total_system_memory(void) {
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGESIZE)
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) return (size_t)pages * (size_t)page;
#endif
    return 0;
}

/* Redis 6.2: addReplyDouble and the score formatting of t_zset.c, snprintf "%.17g". */
int csys_fmt_g17(double v, char *out, size_t outlen) {
    if (isinf(v)) return snprintf(out, outlen, "%s", v > 0 ? "inf" : "-inf");
    return snprintf(out, outlen, "%.17g", v);
}
