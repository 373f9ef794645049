// The platform Tenure is built for: Linux with glibc.
//
// The collector reads the machine from Linux's own files (/proc/meminfo,
// /proc/self/statm, the cgroup v1 and v2 limits, /sys/devices/system/node),
// maps its spaces with Linux's mmap flags, gives pages back with
// MADV_DONTNEED and loads libnuma. Nothing of that has a tested Darwin
// counterpart, so the sources import Glibc alone, and any other platform
// stops here with one clear message instead of a page of unknown names.
#if !os(Linux)
#error("Tenure builds on Linux (glibc) only: it reads /proc, cgroups and NUMA topology, and uses Linux's mmap and madvise (docs/architecture.md, 'Platform')")
#endif
