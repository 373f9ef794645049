// Integer and Double primitives.
//
// Integers are immediates up to 62 bits and LargeIntegers beyond; every
// operation that may overflow is checked and continues in LargeInteger, and
// a LargeInteger result that fits is immediate again. Two immediates are
// computed on Int directly; the general case converts both operands. Mixed
// Integer/Double arithmetic answers a Double, as SOM's coercion tests expect.
#if canImport(Glibc)
import Glibc
#endif
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
            if a.isSmallInteger, b.isSmallInteger,
               let result = try smallIntegerOperation(p, a.smallInteger, b.smallInteger) {
                return result
            }
            guard let x = largeInteger(a) else { return nil }
            guard let y = largeInteger(b) else {
                if p == .integerEquals { return known.falseValue }
                throw .fatal("Integer>>\(p) with \(describe(b)): accepted an Integer or a Double")
            }
            return try largeIntegerOperation(p, x, y)
        case .integerSqrt:
            // A perfect square's root is an Integer (IntegerTest>>testSquareRoot), others are Doubles.
            if a.isSmallInteger, a.smallInteger >= 0 {
                let x = a.smallInteger
                var root = Int(Double(x).squareRoot())
                while root * root > x { root -= 1 }
                while (root + 1) * (root + 1) <= x { root += 1 }
                if root * root == x { return SmallInteger.make(root) }
                return try newDouble(Double(x).squareRoot())
            }
            guard let x = largeInteger(a) else { return nil }
            if !x.isNegative {
                let root = x.squareRoot()
                if root * root == x { return try integer(root) }
            }
            return try newDouble(x.doubleValue.squareRoot())
        case .integerAtRandom:
            guard a.isSmallInteger, a.smallInteger > 0 else { return nil }
            return SmallInteger.make(Int.random(in: 0..<a.smallInteger))
        case .integerAsString:
            if a.isSmallInteger { return try newString(String(a.smallInteger)) }
            guard let x = largeInteger(a) else { return nil }
            return try newString(x.description)
        case .integerAs32BitSigned:
            if a.isSmallInteger { return SmallInteger.make(Int(Int32(truncatingIfNeeded: a.smallInteger))) }
            guard let x = largeInteger(a) else { return nil }
            return SmallInteger.make(Int(Int32(truncatingIfNeeded: x.truncatedWord)))
        case .integerAs32BitUnsigned:
            if a.isSmallInteger { return SmallInteger.make(Int(UInt32(truncatingIfNeeded: a.smallInteger))) }
            guard let x = largeInteger(a) else { return nil }
            return SmallInteger.make(Int(UInt32(truncatingIfNeeded: x.truncatedWord)))
        case .integerAsDouble:
            guard let x = double(ofNumber: a), isInteger(a) else { return nil }
            return try newDouble(x)
        case .integerFromString:
            guard isString(b), let x = LargeInteger(decimal: NumberText.trimmingBlanks(string(b!))) else { return nil }
            return try integer(x)
        case .doublePlus, .doubleMinus, .doubleTimes, .doubleDivide, .doubleModulo, .doubleEquals, .doubleLess:
            guard let x = double(ofNumber: a) else { return nil }
            guard let y = double(ofNumber: b) else {
                if p == .doubleEquals { return known.falseValue }
                throw .fatal("Double>>\(p) with \(describe(b)): accepted a Double or an Integer")
            }
            return try doubleOperation(p, x, y)
        case .doubleSqrt: return try newDouble(double(a!).squareRoot())
        case .doubleRound: return try integer(wholeDouble: double(a!).rounded(.toNearestOrAwayFromZero), selector: "round")
        case .doubleAsInteger: return try integer(wholeDouble: double(a!).rounded(.towardZero), selector: "asInteger")
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

    /// An Integer operation on two immediates, on Int; nil (not a Value's nil) when the result
    /// needs the general case (an overflow, a shift other than by 0..<64).
    @inline(__always)
    private func smallIntegerOperation(_ p: Primitive, _ x: Int, _ y: Int) throws(Unwind) -> Value? {
        switch p {
        case .integerPlus: return try integer(x + y)        // 62-bit operands: no Int overflow
        case .integerMinus: return try integer(x - y)
        case .integerTimes:
            let (r, overflow) = x.multipliedReportingOverflow(by: y)
            guard !overflow else { return nil }
            return try integer(r)
        case .integerDivide:
            guard y != 0 else { throw .fatal("Integer division by zero (\(x) / 0)") }
            let q = x / y, r = x % y
            return try integer(r != 0 && (r < 0) != (y < 0) ? q - 1 : q)
        case .integerModulo:
            guard y != 0 else { throw .fatal("Integer modulo by zero (\(x) % 0)") }
            let r = x % y
            return SmallInteger.make(r != 0 && (r < 0) != (y < 0) ? r + y : r)
        case .integerRemainder:
            guard y != 0 else { throw .fatal("Integer remainder by zero (\(x) rem: 0)") }
            return SmallInteger.make(x % y)
        case .integerAnd: return SmallInteger.make(x & y)
        case .integerXor: return SmallInteger.make(x ^ y)
        case .integerLess: return boolean(x < y)
        case .integerEquals: return boolean(x == y)
        case .integerShiftLeft:
            guard y >= 0, y < 64 else { return nil }
            let r = x << y
            guard r >> y == x else { return nil }
            return try integer(r)
        case .integerShiftRight:
            guard y >= 0 else { return nil }
            // `>>>` of a negative Int shifts its 64-bit pattern (and may answer up to 2^64 - 1).
            if x < 0 { return try integer(LargeInteger(UInt64(UInt(bitPattern: x) >> UInt(y)))) }
            return SmallInteger.make(x >> y)
        default: return nil
        }
    }

    /// An Integer operation on two Integers of any size.
    private func largeIntegerOperation(_ p: Primitive, _ x: LargeInteger, _ y: LargeInteger) throws(Unwind) -> Value? {
        switch p {
        case .integerPlus: return try integer(x + y)
        case .integerMinus: return try integer(x - y)
        case .integerTimes: return try integer(x * y)
        case .integerDivide:
            // Rounded toward negative infinity.
            guard !y.isZero else { throw .fatal("Integer division by zero (\(x) / 0)") }
            let (q, r) = x.quotientAndRemainder(dividingBy: y)
            return try integer(!r.isZero && r.isNegative != y.isNegative ? q - LargeInteger(1) : q)
        case .integerModulo:
            // With the sign of the divisor.
            guard !y.isZero else { throw .fatal("Integer modulo by zero (\(x) % 0)") }
            let r = x % y
            return try integer(!r.isZero && r.isNegative != y.isNegative ? r + y : r)
        case .integerRemainder:
            // With the sign of the dividend.
            guard !y.isZero else { throw .fatal("Integer remainder by zero (\(x) rem: 0)") }
            return try integer(x % y)
        case .integerAnd: return try integer(x & y)
        case .integerXor: return try integer(x ^ y)
        case .integerLess: return boolean(x < y)
        case .integerEquals: return boolean(x == y)
        case .integerShiftLeft:
            return try integer(x.shiftedLeft(by: try shiftCount(y, of: x, leftward: true)))
        case .integerShiftRight:
            let count = try shiftCount(y, of: x, leftward: false)
            // A negative receiver that fits in 64 bits shifts its 64-bit pattern, as an immediate does.
            if x.isNegative, count >= 0, let small = x.exactInt {
                return try integer(LargeInteger(UInt64(UInt(bitPattern: small) >> UInt(count))))
            }
            return try integer(x.shiftedRight(by: count))
        default: return nil
        }
    }

    /// A shift count as an Int; an error when it is none, or when it would shift `x` left
    /// by more than 2^32 bits.
    private func shiftCount(_ y: LargeInteger, of x: LargeInteger, leftward: Bool) throws(Unwind) -> Int {
        guard let count = y.exactInt else {
            throw .fatal("Integer shift by \(y): accepted a count that fits in 64 bits")
        }
        let left = leftward ? count : (count == Int.min ? Int.max : -count)
        guard x.isZero || left <= 1 << 32 else {
            throw .fatal("Integer shift of a \(x.bitWidth)-bit Integer left by \(left): accepted at most 2^32 bits")
        }
        return count
    }

    /// The Integer of a Double that is a whole number (`selector`'s result); an error for an
    /// infinity or a NaN.
    func integer(wholeDouble d: Double, selector: String) throws(Unwind) -> Value {
        if d.magnitude < 0x1p62 { return try integer(Int(d)) }
        guard let x = LargeInteger(truncating: d) else {
            throw .fatal("Double>>\(selector) of \(Universe.format(d)): accepted a finite Double")
        }
        return try integer(x)
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
        if let large = largeInteger(v) { return large.doubleValue }
        return nil
    }

    /// How SOM prints a Double: the shortest text that reads back, with ".0" for whole numbers.
    static func format(_ d: Double) -> String {
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        if d.isNaN { return "NaN" }
        if d == d.rounded(), abs(d) < 1e16 { return NumberText.fixed(d, digits: 1) }
        return "\(d)"
    }
}
