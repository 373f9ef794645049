// Integer and Double primitives.
//
// Integers are immediates up to 62 bits and LargeIntegers (BigInt) beyond;
// every operation that may overflow is checked and continues in BigInt, and
// a BigInt result that fits is immediate again. Mixed Integer/Double
// arithmetic answers a Double, as SOM's coercion tests expect.
import BigInt
import Foundation
import Tenure

extension Universe {
    func numberPrimitive(_ p: Primitive, _ base: UnsafeMutablePointer<ObjectRef?>) throws(Unwind) -> Value? {
        let a = base[0], b = base[1]
        switch p {
        case .integerPlus, .integerMinus, .integerTimes, .integerFloorDivide, .integerModulo, .integerRemainder,
             .integerAnd, .integerXor, .integerLess, .integerEquals, .integerShiftLeft, .integerShiftRight, .integerDivide:
            // An Integer with a Double answers a Double (equality compares the values).
            if let x = double(ofNumber: b), !isInteger(b) {
                guard let y = double(ofNumber: a) else { return nil }
                return try doubleOperation(p, y, x)
            }
            // `//` is SOM's division that answers a Double; `/` divides Integers.
            if p == .integerFloorDivide, let x = double(ofNumber: a), let y = double(ofNumber: b) {
                return try newDouble(x / y)
            }
            guard let x = bigInteger(a) else { return nil }
            guard let y = bigInteger(b) else {
                if p == .integerEquals { return known.falseValue }
                throw .fatal("Integer>>\(p) with \(describe(b)): accepted an Integer or a Double")
            }
            switch p {
            case .integerPlus: return try integer(x + y)
            case .integerMinus: return try integer(x - y)
            case .integerTimes: return try integer(x * y)
            case .integerDivide:
                guard y != 0 else { throw .fatal("Integer division by zero (\(x) / 0)") }
                let (q, r) = x.quotientAndRemainder(dividingBy: y)
                return try integer(r != 0 && (r.sign != y.sign) ? q - 1 : q)
            case .integerModulo:
                guard y != 0 else { throw .fatal("Integer modulo by zero (\(x) % 0)") }
                let r = x % y
                return try integer(r != 0 && (r.sign != y.sign) ? r + y : r)
            case .integerRemainder:
                guard y != 0 else { throw .fatal("Integer remainder by zero (\(x) rem: 0)") }
                return try integer(x % y)
            case .integerAnd: return try integer(x & y)
            case .integerXor: return try integer(x ^ y)
            case .integerLess: return boolean(x < y)
            case .integerEquals: return boolean(x == y)
            case .integerShiftLeft: return try integer(x << Int(y))
            case .integerShiftRight:
                if x.sign == .minus, let small = Int(exactly: x) {
                    return try integer(BigInt(UInt(bitPattern: small) >> UInt(Int(y))))
                }
                return try integer(x >> Int(y))
            default: return nil
            }
        case .integerSqrt:
            // A perfect square's root is an Integer (IntegerTest>>testSquareRoot), others are Doubles.
            guard let x = bigInteger(a) else { return nil }
            if x.sign != .minus {
                let root = x.magnitude.squareRoot()
                if root * root == x.magnitude { return try integer(BigInt(root)) }
            }
            return try newDouble(Double(x).squareRoot())
        case .integerAtRandom:
            guard a.isSmallInteger, a.smallInteger > 0 else { return nil }
            return SmallInteger.make(Int.random(in: 0..<a.smallInteger))
        case .integerAsString:
            guard let x = bigInteger(a) else { return nil }
            return try newString(String(x))
        case .integerAs32BitSigned:
            guard let x = bigInteger(a) else { return nil }
            return SmallInteger.make(Int(Int32(truncatingIfNeeded: Int64(truncatingIfNeeded: x))))
        case .integerAs32BitUnsigned:
            guard let x = bigInteger(a) else { return nil }
            return SmallInteger.make(Int(UInt32(truncatingIfNeeded: Int64(truncatingIfNeeded: x))))
        case .integerAsDouble:
            guard let x = bigInteger(a) else { return nil }
            return try newDouble(Double(x))
        case .integerFromString:
            guard isString(b), let x = BigInt(string(b!).trimmingCharacters(in: .whitespaces)) else { return nil }
            return try integer(x)
        case .doublePlus, .doubleMinus, .doubleTimes, .doubleDivide, .doubleModulo, .doubleEquals, .doubleLess:
            guard let x = double(ofNumber: a) else { return nil }
            guard let y = double(ofNumber: b) else {
                if p == .doubleEquals { return known.falseValue }
                throw .fatal("Double>>\(p) with \(describe(b)): accepted a Double or an Integer")
            }
            return try doubleOperation(p, x, y)
        case .doubleSqrt: return try newDouble(double(a!).squareRoot())
        case .doubleRound: return try integer(BigInt((double(a!)).rounded(.toNearestOrAwayFromZero)))
        case .doubleAsInteger: return try integer(BigInt(double(a!).rounded(.towardZero)))
        case .doubleCos: return try newDouble(cos(double(a!)))
        case .doubleSin: return try newDouble(sin(double(a!)))
        case .doubleAsString: return try newString(Universe.format(double(a!)))
        case .doublePositiveInfinity: return try newDouble(.infinity)
        case .doubleFromString:
            guard isString(b), let x = Double(string(b!)) else { return nil }
            return try newDouble(x)
        default:
            return nil
        }
    }

    func doubleOperation(_ p: Primitive, _ x: Double, _ y: Double) throws(Unwind) -> Value {
        switch p {
        case .doublePlus, .integerPlus: return try newDouble(x + y)
        case .doubleMinus, .integerMinus: return try newDouble(x - y)
        case .doubleTimes, .integerTimes: return try newDouble(x * y)
        case .doubleDivide, .integerDivide, .integerFloorDivide: return try newDouble(x / y)
        case .doubleModulo, .integerModulo: return try newDouble(x.truncatingRemainder(dividingBy: y))
        case .doubleLess, .integerLess: return boolean(x < y)
        case .doubleEquals, .integerEquals: return boolean(x == y)
        default: throw .fatal("\(p) is not defined between a Double and an Integer")
        }
    }

    func isInteger(_ v: Value) -> Bool { v.isSmallInteger || classOf(v) == known.integer }

    /// The value of an Integer or a Double as a Double; nil for anything else.
    func double(ofNumber v: Value) -> Double? {
        if v.isSmallInteger { return Double(v.smallInteger) }
        if classOf(v) == known.double { return double(v!) }
        if let big = bigInteger(v) { return Double(big) }
        return nil
    }

    /// How SOM prints a Double: the shortest text that reads back, with ".0" for whole numbers.
    static func format(_ d: Double) -> String {
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        if d.isNaN { return "NaN" }
        if d == d.rounded(), abs(d) < 1e16 { return String(format: "%.1f", d) }
        return "\(d)"
    }
}
