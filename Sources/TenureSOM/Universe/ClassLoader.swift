// Loading classes: a class file becomes a class record, two Tenure types
// (for its instances and for the class object itself) and heap objects.
//
// A class C with superclass S gets: a record and a type for C's instances;
// a metaclass "C class" (superclass "S class", or Class for a root) with a
// type for the class object, whose fields are the VM's five (ClassLayout)
// and C's class-side fields; the class object (an instance of "C class") and
// the metaclass object (an instance of Metaclass); Method objects for every
// method. Instances of Array, String and friends have the layouts of their
// kind (InstanceKind); a subclass of Array or String gets a type of the same
// shape, so `new:` on it makes its own instances.
import SOMParser
import Tenure

extension Universe {
    /// The class `name`, loading its file from the class path; nil when no file has it.
    @discardableResult
    func loadClass(named name: String) throws -> ClassID? {
        if let loaded = classIDs[name] { return loaded }
        guard let path = classFile(name) else { return nil }
        let source: String
        do { source = try FileInput.read(path) } catch {
            throw SOMError("cannot read \(path): \(error)")
        }
        let definition = try Parser.parseClass(source, file: path)
        guard definition.name == name else {
            throw SOMError("\(path) defines class \(definition.name), not \(name)")
        }
        let id = try defineClass(definition, file: path)
        try materialize(id)
        if pendingCompilation != nil {
            pendingCompilation!.append((id, definition, path))
        } else {
            try compileMethods(id, definition, file: path)
        }
        return id
    }

    /// The first `name.som` on the class path.
    func classFile(_ name: String) -> String? {
        for directory in classPath {
            let path = directory.hasSuffix("/") ? directory + name + ".som" : directory + "/" + name + ".som"
            if FileOutput.exists(path) { return path }
        }
        return nil
    }

    /// Makes the records and types of a class and its metaclass (no heap object yet).
    func defineClass(_ d: ClassDefinition, file: String) throws -> ClassID {
        var superclass: ClassID?
        if let superName = d.superclass.name {
            guard let loaded = try loadClass(named: superName) else {
                throw SOMError("\(file): the superclass \(superName) of \(d.name) cannot be loaded (not on the class path \(classPath.joined(separator: ":")))")
            }
            superclass = loaded
        }
        let superRecord = superclass.flatMap { classes[$0] }
        let kind = InstanceKind.of(className: d.name, inherited: superRecord?.kind)
        // Class's instances are class objects: the VM's own fields come first.
        let fieldNames = (superRecord?.fieldNames ?? []) + (d.name == "Class" ? ClassLayout.fieldNames : []) + d.instanceFields
        let (id, objectType, arrayType) = try registerInstances(name: d.name, kind: kind, fieldCount: fieldNames.count)
        // A root class's metaclass inherits from Class (not yet defined while Object itself loads).
        let metaSuper: ClassID? = superRecord?.metaclass ?? (known.klass == 0 ? nil : known.klass)
        let metaFields = (metaSuper.flatMap { classes[$0]?.fieldNames } ?? ClassLayout.fieldNames) + d.classFields
        let (meta, metaType, _) = try registerInstances(name: d.name + " class", kind: .fields, fieldCount: metaFields.count)
        classIDs[d.name] = id
        classes[id] = ClassRecord(name: d.name, superclass: superclass, isMetaclass: false, kind: kind,
                                  fieldNames: fieldNames, objectType: objectType, arrayType: arrayType, metaclass: meta)
        classes[meta] = ClassRecord(name: d.name + " class", superclass: metaSuper, isMetaclass: true, kind: .fields,
                                    fieldNames: metaFields, objectType: metaType, arrayType: nil, metaclass: nil)
        return id
    }

