// The selectors the interpreter computes directly on two small integers, or
// on a Double and a number.
//
// Interned first by the bootstrap, so their symbol numbers are 0..<count and
// a send tells them from every other selector with one compare. The results
// are those of Integer's primitives (and of its Smalltalk `>`, `<=`, `>=`,
// `~=`, `<>`, which answer the same on integers); overflow goes to
// LargeInteger, a zero divisor to the primitive (which reports it).
import Tenure

enum SpecialSelector {
    static let names = ["+", "-", "*", "<", ">", "<=", ">=", "=", "~=", "<>", "==", "//", "%", "rem:", "&", "bitXor:", "<<", ">>>", "max:", "min:", "at:", "at:put:"]
    static var count: SymbolID { SymbolID(names.count) }
    /// The last selector `double` computes (`%`).
    static let lastDouble: SymbolID = 12
    static let at: SymbolID = 20
    static let atPut: SymbolID = 21

    /// The result of `a selector b`, or nil to send it after all.
    @inline(__always)
    static func integer(_ selector: SymbolID, _ a: Int, _ b: Int, _ u: Universe) throws(Unwind) -> Value? {
        switch selector {
        case 0:
            let (r, o) = a.addingReportingOverflow(b)
            return o || !SmallInteger.fits(r) ? try u.integer(LargeInteger(a) + LargeInteger(b)) : SmallInteger.make(r)
        case 1:
            let (r, o) = a.subtractingReportingOverflow(b)
            return o || !SmallInteger.fits(r) ? try u.integer(LargeInteger(a) - LargeInteger(b)) : SmallInteger.make(r)
        case 2:
            let (r, o) = a.multipliedReportingOverflow(by: b)
            return o || !SmallInteger.fits(r) ? try u.integer(LargeInteger(a) * LargeInteger(b)) : SmallInteger.make(r)
        case 3: return u.boolean(a < b)
        case 4: return u.boolean(a > b)
        case 5: return u.boolean(a <= b)
        case 6: return u.boolean(a >= b)
        case 7, 10: return u.boolean(a == b)
        case 8, 9: return u.boolean(a != b)
        case 11:   // `//` answers a Double in SOM
            return try u.newDouble(Double(a) / Double(b))
        case 12:
            guard b != 0 else { return nil }
            let r = a % b
            return SmallInteger.make(r != 0 && (r < 0) != (b < 0) ? r + b : r)
        case 13:
            guard b != 0 else { return nil }
            return SmallInteger.make(a % b)
        case 14: return SmallInteger.make(a & b)
        case 15: return SmallInteger.make(a ^ b)
        case 16:
            guard b >= 0 && b < 62, a.magnitude < (1 << (61 - b)) else { return nil }
            return SmallInteger.make(a << b)
        case 17:
            guard b >= 0 else { return nil }
            let r = b >= 64 ? 0 : Int(bitPattern: UInt(bitPattern: a) >> UInt(b))
            // Beyond an immediate, the primitive answers (a ternary here would answer SOM's nil).
            guard SmallInteger.fits(r) else { return nil }
            return SmallInteger.make(r)
        case 18: return SmallInteger.make(Swift.max(a, b))
        case 19: return SmallInteger.make(Swift.min(a, b))
        default: return nil
        }
    }

    /// The result of `a selector b` for a Double receiver and a Double or
    /// small-integer argument, or nil to send it after all. The comparisons
    /// Double.som defines in Smalltalk are computed as it defines them (`>` is
    /// `>=` and `<>`, so NaN answers as there); `==` and `~=` are identity and
    /// go to the send.
    @inline(__always)
    static func double(_ selector: SymbolID, _ x: Double, _ y: Double, _ u: Universe) throws(Unwind) -> Value? {
        switch selector {
        case 0: return try u.newDouble(x + y)
        case 1: return try u.newDouble(x - y)
        case 2: return try u.newDouble(x * y)
        case 3: return u.boolean(x < y)
        case 4: return u.boolean(!(x < y) && !(x == y))
        case 5: return u.boolean(x < y || x == y)
        case 6: return u.boolean(!(x < y))
        case 7: return u.boolean(x == y)
        case 9: return u.boolean(!(x == y))
        case 11: return try u.newDouble(x / y)
        case 12: return try u.newDouble(x.truncatingRemainder(dividingBy: y))
        default: return nil
        }
    }

    @inline(__always)
    static func floorDivide(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q
    }
}

/// What `specialSend` computed.
struct SpecialSendResult {
    var value: Value
}

extension Universe {
    @inline(__always)
    func boolean(_ b: Bool) -> Value { b ? known.trueValue : known.falseValue }
}
