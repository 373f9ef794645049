// A small x86-64 assembler: the instructions the loop compiler emits, encoded
// into a byte array, with labels for branches.
//
// Every instruction is built from the same few parts (an optional REX prefix,
// an opcode, a ModRM byte with an optional SIB byte and displacement, an
// optional immediate), so one helper encodes the register-or-memory operand
// and each public method only chooses the opcode and its fields. Where
// several encodings exist the shorter one is chosen, as GNU as and llvm-mc
// do (imm8 forms, the rax short form, `mov r32, imm32` for unsigned 32-bit
// constants), so that the tests can compare our bytes with theirs.
//
// Branches to labels always use rel32 forms: a reference to a bound label is
// resolved at once, a forward reference is patched when its label is bound,
// and `finish()` refuses code that still refers to a label never bound.

/// An error found when the code is finished.
public enum AssemblerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A jump refers to a label that was never bound.
    case unboundLabel

    /// A sentence saying what went wrong.
    public var description: String {
        switch self {
        case .unboundLabel: return "a jump refers to a label that was never bound"
        }
    }
}

/// Accumulates x86-64 machine code, one instruction per method call.
///
/// Register operations are 64-bit unless the name says otherwise. Operand
/// order follows Intel syntax: the destination first.
public struct X86Assembler: Sendable {
    /// A position in the code that jumps can refer to before or after it is
    /// bound. Labels belong to the assembler that created them.
    public struct Label: Hashable, Sendable {
        /// The label's index in its assembler's table of bound offsets.
        let id: Int
    }

    /// The code emitted so far. Jumps to labels not yet bound hold a zero
    /// displacement until the label is bound.
    public private(set) var bytes: [UInt8] = []

    /// For each label, the offset it is bound to, or nil while unbound.
    private var labelOffsets: [Int?] = []

    /// For each unbound label with references, the offsets of the rel32
    /// fields to patch when it is bound.
    private var pendingReferences: [Int: [Int]] = [:]

    /// Creates an assembler with no code.
    public init() {}

    /// The number of bytes emitted so far: the offset of the next instruction.
    public var count: Int { bytes.count }

    // MARK: Labels

    /// Creates a new, unbound label.
    public mutating func newLabel() -> Label {
        labelOffsets.append(nil)
        return Label(id: labelOffsets.count - 1)
    }

    /// Binds `label` to the current offset and patches the jumps already
    /// emitted to it. A label is bound once.
    public mutating func bind(_ label: Label) {
        check(labelOffsets.indices.contains(label.id), "label from another assembler")
        check(labelOffsets[label.id] == nil, "label bound twice")
        labelOffsets[label.id] = count
        if let references = pendingReferences.removeValue(forKey: label.id) {
            for fieldOffset in references {
                patchRelative32(at: fieldOffset, target: count)
            }
        }
    }

    /// The offset `label` is bound to, or nil if it is not bound.
    public func offset(of label: Label) -> Int? {
        guard labelOffsets.indices.contains(label.id) else { return nil }
        return labelOffsets[label.id]
    }

    /// The finished code. Throws `AssemblerError.unboundLabel` if a jump
    /// refers to a label that was never bound.
    public func finish() throws(AssemblerError) -> [UInt8] {
        guard pendingReferences.isEmpty else { throw .unboundLabel }
        return bytes
    }

    // MARK: Moves

    /// `mov dst, src` (64-bit).
    public mutating func mov(_ dst: Register, _ src: Register) {
        emit(rexW: true, opcode: 0x89, reg: src.rawValue, rm: .register(dst))
    }

    /// Loads a 64-bit constant with the shortest encoding: `mov r32, imm32`
    /// (which zero-extends) for values in 0...UInt32.max, `mov r64, simm32`
    /// for other values that fit a sign-extended 32 bits, else `movabs`.
    public mutating func mov(_ dst: Register, immediate: Int64) {
        if immediate >= 0 && immediate <= Int64(UInt32.max) {
            emitREX(w: false, r: false, x: false, b: dst.needsREX)
            emitByte(0xB8 + dst.low3)
            emitUInt32(UInt32(immediate))
        } else if let value = Int32(exactly: immediate) {
            emit(rexW: true, opcode: 0xC7, reg: 0, rm: .register(dst))
            emitInt32(value)
        } else {
            emitREX(w: true, r: false, x: false, b: dst.needsREX)
            emitByte(0xB8 + dst.low3)
            emitUInt64(UInt64(bitPattern: immediate))
        }
    }

