// CSystem: the few libc calls Swift's Glibc module does not import.
//
// Swift cannot see epoll, accept4 or pipe2 through `import Glibc`, and it cannot call the
// wait-status macros (WIFEXITED and friends) because they are macros. Each wrapper here is one
// line around the real call; the Swift side (Sources/01-EventLoop/EpollPoller.swift and friends)
// carries the explanations. Do not define _GNU_SOURCE in this header: Swift would then import
// accept4 with a transparent-union argument it cannot pass.
#ifndef CSYSTEM_H
#define CSYSTEM_H

#include <stdint.h>
#include <stddef.h>

/// Returns 1 where the epoll wrappers below do real work (Linux), 0 elsewhere.
int csys_has_epoll(void);
/// epoll_create1(EPOLL_CLOEXEC); -1 and errno on failure or where epoll does not exist.
int csys_epoll_create(void);
/// epoll_ctl(epfd, op, fd, {events, data.fd = fd}). op: 1 add, 2 del, 3 mod (EPOLL_CTL_*).
int csys_epoll_ctl(int epfd, int op, int fd, uint32_t events);
/// epoll_wait, unpacking the packed epoll_event array into two plain arrays.
int csys_epoll_wait(int epfd, int *fds, uint32_t *events, int maxevents, int timeout_ms);

/// accept(2) that makes the new socket non-blocking and close-on-exec (accept4 where it exists).
int csys_accept_nonblock(int fd, void *addr, uint32_t *addrlen);
/// pipe(2) with both ends non-blocking and close-on-exec (pipe2 where it exists).
int csys_pipe_nonblock(int fds[2]);

/// The wait-status macros of <sys/wait.h>.
int csys_wifexited(int status);
int csys_wexitstatus(int status);
int csys_wifsignaled(int status);
int csys_wtermsig(int status);

/// Atomically adds one to *p and returns the previous value (shared trace sequence counter).
uint64_t csys_fetch_add(uint64_t *p);

#endif

/// INCRBYFLOAT's arithmetic in long double, exactly as Redis 6.2: parses both operands like
/// string2ld, adds, formats like ld2string(LD_STR_HUMAN) ("%.17Lf" without trailing zeros).
/// Returns the length written to out, -1 if the current value is not a float, -2 if the
/// increment is not, -3 if the result is NaN or infinite.
int csys_incrbyfloat(const char *cur, size_t curlen, const char *incr, size_t incrlen, char *out, size_t outlen);

/// A double as Redis 6.2 prints scores and RESP3 doubles: "%.17g", and "inf" / "-inf".
/// Returns the length written to out (room for 32 bytes is enough).
int csys_fmt_g17(double v, char *out, size_t outlen);

/// Bytes currently allocated by malloc (glibc's mallinfo2), or 0 where unknown. INFO used_memory.
size_t csys_heap_used(void);

/// The usable size of one block malloc returned (malloc_usable_size, malloc_size on macOS), or 0
/// where unknown. A client's memory in INFO and CLIENT LIST. Redis: zmalloc_size (src/zmalloc.c)
size_t csys_alloc_size(const void *p);

/// Physical memory of the machine in bytes, or 0 where unknown. INFO total_system_memory.
/// Redis: zmalloc_get_memory_size (src/zmalloc.c)
size_t csys_total_system_memory(void);

/// Hands free heap at the top of glibc's arenas back to the kernel (malloc_trim(0)); nothing
/// elsewhere. MEMORY PURGE. Redis: jemalloc's purge in memoryCommand (src/object.c)
void csys_malloc_trim(void);
