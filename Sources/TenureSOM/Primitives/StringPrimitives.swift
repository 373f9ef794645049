// String, Symbol and Array primitives.
//
// Strings are immutable UTF-8 byte arrays; indices are 1-based byte
// positions, as in the other SOM VMs. A String's hash is computed from its
// bytes (equal strings hash alike); a Symbol is interned, so `=` between
// Symbols is identity.
import Tenure
#if canImport(Glibc)
import Glibc
#endif

extension Universe {
    func stringPrimitive(_ p: Primitive, _ base: UnsafeMutablePointer<ObjectRef?>) throws(Unwind) -> Value? {
        switch p {
        case .stringConcatenate:
            guard isString(base[0]), isString(base[1]) else {
                throw .fatal("String>>concatenate: with \(describe(base[1])): accepted a String or a Symbol")
            }
            let count = base[0]!.count + base[1]!.count
            let result: ObjectRef
            do { result = try heap.allocateArray(known.stringType!, count: count) } catch { throw .heap(error) }
            let l = base[0]!, r = base[1]!   // read after the allocation, which may have moved them
            result.items.copyMemory(from: l.items, byteCount: l.count)
            (result.items + l.count).copyMemory(from: r.items, byteCount: r.count)
            return result
        case .stringAsSymbol:
            return try symbolObject(symbolID(of: base[0]!))
        case .symbolAsString:
            return try newString(string(base[0]!))
        case .stringHashcode:
            var h: UInt64 = 1469598103934665603
            let s = base[0]!
            for i in 0..<s.count { h = (h ^ UInt64(s.items.load(fromByteOffset: i, as: UInt8.self))) &* 1099511628211 }
            return SmallInteger.make(Int(h >> 34))
        case .stringLength:
            return SmallInteger.make(base[0]!.count)
        case .stringIsWhiteSpace, .stringIsLetters, .stringIsDigits:
            let text = string(base[0]!)
            guard !text.isEmpty else { return known.falseValue }
            switch p {
            case .stringIsWhiteSpace: return boolean(text.allSatisfy(\.isWhitespace))
            case .stringIsLetters: return boolean(text.allSatisfy(\.isLetter))
            default: return boolean(text.allSatisfy { $0.isASCII && $0.isNumber })
            }
        case .stringEquals:
            let a = base[0]!
            guard isString(base[1]) else { return known.falseValue }
            let b = base[1]!
            if classOf(a) == known.symbol && classOf(b) == known.symbol { return boolean(a == b) }
            return boolean(a.count == b.count && memcmp(a.items, b.items, a.count) == 0)
        case .stringSubstring:
            guard base[1].isSmallInteger, base[2].isSmallInteger else { return nil }
            let s = base[0]!, start = base[1].smallInteger, end = base[2].smallInteger
            guard start >= 1, end <= s.count, start <= end + 1 else {
                throw .fatal("primSubstringFrom: \(start) to: \(end) of a String of \(s.count) bytes")
            }
            let count = end - start + 1
            let result: ObjectRef
            do { result = try heap.allocateArray(known.stringType!, count: count) } catch { throw .heap(error) }
            result.items.copyMemory(from: base[0]!.items + (start - 1), byteCount: count)
            return result
        case .arrayAt:
            let array = base[0]!
            guard base[1].isSmallInteger, base[1].smallInteger >= 1, base[1].smallInteger <= array.count else {
                throw .fatal("Array>>at: \(describe(base[1])) out of bounds 1 to \(array.count)")
            }
            return array.loadItem(base[1].smallInteger - 1)
        case .arrayAtPut:
            let array = base[0]!
            guard base[1].isSmallInteger, base[1].smallInteger >= 1, base[1].smallInteger <= array.count else {
                throw .fatal("Array>>at:put: \(describe(base[1])) out of bounds 1 to \(array.count)")
            }
            heap.storeItem(base[2], into: array, at: base[1].smallInteger - 1)
            return base[2]
        case .arrayLength:
            return SmallInteger.make(base[0]!.count)
        case .arrayNew:
            guard base[1].isSmallInteger, base[1].smallInteger >= 0 else {
                throw .fatal("Array class>>new: \(describe(base[1])): accepted an Integer of 0 or more")
            }
            // `new:` on Array or one of its subclasses: an array of that class.
            guard let record = classes[ClassID(instanceClass(ofClassObject: base[0]))], let type = record.arrayType else {
                return try newArray(count: base[1].smallInteger)
            }
            do { return try heap.allocateArray(type, count: base[1].smallInteger) } catch { throw .heap(error) }
        default:
            return nil
        }
    }
}
