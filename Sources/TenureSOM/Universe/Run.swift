// Running a program: SOM's `system initialize: arguments`, as every SOM VM starts.
import Tenure

extension Universe {
    /// Runs `arguments` (a class file or class name, then its arguments) and returns the exit status.
    /// The class file's folder joins the class path, as in the other SOM VMs.
    public func run(arguments: [String]) -> Int32 {
        guard var first = arguments.first else {
            errorOutput("tenure-som: no class given; usage: tenure-som -cp DIR:DIR:... File.som [arguments]\n")
            return 2
        }
        if first.hasSuffix(".som") {
            first.removeLast(4)
            if let slash = first.lastIndex(of: "/") {
                classPath.insert(String(first[..<slash]), at: 0)
                first = String(first[first.index(after: slash)...])
            }
        }
        let program = [first] + arguments.dropFirst()
        // Calls stop 256 KiB above the end of this thread's stack (a run on a thread with a
        // small stack gets the error sooner; DeepStack gives 1 GiB).
        var here: UInt8 = 0
        let top = withUnsafeMutablePointer(to: &here) { UInt(bitPattern: $0) }
        hot.pointee.stackLimit = (ThreadStack.lowestAddress() ?? (top - (512 << 10))) + (256 << 10)
        // and 8192 roots short of the shadow stack's end (a frame and the primitive it
        // calls push far fewer).
        let free = heap.configuration.shadowStackCapacity - heap.rootDepth
        hot.pointee.rootLimit = heap.rootMark.top + max(0, free - 8192)
        do throws(Unwind) {
            let array = try heap.withRoots(1) { frame throws(Unwind) -> Value in
                frame[0] = try newArray(count: program.count)
                for (i, text) in program.enumerated() {
                    let s = try newString(text)
                    heap.storeItem(s, into: frame[0]!, at: i)
                }
                return frame[0]
            }
            _ = try sendTo(systemObject.value, symbols.intern("initialize:"), [array])
            return exitCode ?? 0
        } catch {
            switch error {
            case .exit(let code): return code
            case .fatal(let message):
                errorOutput(message + "\n")
                return 1
            case .methodReturn, .nonLocalReturn, .restart:
                return 0
            }
        }
    }
}

extension Universe {
    /// The heap's figures, for `--gc-statistics`.
    public func statisticsReport() -> String {
        let s = heap.statistics
        func ms(_ seconds: Double, _ digits: Int) -> String { NumberText.fixed(seconds * 1000, digits: digits) }
        return """
        Tenure: \(s.minorCollections) minor collections (\(ms(s.minorSeconds, 1)) ms, longest \(ms(s.minorMaxPause, 2)) ms), \
        \(s.majorCollections) major (\(ms(s.majorSeconds, 1)) ms, longest \(ms(s.majorMaxPause, 2)) ms); \
        \(s.nurseryBytesAllocated >> 20) MiB allocated in the nursery, \(s.bytesPromoted >> 20) MiB promoted; \
        peak old generation \(s.peakSurvivingBytes >> 20) MiB surviving, arenas \(s.arenaBytesPeak >> 20) MiB, large objects \(s.largeObjectBytesPeak >> 20) MiB

        """
    }
}
