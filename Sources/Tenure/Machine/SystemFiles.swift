// Reading the kernel's text files (/proc, /sys) under a root directory.
//
// Every fact about the machine is read through one `SystemFiles` value so
// that tests can point it at a fixture tree holding sample /proc and /sys
// contents (cgroup v1, v2, nested, unlimited, missing files, garbage) and
// check each sizing rule without the machine they run on. Reads use plain
// open/read: the library does not depend on Foundation. Directory entries'
// names are read up to their terminator only (see `name(of:)`).
//
// Behind `@_spi(Machine)` with the other machine facts.
import Glibc

/// The kernel's files as seen from a root directory ("/" for this machine).
@_spi(Machine)
public struct SystemFiles: Sendable, Equatable {
    /// The directory that stands for "/".
    public let root: String

    /// Files under `root`; "/" reads this machine's own.
    public init(root: String = "/") {
        self.root = root
    }

    /// The full path of `path` (absolute, as on the real machine) under the root.
    public func resolve(_ path: String) -> String {
        if root == "/" || root.isEmpty { return path }
        return root.hasSuffix("/") ? root + path.dropFirst() : root + path
    }

    /// The contents of a small text file, or nil when it is missing or unreadable.
    /// At most `limit` bytes are read (kernel files are small; a fixture could be anything).
    public func read(_ path: String, limit: Int = 1 << 20) -> String? {
        let fd = open(resolve(path), O_RDONLY)
        if fd < 0 { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return nil }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes.prefix(limit), as: UTF8.self)
    }

    /// The first line of a file, without surrounding spaces; nil when missing or empty.
    public func readLine(_ path: String) -> String? {
        guard let text = read(path, limit: 4096) else { return nil }
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let t = line.trimmingSpaces
        return t.isEmpty ? nil : t
    }

    /// The names in a directory (without "." and ".."), or nil when it cannot be listed.
    public func list(_ path: String) -> [String]? {
        guard let dir = opendir(resolve(path)) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = SystemFiles.name(of: entry)
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
    /// The bytes `d_name` declares (256 on Linux), measured on a zeroed entry of this process's own.
    private static let nameCapacity = MemoryLayout.size(ofValue: dirent().d_name)

    /// The name of a directory entry, read up to its terminator and no further.
    /// `d_name` is declared as 256 bytes, but the kernel writes only the name
    /// and its terminator (the record is rounded up to 8 bytes): the rest may
    /// be uninitialised or, for the last record of `readdir`'s buffer, not
    /// there at all. So the entry is never copied (`entry.pointee` would copy
    /// all of it) and the name is found with `strnlen` on the entry's memory.
    static func name(of entry: UnsafePointer<dirent>) -> String {
        let start = UnsafeRawPointer(entry) + nameOffset
        let length = strnlen(start.assumingMemoryBound(to: CChar.self), nameCapacity)
        return String(decoding: UnsafeRawBufferPointer(start: start, count: length), as: UTF8.self)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and newlines.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }),
              let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
