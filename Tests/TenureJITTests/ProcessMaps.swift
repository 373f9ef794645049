// /proc/self/maps as text, for the tests that check what executable memory is mapped.
#if canImport(Glibc)
import Glibc
#endif

/// The process's memory mappings, one line per mapping ("" when unreadable).
func processMaps() -> String {
    let fd = open("/proc/self/maps", O_RDONLY)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}
