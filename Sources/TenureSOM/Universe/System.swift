// The few operating-system services the VM uses: standard output and error,
// reading whole files (open/read: the VM does not use Foundation), a thread
// with a deep stack. (Time is Tenure's `Clock`, the one the heap's statistics
// read.)
#if canImport(Glibc)
import Glibc
#endif
import Tenure

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

/// Reading a whole text file (class files, `system loadFile:`) with open/read.
enum FileInput {
    /// Why a file could not be read: the system's message for errno, or that it is not UTF-8.
    struct Failure: Error, CustomStringConvertible {
        let description: String

        init(errno code: Int32) { description = String(cString: strerror(code)) }
        init(_ description: String) { self.description = description }
    }

    /// The contents of the file at `path`, which must be UTF-8 text (a leading byte order
    /// mark is dropped).
    static func read(_ path: String) throws(Failure) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(errno: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(errno: errno)
            }
            bytes.append(contentsOf: chunk[0..<n])
        }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes[3...] : bytes[...]
        guard let text = String(validating: body, as: UTF8.self) else { throw Failure("not UTF-8 text") }
        return text
    }
}

/// Running code on a thread with a deep stack.
public enum DeepStack {
    private final class Body: @unchecked Sendable {
        let run: () -> Void
        let bytes: Int
        init(_ run: @escaping () -> Void, bytes: Int) {
            self.run = run
            self.bytes = bytes
        }
    }

    /// Runs `body` on a new thread with a stack of `bytes` and waits for it; false when
    /// the thread cannot be started.
    public static func run(bytes: Int = Universe.stackBytes, _ body: @escaping () -> Void) -> Bool {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, bytes)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(Body(body, bytes: bytes)).toOpaque()
        guard pthread_create(&thread, &attributes, { context in
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            ThreadStack.recordLowestAddress(stackBytes: body.bytes)
            body.run()
            return nil
        }, context) == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return false
        }
        pthread_join(thread, nil)
        return true
    }
}

/// Where the running thread's stack ends, for threads started by `DeepStack` (the
/// thread records it first thing, in a thread-specific slot).
enum ThreadStack {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Called at the top of a thread whose stack is `stackBytes` long.
    static func recordLowestAddress(stackBytes: Int) {
        var here: UInt8 = 0
        let top = withUnsafeMutablePointer(to: &here) { UInt(bitPattern: $0) }
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: top - UInt(stackBytes)))
    }

    /// The lowest address of the calling thread's stack; nil when the thread was not
    /// started by `DeepStack`.
    static func lowestAddress() -> UInt? {
        guard let low = pthread_getspecific(key) else { return nil }
        return UInt(bitPattern: low)
    }
}