    /// `mov dst, qword [m]`.
    public mutating func load(_ dst: Register, _ m: Memory) {
        emit(rexW: true, opcode: 0x8B, reg: dst.rawValue, rm: .memory(m))
    }

    /// `mov dst32, dword [m]`: loads 32 bits and zero-extends them.
    public mutating func load32(_ dst: Register, _ m: Memory) {
        emit(rexW: false, opcode: 0x8B, reg: dst.rawValue, rm: .memory(m))
    }

    /// `movzx dst32, byte [m]`: loads one byte and zero-extends it.
    public mutating func loadByte(_ dst: Register, _ m: Memory) {
        emit(rexW: false, escaped: true, opcode: 0xB6, reg: dst.rawValue, rm: .memory(m))
    }

    /// `mov qword [m], src`.
    public mutating func store(_ m: Memory, _ src: Register) {
        emit(rexW: true, opcode: 0x89, reg: src.rawValue, rm: .memory(m))
    }

    /// `mov dword [m], src32`: stores the low 32 bits of `src`.
    public mutating func store32(_ m: Memory, _ src: Register) {
        emit(rexW: false, opcode: 0x89, reg: src.rawValue, rm: .memory(m))
    }

    /// `mov qword [m], simm32`: stores `immediate` sign-extended to 64 bits.
    public mutating func store(_ m: Memory, immediate: Int32) {
        emit(rexW: true, opcode: 0xC7, reg: 0, rm: .memory(m))
        emitInt32(immediate)
    }

    /// `lea dst, [m]`: computes the address of `m` without accessing memory.
    public mutating func lea(_ dst: Register, _ m: Memory) {
        emit(rexW: true, opcode: 0x8D, reg: dst.rawValue, rm: .memory(m))
    }

    // MARK: Arithmetic and logic

    /// `add dst, src`.
    public mutating func add(_ dst: Register, _ src: Register) { emitALU(.add, dst, src) }
    /// `sub dst, src`.
    public mutating func sub(_ dst: Register, _ src: Register) { emitALU(.sub, dst, src) }
    /// `and dst, src`.
    public mutating func and(_ dst: Register, _ src: Register) { emitALU(.and, dst, src) }
    /// `or dst, src`.
    public mutating func or(_ dst: Register, _ src: Register) { emitALU(.or, dst, src) }
    /// `xor dst, src`.
    public mutating func xor(_ dst: Register, _ src: Register) { emitALU(.xor, dst, src) }
    /// `cmp dst, src`: sets the flags for `dst - src`.
    public mutating func cmp(_ dst: Register, _ src: Register) { emitALU(.cmp, dst, src) }

    /// `add dst, simm32`.
    public mutating func add(_ dst: Register, immediate: Int32) { emitALU(.add, dst, immediate: immediate) }
    /// `sub dst, simm32`.
    public mutating func sub(_ dst: Register, immediate: Int32) { emitALU(.sub, dst, immediate: immediate) }
    /// `and dst, simm32`.
    public mutating func and(_ dst: Register, immediate: Int32) { emitALU(.and, dst, immediate: immediate) }
    /// `or dst, simm32`.
    public mutating func or(_ dst: Register, immediate: Int32) { emitALU(.or, dst, immediate: immediate) }
    /// `xor dst, simm32`.
    public mutating func xor(_ dst: Register, immediate: Int32) { emitALU(.xor, dst, immediate: immediate) }
    /// `cmp dst, simm32`: sets the flags for `dst - immediate`.
    public mutating func cmp(_ dst: Register, immediate: Int32) { emitALU(.cmp, dst, immediate: immediate) }

