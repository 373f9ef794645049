// System primitives: globals, loading, printing, time, and the collector.
//
// `system gcStats` answers an Array of the collections so far (minor and
// major), the milliseconds spent in them and the bytes allocated, so the Are
// We Fast Yet harness prints Tenure's figures beside each run; `fullGC` is a
// major collection.
import Tenure

extension Universe {
    func systemPrimitive(_ p: Primitive, _ base: UnsafeMutablePointer<ObjectRef?>) throws(Unwind) -> Value? {
        switch p {
        case .systemGlobal:
            guard isString(base[1]) else { return nil }
            if case .defined(let value) = try globalValue(symbolID(of: base[1]!), loading: true) { return value }
            return .some(nil)
        case .systemGlobalPut:
            guard isString(base[1]) else { return nil }
            setGlobal(symbolID(of: base[1]!), base[2])
            return base[2]
        case .systemHasGlobal:
            guard isString(base[1]) else { return nil }
            if case .defined = try globalValue(symbolID(of: base[1]!), loading: false) { return known.trueValue }
            return known.falseValue
        case .systemLoad:
            guard isString(base[1]) else { return nil }
            guard let id = try loadClassOrFail(string(base[1]!)) else { return .some(nil) }
            return classObject(id)
        case .systemLoadFile:
            guard isString(base[1]) else { return nil }
            guard let text = try? FileInput.read(string(base[1]!)) else { return nil }
            return try newString(text)
        case .systemExit:
            guard base[1].isSmallInteger else { return nil }
            throw .exit(Int32(truncatingIfNeeded: base[1].smallInteger))
        case .systemPrintString:
            output(isString(base[1]) ? string(base[1]!) : describe(base[1]))
            return base[0]
        case .systemPrintNewline:
            output("\n")
            return base[0]
        case .systemErrorPrint, .systemErrorPrintln:
            errorOutput((isString(base[1]) ? string(base[1]!) : describe(base[1])) + (p == .systemErrorPrintln ? "\n" : ""))
            return base[0]
        case .systemPrintStackTrace:
            errorOutput("(no stack trace)\n")
            return base[0]
        case .systemTime:
            return SmallInteger.make(Int((Clock.nanoseconds() - startTime) / 1_000_000))
        case .systemTicks:
            return SmallInteger.make(Int((Clock.nanoseconds() - startTime) / 1000))
        case .systemFullGC:
            heap.collect()
            return known.trueValue
        case .systemGCStats:
            let s = heap.statistics
            let array = try newArray(count: 3)
            heap.storeItem(SmallInteger.make(s.minorCollections + s.majorCollections), into: array, at: 0)
            heap.storeItem(SmallInteger.make(Int((s.gcSeconds * 1000).rounded())), into: array, at: 1)
            heap.storeItem(SmallInteger.make(s.nurseryBytesAllocated + s.largeObjectBytesPeak), into: array, at: 2)
            return array
        case .systemTotalCompilationTime:
            return SmallInteger.make(0)
        default:
            return nil
        }
    }
}
