// The top of the syntax tree: a class and its methods, as one .som file
// defines them.
//
// The tree is made of plain value types so that it can be built on any
// thread, compared, printed and thrown away once a VM has compiled it; it
// holds names, not resolved variables. Each method and block lists its own
// parameters and locals in source order, which is the slot order a VM will
// want, and the class lists its fields the same way, so resolving a name is
// a walk outwards over these lists (block, enclosing blocks, method, fields,
// then globals) that the VM does with its own notion of slots.

/// A class definition: `Name = Superclass ( | fields | methods ---- | fields | methods )`.
public struct ClassDefinition: Hashable, Sendable {
    /// The class's name, which SOM wants to equal the file's name.
    public var name: String
    /// What the definition says about the superclass.
    public var superclass: Superclass
    /// The instance fields, in order (`| a b |` at the top of the body).
    public var instanceFields: [String]
    /// The instance-side methods, in source order.
    public var instanceMethods: [MethodDefinition]
    /// The class-side fields, after the `----` separator.
    public var classFields: [String]
    /// The class-side methods, after the `----` separator.
    public var classMethods: [MethodDefinition]
    /// Where the class's name is.
    public var position: SourcePosition

    /// A class definition from its parts.
    public init(name: String, superclass: Superclass, instanceFields: [String] = [],
                instanceMethods: [MethodDefinition] = [], classFields: [String] = [],
                classMethods: [MethodDefinition] = [], position: SourcePosition = .start) {
        self.name = name
        self.superclass = superclass
        self.instanceFields = instanceFields
        self.instanceMethods = instanceMethods
        self.classFields = classFields
        self.classMethods = classMethods
        self.position = position
    }
}

/// The superclass part of a class definition, kept as written so that it prints back the same.
public enum Superclass: Hashable, Sendable {
    /// Nothing before `(`: SOM's default, the class `Object`.
    case implicitObject
    /// `nil`: the class has no superclass (only Object is defined so).
    case none
    /// A class name (which may be `Object`, written out).
    case named(String)

    /// The superclass's name as a VM looks it up: "Object", nil for no superclass, or the name.
    public var name: String? {
        switch self {
        case .implicitObject: "Object"
        case .none: nil
        case .named(let name): name
        }
    }
}

/// A method definition: `pattern = primitive` or `pattern = ( | locals | statements )`.
public struct MethodDefinition: Hashable, Sendable {
    /// The selector: `foo`, `+`, `at:put:`.
    public var selector: String
    /// The parameters' names, in order (none for a unary selector).
    public var parameters: [String]
    /// The locals declared with `| ... |` at the start of the body, in order.
    public var locals: [String]
    /// The body: `primitive` or statements.
    public var body: MethodBody
    /// Where the method's pattern starts.
    public var position: SourcePosition

    /// A method definition from its parts.
    public init(selector: String, parameters: [String] = [], locals: [String] = [],
                body: MethodBody, position: SourcePosition = .start) {
        self.selector = selector
        self.parameters = parameters
        self.locals = locals
        self.body = body
        self.position = position
    }

    /// Whether the VM must supply the method (`= primitive`).
    public var isPrimitive: Bool { body == .primitive }

    /// The statements of the body; empty for a primitive (and for `( )`, which returns self).
    public var statements: [Expression] {
        if case .statements(let statements) = body { return statements }
        return []
    }
}

/// What a method's `=` is followed by.
public enum MethodBody: Hashable, Sendable {
    /// `primitive`: the VM implements the method.
    case primitive
    /// `( ... )`: statements, of which only the last may be a return; none returns self.
    case statements([Expression])
}
