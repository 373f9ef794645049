// Listing directories: a directory entry's name is read up to its terminator
// and not one byte further.
//
// `readdir` returns entries inside a buffer the kernel filled with records
// only as long as their names (rounded up to 8 bytes); the 256 bytes that
// `dirent.d_name` declares may run past the record, past what the kernel
// wrote, and for the last record past the buffer's filled part. Reading the
// whole array (as copying `entry.pointee` does) made Valgrind report
// uninitialised values in every program's first heap. The test puts an
// entry's terminator on the last byte of a page and makes the next page
// inaccessible: reading one byte past the name kills the process.
import Foundation
import Testing
@_spi(Machine) @testable import Tenure

@Suite struct SystemFilesTests {
    /// An entry whose name ends on the last readable byte: a read past the terminator faults.
    @Test func anEntryNameIsReadUpToItsTerminatorOnly() async {
        await #expect(processExitsWith: .success) {
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            guard let base = mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                  base != MAP_FAILED else { exit(3) }
            guard mprotect(base + page, page, PROT_NONE) == 0 else { exit(4) }
            let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
            let name = Array("abcd".utf8)
            // The entry starts 8-byte aligned, as the kernel's records do; its terminator is the page's last byte.
            let start = page - nameOffset - name.count - 1
            guard start % MemoryLayout<dirent>.alignment == 0 else { exit(5) }
            let bytes = base.assumingMemoryBound(to: UInt8.self)
            for (i, byte) in name.enumerated() { bytes[start + nameOffset + i] = byte }
            bytes[start + nameOffset + name.count] = 0
            let entry = UnsafeRawPointer(base + start).assumingMemoryBound(to: dirent.self)
            exit(SystemFiles.name(of: entry) == "abcd" ? 0 : 6)
        }
    }

    @Test func listGivesEveryNameOfEveryLength() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tenure-list-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var expected = ["a", "ab", "index0", "é-ü", String(repeating: "x", count: 255), String(repeating: "y", count: 254)]
        for length in 7...40 { expected.append(String(repeating: "n", count: length - 1) + "\(length % 10)") }
        for name in expected {
            #expect(FileManager.default.createFile(atPath: directory.appendingPathComponent(name).path, contents: nil), "\(name)")
        }
        let files = SystemFiles(root: directory.path)
        #expect(files.list("/") == expected.sorted())
        #expect(files.list("/missing") == nil)
    }
}
