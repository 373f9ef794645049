// The bootstrap: the classes every other class depends on, in the order their
// dependencies allow, then the singletons and the globals.
//
// Object's metaclass inherits from Class, Class from Object, and every
// metaclass object is an instance of Metaclass: the three are defined
// (records and types) before any of their heap objects exists, then
// materialized, then compiled. The singletons true, false and system are
// made next and a major collection promotes them: old objects never move in
// Tenure, so the interpreter may keep their addresses (the comparisons in
// every inlined ifTrue: are then one compare with a constant). The special
// selectors are interned first, so their numbers are 0..<SpecialSelector.count.
import SOMParser
import Tenure

extension Universe {
    func bootstrap() throws {
        for name in SpecialSelector.names { _ = symbols.intern(name) }
        var k = KnownClasses()
        k.contextType = try heap.registerArray(.array("Context", of: .references))
        hot.pointee.known = k
        let core = ["Object", "Class", "Metaclass"]
        var definitions: [String: (ClassDefinition, String)] = [:]
        for name in core {
            guard let path = classFile(name) else {
                throw SOMError("cannot find \(name).som on the class path \(classPath.joined(separator: ":")); accepted: -cp with SOM's Smalltalk folder")
            }
            let source: String
            do { source = try FileInput.read(path) } catch { throw SOMError("cannot read \(path): \(error)") }
            definitions[name] = (try Parser.parseClass(source, file: path), path)
        }
        // Object first (its metaclass's superclass is fixed once Class exists), then Class and Metaclass.
        let object = try defineCore(definitions["Object"]!)
        hot.pointee.known.object = object
        let klass = try defineCore(definitions["Class"]!, superclass: object)
        hot.pointee.known.klass = klass
        classes[classes[object]!.metaclass!]!.superclass = klass
        let metaclass = try defineCore(definitions["Metaclass"]!, superclass: klass)
        hot.pointee.known.metaclass = metaclass
        for id in [object, klass, metaclass] {
            try materialize(id)
            pendingCompilation!.append((id, definitions[classes[id]!.name]!.0, definitions[classes[id]!.name]!.1))
        }

        for name in ["Nil", "Boolean", "True", "False", "Integer", "Double", "String", "Symbol", "Array",
                     "Method", "Primitive", "Block", "Block1", "Block2", "Block3", "System"] {
            guard try loadClass(named: name) != nil else {
                throw SOMError("cannot find \(name).som on the class path \(classPath.joined(separator: ":"))")
            }
        }
        func id(_ name: String) -> ClassID { classIDs[name]! }
        hot.pointee.known.nilClass = id("Nil")
        hot.pointee.known.boolean = id("Boolean")
        hot.pointee.known.trueClass = id("True")
        hot.pointee.known.falseClass = id("False")
        hot.pointee.known.integer = id("Integer")
        hot.pointee.known.double = id("Double")
        hot.pointee.known.string = id("String")
        hot.pointee.known.symbol = id("Symbol")
        hot.pointee.known.array = id("Array")
        hot.pointee.known.method = id("Method")
        hot.pointee.known.primitive = id("Primitive")
        hot.pointee.known.block = id("Block")
        hot.pointee.known.block1 = id("Block1")
        hot.pointee.known.block2 = id("Block2")
        hot.pointee.known.block3 = id("Block3")
        hot.pointee.known.system = id("System")
        let kc = hot.pointee.known
        hot.pointee.known.doubleType = classes[kc.double]!.objectType
        hot.pointee.known.doubleTypeID = classes[kc.double]!.objectType!.id
        hot.pointee.known.stringType = classes[kc.string]!.arrayType
        hot.pointee.known.symbolType = classes[kc.symbol]!.arrayType
        hot.pointee.known.arrayType = classes[kc.array]!.arrayType
        hot.pointee.known.arrayTypeID = classes[kc.array]!.arrayType!.id
        hot.pointee.known.largeIntegerType = classes[kc.integer]!.arrayType
        hot.pointee.known.block1Type = classes[kc.block1]!.objectType
        hot.pointee.known.block2Type = classes[kc.block2]!.objectType
        hot.pointee.known.block3Type = classes[kc.block3]!.objectType
        hot.pointee.known.methodType = classes[kc.method]!.objectType
        hot.pointee.known.primitiveType = classes[kc.primitive]!.objectType
        // The first classes were made before Symbol, Array and Method: describe and compile them now.
        for id in Array(classes.keys) { try describeClassObject(id) }
        let pending = pendingCompilation!
        pendingCompilation = nil
        for (id, definition, file) in pending { try compileMethods(id, definition, file: file) }

        trueObject = heap.addGlobalRoot(try instantiate(kc.trueClass))
        falseObject = heap.addGlobalRoot(try instantiate(kc.falseClass))
        systemObject = heap.addGlobalRoot(try instantiate(kc.system))
        setGlobal(symbols.intern("true"), trueObject.value)
        setGlobal(symbols.intern("false"), falseObject.value)
        setGlobal(symbols.intern("nil"), nil)
        setGlobal(symbols.intern("system"), systemObject.value)
        heap.collect()   // everything made so far is old now, and never moves again
        hot.pointee.known.trueValue = trueObject.value
        hot.pointee.known.falseValue = falseObject.value
    }

