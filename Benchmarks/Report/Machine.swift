// Facts about the machine a report was measured on, for the report's header.
import Foundation

/// The machine and toolchain a report ran on.
struct Machine {
    var cpuModel: String
    var logicalCores: Int
    var memoryBytes: Int
    var kernel: String
    var swiftVersion: String
    var l2Cache: String
    var l3Cache: String
    /// /proc/loadavg's 1, 5 and 15 minute figures when the report started: other work on the machine.
    var loadAverage: String

    static func current() -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = field("model name", in: cpuinfo) ?? "unknown"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let memKiB = field("MemTotal", in: meminfo).flatMap { Int($0.split(separator: " ").first ?? "") } ?? 0
        let release = (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
        return Machine(
            cpuModel: model, logicalCores: ProcessInfo.processInfo.activeProcessorCount,
            memoryBytes: memKiB * 1024, kernel: "Linux \(release)",
            swiftVersion: firstLine(ofCommand: ["swift", "--version"]) ?? "unknown",
            l2Cache: cacheSize(level: 2), l3Cache: cacheSize(level: 3),
            loadAverage: ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "")
                .split(separator: " ").prefix(3).joined(separator: " "))
    }

    /// The value of the first "name : value" line of a /proc file.
    private static func field(_ name: String, in text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// The size of the first cache of `level` that sysfs lists for cpu0.
    private static func cacheSize(level: Int) -> String {
        let base = "/sys/devices/system/cpu/cpu0/cache"
        for index in 0..<8 {
            let dir = "\(base)/index\(index)"
            guard let l = try? String(contentsOfFile: "\(dir)/level", encoding: .utf8),
                  Int(l.trimmingCharacters(in: .whitespacesAndNewlines)) == level,
                  let size = try? String(contentsOfFile: "\(dir)/size", encoding: .utf8) else { continue }
            return size.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return "unknown"
    }

    /// The first line a command prints, or nil when it cannot run.
    static func firstLine(ofCommand command: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init)
    }
}