    /// Registers the Tenure type of a class's instances; its id is the class's id.
    func registerInstances(name: String, kind: InstanceKind, fieldCount: Int) throws
        -> (ClassID, ObjectType?, ArrayType?) {
        var objectType: ObjectType?
        var arrayType: ArrayType?
        switch kind {
        case .fields:
            objectType = try heap.register(.object(name, references: fieldCount))
        case .double:
            objectType = try heap.register(.object(name, references: 0, words: 1))
        case .method:
            objectType = try heap.register(.object(name, references: 2, words: 1))
        case .block:
            objectType = try heap.register(.object(name, references: 1, words: 1))
        case .array, .string, .symbol, .largeInteger:
            let items: TypeLayout.Items = kind == .array ? .references : .raw(itemSize: kind == .largeInteger ? 8 : 1)
            arrayType = try heap.registerArray(.array(name, of: items))
        }
        let id = objectType?.id ?? arrayType!.id
        hot.pointee.classOfType.extend(to: Int(id) + 1, with: -1)
        hot.pointee.classOfType[Int32(id)] = ClassID(id)
        return (ClassID(id), objectType, arrayType)
    }

    /// Makes the class object and the metaclass object of class `id`.
    func materialize(_ id: ClassID) throws {
        guard let meta = classes[id]!.metaclass else { return }
        let classObject = try makeClassObject(of: meta, standingFor: id, fields: classes[id]!.fieldNames)
        classes[id]!.object = heap.addGlobalRoot(classObject)
        let metaObject = try makeClassObject(of: known.metaclass, standingFor: meta,
                                             fields: Array(classes[meta]!.fieldNames.dropFirst(ClassLayout.fieldNames.count)))
        classes[meta]!.object = heap.addGlobalRoot(metaObject)
        setGlobal(symbols.intern(classes[id]!.name), classes[id]!.object!.value)
        try describeClassObject(id)
        try describeClassObject(meta)
    }

    /// A class object: an instance of `metaclass` standing for class `id`. Its name and
    /// field names are filled by `describeClassObject` once Symbol and Array exist.
    func makeClassObject(of metaclass: ClassID, standingFor id: ClassID, fields: [String]) throws -> ObjectRef {
        guard let type = classes[metaclass]?.objectType else { throw SOMError("no metaclass type for \(id)") }
        let object = try heap.allocate(type)
        heap.storeReference(SmallInteger.make(Int(id)), into: object, at: ClassLayout.offset(ClassLayout.id))
        return object
    }

    /// Fills the name, superclass and field names of the class object of `id` (and of its
    /// metaclass's): Symbols and Arrays, which the first classes are made without.
    func describeClassObject(_ id: ClassID) throws {
        guard known.symbolType != nil, known.arrayType != nil, let record = classes[id], let root = record.object else { return }
        let fields = record.isMetaclass ? Array(record.fieldNames.dropFirst(ClassLayout.fieldNames.count))
                                        : record.fieldNames
        // A metaclass's own "fields" are its instances' (the class-side fields); a class's are its instances'.
        let shown = record.isMetaclass ? fields : classes[id]!.fieldNames
        let name = try symbolObject(symbols.intern(record.name))
        heap.storeReference(name, into: root.object, at: ClassLayout.offset(ClassLayout.name))
        let superObject: Value = record.superclass.flatMap { classes[$0]?.object?.value } ?? nil
        heap.storeReference(superObject, into: root.object, at: ClassLayout.offset(ClassLayout.superclass))
        try heap.withRoots(1) { frame throws in
            frame[0] = try newArray(count: shown.count)
            for (i, f) in shown.enumerated() {
                let symbol = try symbolObject(symbols.intern(f))
                heap.storeItem(symbol, into: frame[0]!, at: i)
            }
            heap.storeReference(frame[0], into: root.object, at: ClassLayout.offset(ClassLayout.instanceFields))
        }
    }
}

extension InstanceKind {
    /// The kind of the class `className`: its own for the VM's classes, else its superclass's.
    static func of(className: String, inherited: InstanceKind?) -> InstanceKind {
        switch className {
        case "Array": return .array
        case "String": return .string
        case "Symbol": return .symbol
        case "Double": return .double
        case "Integer": return .largeInteger
        case "Method", "Primitive": return .method
        case "Block1": return .block(arity: 0)
        case "Block2": return .block(arity: 1)
        case "Block3": return .block(arity: 2)
        default:
            switch inherited {
            case .array?: return .array
            case .string?: return .string
            case .symbol?: return .symbol
            default: return .fields
            }
        }
    }
}