    /// `add qword [m], simm32`.
    public mutating func add(_ m: Memory, immediate: Int32) {
        emitALU(.add, rexW: true, .memory(m), immediate: immediate)
    }

    /// `cmp dword [m], imm32`: compares 32 bits in memory, such as a type id
    /// in an object header, with a constant.
    public mutating func cmp32(_ m: Memory, immediate: Int32) {
        emitALU(.cmp, rexW: false, .memory(m), immediate: immediate)
    }

    /// `cmp qword [m], r`: sets the flags for `[m] - r`.
    public mutating func cmp(_ m: Memory, _ r: Register) {
        emit(rexW: true, opcode: ALUOperation.cmp.rawValue << 3 | 0x01, reg: r.rawValue, rm: .memory(m))
    }

    /// `imul dst, src`: the low 64 bits of the signed product.
    public mutating func imul(_ dst: Register, _ src: Register) {
        emit(rexW: true, escaped: true, opcode: 0xAF, reg: dst.rawValue, rm: .register(src))
    }

    /// `neg r`: two's-complement negation.
    public mutating func neg(_ r: Register) {
        emit(rexW: true, opcode: 0xF7, reg: 3, rm: .register(r))
    }

    /// `not r`: bitwise complement.
    public mutating func not(_ r: Register) {
        emit(rexW: true, opcode: 0xF7, reg: 2, rm: .register(r))
    }

    /// `cqo`: sign-extends rax into rdx:rax, as `idiv` expects.
    public mutating func cqo() {
        emitByte(0x48)
        emitByte(0x99)
    }

    /// `idiv r`: divides rdx:rax by `r`, signed; the quotient goes to rax and
    /// the remainder to rdx. Traps on division by zero and on
    /// `Int64.min / -1`.
    public mutating func idiv(_ r: Register) {
        emit(rexW: true, opcode: 0xF7, reg: 7, rm: .register(r))
    }

    /// `test a, b`: sets the flags for `a & b`.
    public mutating func test(_ a: Register, _ b: Register) {
        emit(rexW: true, opcode: 0x85, reg: b.rawValue, rm: .register(a))
    }

    /// `test byte [m], imm8`: sets the flags for `[m] & immediate` on one byte.
    public mutating func testByte(_ m: Memory, immediate: UInt8) {
        emit(rexW: false, opcode: 0xF6, reg: 0, rm: .memory(m))
        emitByte(immediate)
    }

    // MARK: Shifts

    /// `shl r, count`: shifts left by a constant, 0–63.
    public mutating func shl(_ r: Register, by count: UInt8) { emitShift(.left, r, by: count) }
    /// `shr r, count`: shifts right by a constant, 0–63, filling with zeros.
    public mutating func shr(_ r: Register, by count: UInt8) { emitShift(.rightLogical, r, by: count) }
    /// `sar r, count`: shifts right by a constant, 0–63, filling with the sign bit.
    public mutating func sar(_ r: Register, by count: UInt8) { emitShift(.rightArithmetic, r, by: count) }

    /// `shl r, cl`: shifts left by the low six bits of rcx.
    public mutating func shiftLeftByCL(_ r: Register) { emitShiftByCL(.left, r) }
    /// `shr r, cl`: shifts right by the low six bits of rcx, filling with zeros.
    public mutating func shiftRightLogicalByCL(_ r: Register) { emitShiftByCL(.rightLogical, r) }
    /// `sar r, cl`: shifts right by the low six bits of rcx, filling with the sign bit.
    public mutating func shiftRightArithmeticByCL(_ r: Register) { emitShiftByCL(.rightArithmetic, r) }

    // MARK: Conditions

    /// `setcc r8` then `movzx r32, r8`: sets `r` to 1 if `condition` holds
    /// and to 0 otherwise.
    public mutating func setAndZeroExtend(_ condition: Condition, _ r: Register) {
        emit(rexW: false, escaped: true, opcode: 0x90 | condition.encoding, reg: 0,
             rm: .register(r), byteRegisters: true)
        emit(rexW: false, escaped: true, opcode: 0xB6, reg: r.rawValue,
             rm: .register(r), byteRegisters: true)
    }

