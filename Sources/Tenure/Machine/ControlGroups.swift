// The memory limit of this process's control group (cgroup v1 and v2).
//
// In a container, physical RAM says little: the kernel kills the process
// when its cgroup passes memory.max (v2) or memory.limit_in_bytes (v1). The
// limit is found the way the kernel exposes it:
//   1. /proc/self/cgroup names this process's cgroup path, per hierarchy
//      ("4:memory:/a/b" for v1's memory controller, "0::/a/b" for v2);
//   2. /proc/self/mountinfo says where that hierarchy is mounted and which
//      cgroup is the mount's root (a container often sees only its own
//      subtree, so the path is taken relative to the mount root);
//   3. every directory from the process's cgroup up to the mount point may
//      hold a limit, and the smallest one on the path is the one that bites.
// "max" (v2) and v1's "unlimited" (0x7FFFFFFFFFFFF000, any value of 2^62 or
// more) mean no limit. When v1's memory controller is mounted it is the one
// in force (a hybrid machine, like this one, has v2 without memory control).
// Missing files mean no limit; garbage contents are reported and skipped.

/// A cgroup memory limit and where it was found.
@_spi(Machine) public struct ControlGroupLimit: Sendable, Equatable {
    /// The smallest limit on the path, in bytes; nil when there is none.
    public var bytes: Int?
    /// 1 or 2: the cgroup version consulted; nil when no cgroup was found.
    public var version: Int?
    /// The file that set the limit (under the root), when there was one.
    public var file: String?
    /// Unreadable or garbled files worth a look.
    public var notes: [String]

    /// Values at or above this are v1's way of saying "no limit".
    static let unlimitedFloor = 1 << 62

    /// Reads the limit of this process's memory cgroup under `files`.
    public static func read(_ files: SystemFiles) -> ControlGroupLimit {
        var notes: [String] = []
        guard let membership = files.read("/proc/self/cgroup") else {
            return ControlGroupLimit(bytes: nil, version: nil, file: nil, notes: ["/proc/self/cgroup: missing (no cgroup limit assumed)"])
        }
        var v1Path: String?
        var v2Path: String?
        for line in membership.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            if parts[0] == "0" && parts[1].isEmpty { v2Path = String(parts[2]) }
            if parts[1].split(separator: ",").contains("memory") { v1Path = String(parts[2]) }
        }
        let mounts = files.read("/proc/self/mountinfo").map(parseMounts) ?? []
        if v1Path != nil || v2Path != nil, mounts.isEmpty {
            notes.append("/proc/self/mountinfo: missing or empty (default mount points assumed)")
        }
        if let path = v1Path {
            let mount = mounts.first { $0.type == "cgroup" && $0.options.contains("memory") }
                ?? (mounts.isEmpty ? Mount(root: "/", point: "/sys/fs/cgroup/memory", type: "cgroup", options: ["memory"]) : nil)
            if let mount {
                var limit = smallestLimit(files, mount: mount, cgroup: path, file: "memory.limit_in_bytes", notes: &notes)
                limit.version = 1
                limit.notes = notes
                return limit
            }
        }
        if let path = v2Path {
            let mount = mounts.first { $0.type == "cgroup2" }
                ?? (mounts.isEmpty ? Mount(root: "/", point: "/sys/fs/cgroup", type: "cgroup2", options: []) : nil)
            if let mount {
                var limit = smallestLimit(files, mount: mount, cgroup: path, file: "memory.max", notes: &notes)
                limit.version = 2
                limit.notes = notes
                return limit
            }
        }
        return ControlGroupLimit(bytes: nil, version: nil, file: nil, notes: notes)
    }

    /// One line of mountinfo: the mounted subtree's root, the mount point, the type, the super options.
    struct Mount: Equatable {
        var root: String
        var point: String
        var type: String
        var options: [String]
    }

    /// The cgroup mounts of a mountinfo text ("id parent dev root point opts ... - type source superopts").
    static func parseMounts(_ text: String) -> [Mount] {
        text.split(separator: "\n").compactMap { line in
            guard let dash = line.firstRange(of: " - ") else { return nil }
            let left = line[..<dash.lowerBound].split(separator: " ")
            let right = line[dash.upperBound...].split(separator: " ")
            guard left.count >= 5, right.count >= 3, right[0] == "cgroup" || right[0] == "cgroup2" else { return nil }
            return Mount(root: unescape(left[3]), point: unescape(left[4]), type: String(right[0]),
                         options: right[2].split(separator: ",").map(String.init))
        }
    }

    /// mountinfo escapes spaces and a few other bytes as \040-style octal.
    static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        var u = Array(field.utf8)[...]
        while let c = u.first {
            if c == UInt8(ascii: "\\"), u.count >= 4,
               let v = UInt8(String(decoding: u.dropFirst().prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(v)
                u = u.dropFirst(4)
            } else {
                bytes.append(c)
                u = u.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The smallest limit in `file` from the process's cgroup directory up to the mount point.
    static func smallestLimit(_ files: SystemFiles, mount: Mount, cgroup: String, file: String,
                              notes: inout [String]) -> ControlGroupLimit {
        // The path below the mount: strip the mount's root when it is a prefix;
        // otherwise the mount shows this process's own cgroup at its root.
        var relative = cgroup
        if mount.root != "/" {
            if cgroup == mount.root { relative = "/" }
            else if cgroup.hasPrefix(mount.root + "/") { relative = String(cgroup.dropFirst(mount.root.count)) }
            else { relative = "/" }
        }
        var components = relative.split(separator: "/").map(String.init)
        var best: (bytes: Int, file: String)?
        while true {
            let dir = components.isEmpty ? mount.point : mount.point + "/" + components.joined(separator: "/")
            let path = dir + "/" + file
            if let text = files.readLine(path) {
                switch parseLimit(text) {
                case .some(.some(let bytes)):
                    if best == nil || bytes < best!.bytes { best = (bytes, path) }
                case .some(.none):
                    break
                case .none:
                    notes.append("\(path): not a limit (\"\(text.prefix(40))\"), ignored")
                }
            }
            if components.isEmpty { break }
            components.removeLast()
        }
        return ControlGroupLimit(bytes: best?.bytes, version: nil, file: best?.file, notes: notes)
    }

    /// A limit file's value: .some(bytes), .some(nil) for "no limit", nil for garbage.
    static func parseLimit(_ text: String) -> Int?? {
        if text == "max" { return .some(nil) }
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        guard let value = Int(text) else {
            // More digits than an Int holds: larger than any machine, so no limit.
            return text.isEmpty ? nil : .some(nil)
        }
        if value == 0 { return nil }
        return value >= unlimitedFloor ? .some(nil) : .some(value)
    }
}
