// The operands of the x86-64 assembler: general-purpose registers, branch
// conditions and memory operands.
//
// Each type knows the bits it contributes to an instruction: a register its
// low three bits (the ModRM/SIB field) and whether it needs a REX extension
// bit; a condition its four-bit condition code (the low nibble of Jcc and
// SETcc); a memory operand whether it needs a SIB byte (with an index, or
// with rsp or r12 as the base) and how many displacement bytes (rbp and r13
// as a base need an explicit zero one). X86Assembler.swift puts these parts
// together into instructions.

/// A 64-bit general-purpose register, numbered as in the instruction encoding.
public enum Register: UInt8, CaseIterable, Sendable {
    case rax = 0, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15

    /// The low three bits of the register number: the value placed in a
    /// ModRM `reg`/`rm` field, a SIB `base`/`index` field or an opcode's low bits.
    public var low3: UInt8 { rawValue & 7 }

    /// Whether the register is one of r8–r15, whose fourth bit travels in a
    /// REX prefix (REX.R, REX.X or REX.B depending on the field).
    public var needsREX: Bool { rawValue >= 8 }

    /// Whether naming this register's low byte requires a REX prefix: without
    /// one, encodings 4–7 mean ah, ch, dh, bh instead of spl, bpl, sil, dil,
    /// and r8b–r15b need REX.B or REX.R anyway.
    public var needsREXForByteAccess: Bool { rawValue >= 4 }
}

/// A condition tested by a conditional jump or by `setAndZeroExtend`, read
/// after a `cmp a, b` as "a <condition> b" (below/above are unsigned,
/// less/greater are signed).
public enum Condition: Sendable, CaseIterable {
    /// OF = 1.
    case overflow
    /// OF = 0.
    case noOverflow
    /// Unsigned less than (CF = 1).
    case below
    /// Unsigned greater than or equal (CF = 0).
    case aboveOrEqual
    /// Equal, or zero (ZF = 1).
    case equal
    /// Not equal, or not zero (ZF = 0).
    case notEqual
    /// Unsigned less than or equal (CF = 1 or ZF = 1).
    case belowOrEqual
    /// Unsigned greater than (CF = 0 and ZF = 0).
    case above
    /// Negative (SF = 1).
    case sign
    /// Not negative (SF = 0).
    case notSign
    /// Signed less than (SF ≠ OF).
    case less
    /// Signed greater than or equal (SF = OF).
    case greaterOrEqual
    /// Signed less than or equal (ZF = 1 or SF ≠ OF).
    case lessOrEqual
    /// Signed greater than (ZF = 0 and SF = OF).
    case greater

    /// The four-bit condition code added to the Jcc (0x0F 0x80) and SETcc
    /// (0x0F 0x90) opcodes.
    public var encoding: UInt8 {
        switch self {
        case .overflow: return 0x0
        case .noOverflow: return 0x1
        case .below: return 0x2
        case .aboveOrEqual: return 0x3
        case .equal: return 0x4
        case .notEqual: return 0x5
        case .belowOrEqual: return 0x6
        case .above: return 0x7
        case .sign: return 0x8
        case .notSign: return 0x9
        case .less: return 0xC
        case .greaterOrEqual: return 0xD
        case .lessOrEqual: return 0xE
        case .greater: return 0xF
        }
    }

    /// The condition that holds exactly when this one does not (condition
    /// codes come in pairs differing in their lowest bit).
    public var inverted: Condition {
        switch self {
        case .overflow: return .noOverflow
        case .noOverflow: return .overflow
        case .below: return .aboveOrEqual
        case .aboveOrEqual: return .below
        case .equal: return .notEqual
        case .notEqual: return .equal
        case .belowOrEqual: return .above
        case .above: return .belowOrEqual
        case .sign: return .notSign
        case .notSign: return .sign
        case .less: return .greaterOrEqual
        case .greaterOrEqual: return .less
        case .lessOrEqual: return .greater
        case .greater: return .lessOrEqual
        }
    }
}

/// A memory operand: `base + index * scale + displacement`.
public struct Memory: Sendable, Equatable {
    /// The base register.
    public var base: Register
    /// The index register, if any; never `rsp` (that encoding means "no index").
    public var index: Register?
    /// The factor applied to `index`: 1, 2, 4 or 8.
    public var scale: UInt8
    /// The signed constant added to the address.
    public var displacement: Int32

    /// The operand `[base + displacement]`.
    public init(_ base: Register, _ displacement: Int32 = 0) {
        self.base = base
        self.index = nil
        self.scale = 1
        self.displacement = displacement
    }

    /// The operand `[base + index * scale + displacement]`. `index` must not
    /// be `rsp` and `scale` must be 1, 2, 4 or 8.
    public init(base: Register, index: Register?, scale: UInt8 = 1, displacement: Int32 = 0) {
        check(index != .rsp, "rsp cannot be an index register")
        check(scale == 1 || scale == 2 || scale == 4 || scale == 8,
                     "scale must be 1, 2, 4 or 8, not \(scale)")
        self.base = base
        self.index = index
        self.scale = scale
        self.displacement = displacement
    }

    /// The two-bit SIB `scale` field: log2 of `scale`.
    var scaleBits: UInt8 {
        switch scale {
        case 1: return 0
        case 2: return 1
        case 4: return 2
        case 8: return 3
        default: preconditionFailure("scale must be 1, 2, 4 or 8, not \(scale)")
        }
    }

    /// Whether the operand needs a SIB byte: with an index, or with rsp or r12
    /// as the base (their `rm` encoding 100 means "a SIB byte follows").
    var needsSIB: Bool { index != nil || base.low3 == Register.rsp.low3 }

    /// How many displacement bytes the operand is encoded with: none, 1 or 4.
    /// A zero displacement is still encoded as one byte for rbp and r13, whose
    /// base encoding 101 with no displacement means RIP-relative (or no base
    /// in a SIB byte).
    var displacementSize: Int {
        if displacement == 0 && base.low3 != Register.rbp.low3 { return 0 }
        if Int8(exactly: displacement) != nil { return 1 }
        return 4
    }
}
