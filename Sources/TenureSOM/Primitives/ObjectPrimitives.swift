// Object, Class, Block and Method primitives, and the dispatch of all primitives.
import Tenure

/// A class object's fields: what the VM keeps in every class, then the class-side fields.
enum ClassLayout {
    static let name = 0, superclass = 1, instanceFields = 2, instanceInvokables = 3, id = 4
    static let fieldNames = ["name", "superClass", "instanceFields", "instanceInvokables", "classID"]
    static func offset(_ field: Int) -> Int { ObjectLayout.fieldOffset(field) }
}

extension Universe {
    func primitive(_ p: Primitive, _ base: UnsafeMutablePointer<ObjectRef?>, _ argumentCount: Int32,
                   _ method: MethodID) throws(Unwind) -> Value {
        let result: Value?
        switch p {
        case .blockValue, .blockValue1, .blockValue2:
            return try activateBlock(base, argumentCount)
        case .identical:
            return boolean(base[0] == base[1])
        case .integerPlus ... .doubleFromString:
            result = try numberPrimitive(p, base)
        case .stringConcatenate ... .arrayNew:
            result = try stringPrimitive(p, base)
        case .systemGlobal ... .systemTotalCompilationTime:
            result = try systemPrimitive(p, base)
        default:
            result = try objectPrimitive(p, base, argumentCount, method)
        }
        guard let result else {
            let args = (1...max(1, Int(argumentCount))).prefix(Int(argumentCount)).map { describe(base[$0]) }
            throw .fatal("primitive \(methodNames[method] ?? "\(p)") failed for \(describe(base[0]))" +
                         (args.isEmpty ? "" : " with " + args.joined(separator: ", ")))
        }
        return result
    }

    func objectPrimitive(_ p: Primitive, _ base: UnsafeMutablePointer<ObjectRef?>, _ argumentCount: Int32,
                         _ method: MethodID) throws(Unwind) -> Value? {
        switch p {
        case .missing:
            throw .fatal("\(methodNames[method] ?? "?") is declared primitive, and this VM has no such primitive")
        case .objectClass:
            return classObject(classOf(base[0]))
        case .objectSize:
            guard let object = base[0].object else { return SmallInteger.make(8) }
            return SmallInteger.make(heap.size(of: object))
        case .hashcode:
            return SmallInteger.make(heap.identityHash(of: base[0] ?? SmallInteger.make(0)))
        case .inspect, .halt:
            errorOutput("\(describe(base[0]))\n")
            return base[0]
        case .perform, .performWithArguments, .performInSuperclass, .performWithArgumentsInSuperclass:
            return try perform(p, base)
        case .instVarAt:
            guard base[1].isSmallInteger, let object = base[0].object else { return nil }
            return object.loadReference(at: ObjectLayout.fieldOffset(base[1].smallInteger - 1))
        case .instVarAtPut:
            guard base[1].isSmallInteger, let object = base[0].object else { return nil }
            heap.storeReference(base[2], into: object, at: ObjectLayout.fieldOffset(base[1].smallInteger - 1))
            return base[2]
        case .instVarNamed:
            guard isString(base[1]), let record = classes[classOf(base[0])],
                  let index = record.fieldNames.lastIndex(of: string(base[1]!)) else { return nil }
            return base[0]!.loadReference(at: ObjectLayout.fieldOffset(index))
        case .className:
            return base[0]!.loadReference(at: ClassLayout.offset(ClassLayout.name))
        case .classNew:
            return try instantiate(instanceClass(ofClassObject: base[0]))
        case .superclass:
            return base[0]!.loadReference(at: ClassLayout.offset(ClassLayout.superclass))
        case .classFields:
            return base[0]!.loadReference(at: ClassLayout.offset(ClassLayout.instanceFields))
        case .classMethods:
            return base[0]!.loadReference(at: ClassLayout.offset(ClassLayout.instanceInvokables))
        case .blockRestart:
            throw .restart
        case .methodSignature:
            return base[0]!.loadReference(at: MethodLayout.signatureOffset)
        case .methodHolder:
            return base[0]!.loadReference(at: MethodLayout.holderOffset)
        case .methodInvoke:
            let m = MethodID(base[0]!.load(at: MethodLayout.idOffset, as: Int.self))
            return try invokeWithArray(m, receiver: base[1], arguments: base[2])
        default:
            return nil
        }
    }

    /// The class a class object stands for.
    func instanceClass(ofClassObject object: Value) -> ClassID {
        ClassID(truncatingIfNeeded: object!.loadReference(at: ClassLayout.offset(ClassLayout.id)).smallInteger)
    }

    func classObject(_ id: ClassID) -> Value { classes[id]?.object?.value }

    /// A new instance of class `id` (fields nil).
    func instantiate(_ id: ClassID) throws(Unwind) -> Value {
        guard let record = classes[id] else { throw .fatal("new sent to an unknown class \(id)") }
        do {
            if let type = record.objectType { return try heap.allocate(type) }
            if let type = record.arrayType { return try heap.allocateArray(type, count: 0) }
        } catch {
            throw .heap(error)
        }
        throw .fatal("\(record.name) new: instances of \(record.name) are made by the VM")
    }

    /// `perform:` and friends: a send of a selector chosen at run time.
    func perform(_ p: Primitive, _ base: UnsafeMutablePointer<ObjectRef?>) throws(Unwind) -> Value {
        guard isString(base[1]) else { throw .fatal("perform: with \(describe(base[1])): accepted a Symbol") }
        let selector = symbolID(of: base[1]!)
        let withArguments = p == .performWithArguments || p == .performWithArgumentsInSuperclass
        let inSuperclass = p == .performInSuperclass || p == .performWithArgumentsInSuperclass
        let start = classOf(base[0])
        let lookupClass = inSuperclass ? instanceClass(ofClassObject: base[withArguments ? 3 : 2]) : start
        let arguments: Value = withArguments ? base[2] : nil
        let count = arguments?.count ?? 0
        guard count == selectorArity(selector) else {
            throw .fatal("perform: #\(symbols.name(selector)) with \(count) arguments")
        }
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        let slots = heap.pushRoot(base[0]).slot
        for i in 0..<count { heap.pushRoot(base[2]!.loadItem(i)) }
        guard let method = lookup(lookupClass, selector) else {
            return try doesNotUnderstand(selector, slots, Int32(count))
        }
        return try invoke(method, slots, Int32(count))
    }

    /// Runs method `m` with `receiver` and the items of the Array `arguments`.
    func invokeWithArray(_ m: MethodID, receiver: Value, arguments: Value) throws(Unwind) -> Value {
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        let slots = heap.pushRoot(receiver).slot
        let count = arguments?.count ?? 0
        for i in 0..<count { heap.pushRoot(slots[0] == nil ? nil : arguments!.loadItem(i)) }
        return try invoke(m, slots, Int32(count))
    }

    func selectorArity(_ selector: SymbolID) -> Int {
        let name = symbols.name(selector)
        guard let first = name.utf8.first else { return 0 }
        if !(first == UInt8(ascii: "_") || (first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z"))) { return 1 }
        return name.utf8.filter { $0 == UInt8(ascii: ":") }.count
    }
}

/// A Method or Primitive object: [signature, holder | method id].
enum MethodLayout {
    static let signatureOffset = 8
    static let holderOffset = 16
    static let idOffset = 24
}