    // MARK: Control flow

    /// `jmp label` (rel32).
    public mutating func jump(_ label: Label) {
        emitByte(0xE9)
        emitReference(to: label)
    }

    /// `jcc label` (rel32): jumps if `condition` holds.
    public mutating func jump(_ condition: Condition, _ label: Label) {
        emitByte(0x0F)
        emitByte(0x80 | condition.encoding)
        emitReference(to: label)
    }

    /// `jmp r`: jumps to the address in `r`.
    public mutating func jump(_ r: Register) {
        emit(rexW: false, opcode: 0xFF, reg: 4, rm: .register(r))
    }

    /// `call r`: calls the address in `r`. The System V ABI wants rsp to be a
    /// multiple of 16 at the call.
    public mutating func call(_ r: Register) {
        emit(rexW: false, opcode: 0xFF, reg: 2, rm: .register(r))
    }

    /// `ret`.
    public mutating func ret() { emitByte(0xC3) }

    /// `push r`.
    public mutating func push(_ r: Register) {
        emitREX(w: false, r: false, x: false, b: r.needsREX)
        emitByte(0x50 + r.low3)
    }

    /// `pop r`.
    public mutating func pop(_ r: Register) {
        emitREX(w: false, r: false, x: false, b: r.needsREX)
        emitByte(0x58 + r.low3)
    }

    /// `int3`: a breakpoint trap.
    public mutating func int3() { emitByte(0xCC) }

    /// `nop` (one byte).
    public mutating func nop() { emitByte(0x90) }

    // MARK: Encoding

    /// The operand a ModRM byte's `mod`/`rm` fields (and the SIB byte and
    /// displacement that may follow) describe.
    private enum RegisterOrMemory {
        case register(Register)
        case memory(Memory)
    }

    /// The eight classic ALU operations, numbered as in their opcodes
    /// (`op * 8 + 1` for `r/m, reg`) and in the `reg` field of 0x81/0x83.
    private enum ALUOperation: UInt8 {
        case add = 0, or = 1, and = 4, sub = 5, xor = 6, cmp = 7
    }

    /// The shifts, numbered as in the `reg` field of 0xC1/0xD1/0xD3.
    private enum ShiftOperation: UInt8 {
        case left = 4, rightLogical = 5, rightArithmetic = 7
    }

    private mutating func emitALU(_ operation: ALUOperation, _ dst: Register, _ src: Register) {
        emit(rexW: true, opcode: operation.rawValue << 3 | 0x01, reg: src.rawValue, rm: .register(dst))
    }

    private mutating func emitALU(_ operation: ALUOperation, _ dst: Register, immediate: Int32) {
        if dst == .rax && Int8(exactly: immediate) == nil {
            // The accumulator form has no ModRM byte.
            emitREX(w: true, r: false, x: false, b: false)
            emitByte(operation.rawValue << 3 | 0x05)
            emitInt32(immediate)
        } else {
            emitALU(operation, rexW: true, .register(dst), immediate: immediate)
        }
    }

    /// `op r/m, imm`: the sign-extended imm8 form (0x83) when the value fits.
    private mutating func emitALU(_ operation: ALUOperation, rexW: Bool, _ operand: RegisterOrMemory,
                                  immediate: Int32) {
        if let small = Int8(exactly: immediate) {
            emit(rexW: rexW, opcode: 0x83, reg: operation.rawValue, rm: operand)
            emitByte(UInt8(bitPattern: small))
        } else {
            emit(rexW: rexW, opcode: 0x81, reg: operation.rawValue, rm: operand)
            emitInt32(immediate)
        }
    }

    private mutating func emitShift(_ operation: ShiftOperation, _ r: Register, by count: UInt8) {
        check(count < 64, "shift count \(count) out of 0...63")
        if count == 1 {
            emit(rexW: true, opcode: 0xD1, reg: operation.rawValue, rm: .register(r))
        } else {
            emit(rexW: true, opcode: 0xC1, reg: operation.rawValue, rm: .register(r))
            emitByte(count)
        }
    }

