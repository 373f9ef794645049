// A tiny C shim for what Swift's Glibc module does not export.
#ifndef CTENURE_H
#define CTENURE_H

#include <stdint.h>
#include <errno.h>
#if defined(__linux__)
#include <malloc.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

/// Gives free malloc memory back to the kernel (glibc's malloc_trim; a no-op elsewhere).
static inline void tenure_malloc_trim(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

/// The CPU's time-stamp counter (0 where there is none).
static inline uint64_t tenure_rdtsc(void) {
#if defined(__x86_64__)
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
#else
    return 0;
#endif
}

/// The CPU the calling thread runs on, or -1 when unknown (getcpu(2) without _GNU_SOURCE).
static inline int tenure_current_cpu(void) {
#if defined(__linux__) && defined(SYS_getcpu)
    unsigned cpu = 0;
    if (syscall(SYS_getcpu, &cpu, (void *)0, (void *)0) == 0) return (int)cpu;
#endif
    return -1;
}

/// memfd_create(2) for JIT code (Swift's Glibc does not export it): close-on-exec
/// and, where the kernel knows MFD_EXEC (Linux 6.3+), explicitly executable so that
/// vm.memfd_noexec=1 does not seal it non-executable; older kernels reject the
/// unknown flag with EINVAL and get plain MFD_CLOEXEC. Returns the fd, or -1 with
/// errno set (ENOSYS where there is no memfd_create).
static inline int tenure_memfd_create_executable(const char *name) {
#if defined(__linux__) && defined(SYS_memfd_create)
    const unsigned int cloexec = 0x0001U; /* MFD_CLOEXEC */
    const unsigned int exec = 0x0010U;    /* MFD_EXEC */
    long fd = syscall(SYS_memfd_create, name, cloexec | exec);
    if (fd < 0 && errno == EINVAL) fd = syscall(SYS_memfd_create, name, cloexec);
    return (int)fd;
#else
    (void)name;
    errno = ENOSYS;
    return -1;
#endif
}

/// Makes instruction fetches from [begin, end) see bytes just stored there, through
/// this or another mapping of the same memory (a no-op on x86-64; cache maintenance on arm64).
static inline void tenure_flush_instruction_cache(void *begin, void *end) {
    __builtin___clear_cache((char *)begin, (char *)end);
}

#endif