    private func defineCore(_ d: (ClassDefinition, String), superclass: ClassID? = nil) throws -> ClassID {
        try defineClass(d.0, file: d.1)
    }

    /// Compiles the methods of class `id` and its metaclass, and makes their Method objects.
    func compileMethods(_ id: ClassID, _ d: ClassDefinition, file: String) throws {
        let meta = classes[id]!.metaclass!
        try compile(d.instanceMethods, holder: id, file: file)
        try compile(d.classMethods, holder: meta, file: file)
        if let extra = Primitive.installed[d.name] {
            for selector in extra where classes[id]!.methods[symbols.intern(selector)] == nil {
                try compile([MethodDefinition(selector: selector, body: .primitive)], holder: id, file: file)
            }
        }
    }

    private func compile(_ definitions: [MethodDefinition], holder: ClassID, file: String) throws {
        let record = classes[holder]!
        var compiler = MethodCompiler(universe: self, holder: holder, fields: record.fieldNames,
                                      superclass: record.superclass, file: file)
        var methodObjects: [MethodID] = []
        for definition in definitions {
            // A method the VM implements itself replaces the library's fallback (System>>gcStats).
            var d = definition
            if Primitive.overrides(className: record.name, selector: d.selector) { d.body = .primitive }
            let m = try compiler.compile(d)
            let selector = symbols.intern(d.selector)
            classes[holder]!.methods[selector] = m
            classes[holder]!.methodOrder.append(m)
            methodObjects.append(m)
        }
        try makeInvokables(holder)
        _ = methodObjects
    }

    /// The class object's (or metaclass object's) array of Method objects (once Method exists).
    func makeInvokables(_ holder: ClassID) throws {
        guard known.methodType != nil, known.arrayType != nil, let owner = classes[holder]!.object else { return }
        try heap.withRoots(1) { frame throws in
            frame[0] = try newArray(count: classes[holder]!.methodOrder.count)
            for (i, m) in classes[holder]!.methodOrder.enumerated() {
                let object = try methodObject(m)
                heap.storeItem(object, into: frame[0]!, at: i)
            }
            heap.storeReference(frame[0], into: owner.object, at: ClassLayout.offset(ClassLayout.instanceInvokables))
        }
    }

    /// The Method (or Primitive) object of method `m`.
    func methodObject(_ m: MethodID) throws -> ObjectRef {
        let code = hot.pointee.methods[m]
        let type = code.kind == .primitive ? known.primitiveType ?? known.methodType : known.methodType
        guard let type else { throw SOMError("Method objects are needed before Method is loaded") }
        return try heap.withRoots(1) { frame throws -> ObjectRef in
            frame[0] = try heap.allocate(type)
            heap.storeReference(try symbolObject(code.selector), into: frame[0]!, at: MethodLayout.signatureOffset)
            heap.storeReference(classes[code.holder]?.object?.value, into: frame[0]!, at: MethodLayout.holderOffset)
            frame[0]!.store(Int(m), at: MethodLayout.idOffset)
            return frame[0]!
        }
    }
}