    private mutating func emitShiftByCL(_ operation: ShiftOperation, _ r: Register) {
        emit(rexW: true, opcode: 0xD3, reg: operation.rawValue, rm: .register(r))
    }

    /// Emits `[REX] [0x0F] opcode ModRM [SIB] [displacement]`. `reg` is the
    /// full four-bit value of the ModRM `reg` field (a register number or an
    /// opcode extension). With `byteRegisters`, a register `rm` operand names
    /// its low byte, so spl, bpl, sil and dil force a REX prefix.
    private mutating func emit(rexW: Bool, escaped: Bool = false, opcode: UInt8, reg: UInt8,
                               rm operand: RegisterOrMemory, byteRegisters: Bool = false) {
        switch operand {
        case .register(let r):
            let forceREX = byteRegisters && r.needsREXForByteAccess
            emitREX(w: rexW, r: reg >= 8, x: false, b: r.needsREX, force: forceREX)
            if escaped { emitByte(0x0F) }
            emitByte(opcode)
            emitByte(modRM(mod: 0b11, reg: reg, rm: r.low3))
        case .memory(let m):
            check(m.index != .rsp, "rsp cannot be an index register")
            emitREX(w: rexW, r: reg >= 8, x: m.index?.needsREX ?? false, b: m.base.needsREX)
            if escaped { emitByte(0x0F) }
            emitByte(opcode)
            let displacementSize = m.displacementSize
            let mod: UInt8 = displacementSize == 0 ? 0b00 : displacementSize == 1 ? 0b01 : 0b10
            if m.needsSIB {
                emitByte(modRM(mod: mod, reg: reg, rm: 0b100))
                // Index 100 without REX.X means "no index".
                let indexBits = m.index?.low3 ?? 0b100
                emitByte(m.scaleBits << 6 | indexBits << 3 | m.base.low3)
            } else {
                emitByte(modRM(mod: mod, reg: reg, rm: m.base.low3))
            }
            switch displacementSize {
            case 0: break
            case 1: emitByte(UInt8(bitPattern: Int8(m.displacement)))
            default: emitInt32(m.displacement)
            }
        }
    }

    private func modRM(mod: UInt8, reg: UInt8, rm: UInt8) -> UInt8 {
        mod << 6 | (reg & 7) << 3 | (rm & 7)
    }

    /// Emits a REX prefix if any of its bits is needed (or `force` asks for
    /// an empty one).
    private mutating func emitREX(w: Bool, r: Bool, x: Bool, b: Bool, force: Bool = false) {
        guard w || r || x || b || force else { return }
        var rex: UInt8 = 0x40
        if w { rex |= 0b1000 }
        if r { rex |= 0b0100 }
        if x { rex |= 0b0010 }
        if b { rex |= 0b0001 }
        emitByte(rex)
    }

    /// Emits the rel32 field of a jump to `label`, which ends the instruction:
    /// resolved now if the label is bound, else recorded to patch at `bind`.
    private mutating func emitReference(to label: Label) {
        check(labelOffsets.indices.contains(label.id), "label from another assembler")
        let fieldOffset = count
        emitInt32(0)
        if let target = labelOffsets[label.id] {
            patchRelative32(at: fieldOffset, target: target)
        } else {
            pendingReferences[label.id, default: []].append(fieldOffset)
        }
    }

    /// Writes `target - (fieldOffset + 4)`, the displacement from the end of
    /// the rel32 field, into the field.
    private mutating func patchRelative32(at fieldOffset: Int, target: Int) {
        guard let displacement = Int32(exactly: target - (fieldOffset + 4)) else {
            preconditionFailure("jump displacement out of rel32 range")
        }
        let value = UInt32(bitPattern: displacement)
        for i in 0..<4 {
            bytes[fieldOffset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i)))
        }
    }

    private mutating func emitByte(_ byte: UInt8) { bytes.append(byte) }

    private mutating func emitUInt32(_ value: UInt32) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(i)))) }
    }

    private mutating func emitInt32(_ value: Int32) { emitUInt32(UInt32(bitPattern: value)) }

    private mutating func emitUInt64(_ value: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }
}
