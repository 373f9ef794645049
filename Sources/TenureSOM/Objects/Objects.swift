// Making and reading the VM's own kinds of objects.
//
// Strings and Symbols are arrays of UTF-8 bytes (their Tenure types differ,
// so the header tells them apart); a Double is one raw word; a LargeInteger
// is raw 64-bit words, the sign first, then the magnitude, least significant
// first. Every maker may collect: callers hold what they need in roots.
import Tenure

/// Why the interpreter leaves the evaluation of a node early.
enum Unwind: Error {
    /// `^value` from a method (its last statement, or inside an inlined block).
    case methodReturn(Value)
    /// `^value` from a block, to the method whose context has activation `marker`.
    case nonLocalReturn(marker: Int, value: Value)
    /// `system exit: code`.
    case exit(Int32)
    /// `Block>>restart`: run the current method again from its first statement
    /// (Block>>whileTrue: loops this way when its receiver is not a literal block).
    case restart
    /// An error the VM cannot go on after (out of memory, a class that cannot be loaded).
    case fatal(String)

    static func heap(_ error: HeapError) -> Unwind { .fatal("SOM: \(error)") }
}

extension Universe {
    func newString(_ text: String) throws(Unwind) -> ObjectRef {
        try newBytes(Array(text.utf8), type: known.stringType!)
    }

    func newBytes(_ bytes: [UInt8], type: ArrayType) throws(Unwind) -> ObjectRef {
        let object: ObjectRef
        do { object = try heap.allocateArray(type, count: bytes.count) } catch { throw .heap(error) }
        bytes.withUnsafeBytes { object.items.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        return object
    }

    /// The text of a String or a Symbol.
    func string(_ object: ObjectRef) -> String {
        String(decoding: UnsafeRawBufferPointer(start: object.items, count: object.count), as: UTF8.self)
    }

    func newDouble(_ value: Double) throws(Unwind) -> ObjectRef {
        let object: ObjectRef
        do { object = try heap.allocate(known.doubleType!) } catch { throw .heap(error) }
        object.store(value, at: 8)
        return object
    }

    @inline(__always)
    func double(_ object: ObjectRef) -> Double { object.load(at: 8, as: Double.self) }

    func newArray(count: Int) throws(Unwind) -> ObjectRef {
        do { return try heap.allocateArray(known.arrayType!, count: count) } catch { throw .heap(error) }
    }

    /// An Integer: immediate when it fits, else a LargeInteger.
    func integer(_ value: LargeInteger) throws(Unwind) -> Value {
        if let small = value.exactInt, SmallInteger.fits(small) { return SmallInteger.make(small) }
        let limbs = value.limbs
        let object: ObjectRef
        do { object = try heap.allocateArray(known.largeIntegerType!, count: limbs.count + 1) } catch {
            throw .heap(error)
        }
        let items = object.items.assumingMemoryBound(to: UInt64.self)
        items[0] = value.isNegative ? 1 : 0
        for (i, limb) in limbs.enumerated() { items[i + 1] = limb }
        return object
    }

    @inline(__always)
    func integer(_ value: Int) throws(Unwind) -> Value {
        if SmallInteger.fits(value) { return SmallInteger.make(value) }
        return try integer(LargeInteger(value))
    }

    /// The value of an Integer (immediate or large); nil for anything else.
    func largeInteger(_ value: Value) -> LargeInteger? {
        if value.isSmallInteger { return LargeInteger(value.smallInteger) }
        guard let object = value.object, object.typeID == UInt32(known.integer) else { return nil }
        let items = object.items.assumingMemoryBound(to: UInt64.self)
        return LargeInteger(negative: items[0] == 1, limbs: (1..<object.count).map { items[$0] })
    }

    /// The Symbol object of `id`, made on first use and kept by a global root.
    func symbolObject(_ id: SymbolID) throws(Unwind) -> ObjectRef {
        if let root = symbols.objects[Int(id)] { return root.object }
        let object = try newBytes(Array(symbols.name(id).utf8), type: known.symbolType!)
        symbols.objects[Int(id)] = heap.addGlobalRoot(object)
        return object
    }

    /// The symbol number of a Symbol or String object.
    func symbolID(of object: ObjectRef) -> SymbolID { symbols.intern(string(object)) }

    /// Whether `value` is a String or a Symbol (or of a subclass).
    func isString(_ value: Value) -> Bool {
        guard let object = value.object, let record = classes[classOf(value)] else { return false }
        _ = object
        return record.kind == .string || record.kind == .symbol
    }
}
