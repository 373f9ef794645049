// A tiny C shim for what Swift's Glibc module does not export.
#ifndef CTENURE_H
#define CTENURE_H

#include <stdint.h>
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

#endif
