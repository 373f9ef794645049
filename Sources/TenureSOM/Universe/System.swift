// The few operating-system services the VM uses: a monotonic clock, files, standard error.
#if canImport(Glibc)
import Glibc
#endif

enum MonotonicClock {
    /// Microseconds on the monotonic clock.
    static func microseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }
}

enum FileOutput {
    case standardOutput, standardError

    func write(_ text: String) {
        var bytes = Array(text.utf8)
        let fd: Int32 = self == .standardOutput ? 1 : 2
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { return }
            offset += n
        }
    }

    static func exists(_ path: String) -> Bool { access(path, R_OK) == 0 }
}
