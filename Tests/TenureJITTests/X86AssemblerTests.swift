// Tests of the x86-64 assembler.
//
// The encodings are checked against an external assembler: one batch of
// thousands of instructions (every register, every kind of memory operand,
// boundary immediates, branches to labels) is written once as AT&T assembly
// text and once through X86Assembler, the text is assembled by GNU as and by
// llvm-mc (whichever are installed), and the .text bytes must be identical.
// A few encodings checked by hand run even without those tools. The
// execution tests then run generated code: map a page, copy the code, make
// it executable and call it as a C function.
import Foundation
import Glibc
import Testing
@testable import TenureJIT

// MARK: - Operand names in AT&T syntax

private let names64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                       "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]
private let names32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                       "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"]

private func att(_ r: Register) -> String { "%" + names64[Int(r.rawValue)] }
private func att32(_ r: Register) -> String { "%" + names32[Int(r.rawValue)] }

private func att(_ m: Memory) -> String {
    let displacement = m.displacement == 0 ? "" : String(m.displacement)
    if let index = m.index {
        return "\(displacement)(\(att(m.base)),\(att(index)),\(m.scale))"
    }
    return "\(displacement)(\(att(m.base)))"
}

private func mnemonicSuffix(_ c: Condition) -> String {
    switch c {
    case .overflow: return "o"
    case .noOverflow: return "no"
    case .below: return "b"
    case .aboveOrEqual: return "ae"
    case .equal: return "e"
    case .notEqual: return "ne"
    case .belowOrEqual: return "be"
    case .above: return "a"
    case .sign: return "s"
    case .notSign: return "ns"
    case .less: return "l"
    case .greaterOrEqual: return "ge"
    case .lessOrEqual: return "le"
    case .greater: return "g"
    }
}

// MARK: - The external assemblers

/// An assembler installed on this machine that turns AT&T text into an
/// ELF object file.
struct ExternalAssembler: Sendable, CustomTestStringConvertible {
    let name: String
    let path: String
    let arguments: @Sendable (_ input: String, _ output: String) -> [String]

    var testDescription: String { name }

    static let candidates: [ExternalAssembler] = [
        ExternalAssembler(name: "GNU as", path: "/usr/bin/as") { ["--64", "-o", $1, $0] },
        ExternalAssembler(name: "llvm-mc", path: "/usr/bin/llvm-mc") {
            ["-triple=x86_64-unknown-linux-gnu", "-filetype=obj", "-o", $1, $0]
        },
    ]

    static let installed: [ExternalAssembler] = candidates.filter {
        FileManager.default.isExecutableFile(atPath: $0.path)
    }

    /// Assembles `source` and returns the bytes of its .text section.
    func assemble(_ source: String) throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("x86-assembler-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("batch.s").path
        let output = directory.appendingPathComponent("batch.o").path
        try source.write(toFile: input, atomically: false, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments(input, output)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ExternalAssemblerFailure(message: "\(name) failed: \(message.prefix(2000))")
        }
        let object = try [UInt8](Data(contentsOf: URL(fileURLWithPath: output)))
        return try textSection(ofELF64: object)
    }
}

struct ExternalAssemblerFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The contents of the `.text` section of a little-endian ELF64 object.
private func textSection(ofELF64 object: [UInt8]) throws -> [UInt8] {
    func integer(at offset: Int, size: Int) -> Int {
        var value = 0
        for i in (0..<size).reversed() { value = value << 8 | Int(object[offset + i]) }
        return value
    }
    guard object.count > 64, object[0...3] == [0x7F, 0x45, 0x4C, 0x46], object[4] == 2 else {
        throw ExternalAssemblerFailure(message: "not an ELF64 object")
    }
    let sectionTable = integer(at: 0x28, size: 8)
    let entrySize = integer(at: 0x3A, size: 2)
    let sectionCount = integer(at: 0x3C, size: 2)
    let namesIndex = integer(at: 0x3E, size: 2)
    func header(_ i: Int) -> (name: Int, offset: Int, size: Int) {
        let h = sectionTable + i * entrySize
        return (integer(at: h, size: 4), integer(at: h + 0x18, size: 8), integer(at: h + 0x20, size: 8))
    }
    let names = header(namesIndex)
    for i in 0..<sectionCount {
        let section = header(i)
        let nameStart = names.offset + section.name
        let nameEnd = object[nameStart...].firstIndex(of: 0) ?? nameStart
        if String(decoding: object[nameStart..<nameEnd], as: UTF8.self) == ".text" {
            return Array(object[section.offset..<section.offset + section.size])
        }
    }
    throw ExternalAssemblerFailure(message: "no .text section")
}

// MARK: - The differential batch

/// The same instructions written as assembly text and emitted through
/// X86Assembler, with the offset each one starts at.
private struct DifferentialBatch {
    var assembler = X86Assembler()
    var lines: [String] = []
    var starts: [Int] = []

    /// Adds an instruction (or a label definition, which emits nothing).
    mutating func add(_ text: String, _ emit: (inout X86Assembler) -> Void) {
        lines.append(text)
        starts.append(assembler.count)
        emit(&assembler)
    }

    var instructionCount: Int { lines.filter { !$0.hasSuffix(":") }.count }

    var source: String { ".text\n" + lines.map { "\t" + $0 }.joined(separator: "\n") + "\n" }

    /// The line whose bytes contain `offset`.
    func line(containing offset: Int) -> String {
        let index = starts.lastIndex { $0 <= offset } ?? 0
        return lines[index]
    }
}

private let immediates32: [Int32] = [0, 1, -1, 127, 128, -128, -129, 255, 256, 0x1234_5678,
                                     Int32.min, Int32.max]

private let immediates64: [Int64] = [
    0, 1, -1, 127, 128, -128, -129, Int64(Int32.max), Int64(Int32.min),
    Int64(Int32.max) + 1, Int64(Int32.min) - 1, Int64(UInt32.max), Int64(UInt32.max) + 1,
    0x1234_5678_9ABC_DEF0, -0x1234_5678_9ABC_DEF0, Int64.max, Int64.min, 0x4000_0000_0000_0000,
]

private let displacements: [Int32] = [0, 1, -1, -128, 127, 128, -129, 0x1234_5678, Int32.min, Int32.max]

/// Memory operands with every base; without an index at every boundary
/// displacement, and with every index (except rsp) at every scale.
private let memoryOperands: [Memory] = {
    var operands: [Memory] = []
    for base in Register.allCases {
        for displacement in displacements { operands.append(Memory(base, displacement)) }
        var step = 0
        for index in Register.allCases where index != .rsp {
            for scale: UInt8 in [1, 2, 4, 8] {
                let displacement = displacements[step % displacements.count]
                step += 1
                operands.append(Memory(base: base, index: index, scale: scale, displacement: displacement))
            }
        }
    }
    return operands
}()

private func makeDifferentialBatch() -> DifferentialBatch {
    var batch = DifferentialBatch()
    let registers = Register.allCases

    // Register to register, every pair.
    for dst in registers {
        for src in registers {
            batch.add("movq \(att(src)), \(att(dst))") { $0.mov(dst, src) }
            batch.add("addq \(att(src)), \(att(dst))") { $0.add(dst, src) }
            batch.add("subq \(att(src)), \(att(dst))") { $0.sub(dst, src) }
            batch.add("andq \(att(src)), \(att(dst))") { $0.and(dst, src) }
            batch.add("orq \(att(src)), \(att(dst))") { $0.or(dst, src) }
            batch.add("xorq \(att(src)), \(att(dst))") { $0.xor(dst, src) }
            batch.add("cmpq \(att(src)), \(att(dst))") { $0.cmp(dst, src) }
            batch.add("imulq \(att(src)), \(att(dst))") { $0.imul(dst, src) }
            batch.add("testq \(att(src)), \(att(dst))") { $0.test(dst, src) }
        }
    }

    // One register operand.
    for r in registers {
        for immediate in immediates32 {
            batch.add("addq $\(immediate), \(att(r))") { $0.add(r, immediate: immediate) }
            batch.add("subq $\(immediate), \(att(r))") { $0.sub(r, immediate: immediate) }
            batch.add("andq $\(immediate), \(att(r))") { $0.and(r, immediate: immediate) }
            batch.add("orq $\(immediate), \(att(r))") { $0.or(r, immediate: immediate) }
            batch.add("xorq $\(immediate), \(att(r))") { $0.xor(r, immediate: immediate) }
            batch.add("cmpq $\(immediate), \(att(r))") { $0.cmp(r, immediate: immediate) }
        }
        for value in immediates64 {
            // The encoding the API promises, stated independently.
            let text: String
            if value >= 0 && value <= Int64(UInt32.max) {
                text = "movl $\(value), \(att32(r))"
            } else if Int32(exactly: value) != nil {
                text = "movq $\(value), \(att(r))"
            } else {
                text = "movabsq $\(value), \(att(r))"
            }
            batch.add(text) { $0.mov(r, immediate: value) }
        }
        for count: UInt8 in [0, 1, 2, 7, 31, 32, 63] {
            batch.add("shlq $\(count), \(att(r))") { $0.shl(r, by: count) }
            batch.add("shrq $\(count), \(att(r))") { $0.shr(r, by: count) }
            batch.add("sarq $\(count), \(att(r))") { $0.sar(r, by: count) }
        }
        batch.add("shlq %cl, \(att(r))") { $0.shiftLeftByCL(r) }
        batch.add("shrq %cl, \(att(r))") { $0.shiftRightLogicalByCL(r) }
        batch.add("sarq %cl, \(att(r))") { $0.shiftRightArithmeticByCL(r) }
        batch.add("negq \(att(r))") { $0.neg(r) }
        batch.add("notq \(att(r))") { $0.not(r) }
        batch.add("idivq \(att(r))") { $0.idiv(r) }
        batch.add("pushq \(att(r))") { $0.push(r) }
        batch.add("popq \(att(r))") { $0.pop(r) }
        batch.add("call *\(att(r))") { $0.call(r) }
        batch.add("jmp *\(att(r))") { $0.jump(r) }
        for c in Condition.allCases {
            let byteName = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
                            "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"][Int(r.rawValue)]
            batch.add("set\(mnemonicSuffix(c)) %\(byteName)") { _ in }
            batch.add("movzbl %\(byteName), \(att32(r))") { $0.setAndZeroExtend(c, r) }
        }
    }

    // Memory operands: every operand in every memory instruction, with the
    // register and immediate operands rotating.
    for (i, m) in memoryOperands.enumerated() {
        let r = registers[i % registers.count]
        let immediate = immediates32[i % immediates32.count]
        let byte = UInt8(truncatingIfNeeded: i * 37)
        batch.add("movq \(att(m)), \(att(r))") { $0.load(r, m) }
        batch.add("movl \(att(m)), \(att32(r))") { $0.load32(r, m) }
        batch.add("movzbl \(att(m)), \(att32(r))") { $0.loadByte(r, m) }
        batch.add("movq \(att(r)), \(att(m))") { $0.store(m, r) }
        batch.add("movl \(att32(r)), \(att(m))") { $0.store32(m, r) }
        batch.add("movq $\(immediate), \(att(m))") { $0.store(m, immediate: immediate) }
        batch.add("leaq \(att(m)), \(att(r))") { $0.lea(r, m) }
        batch.add("addq $\(immediate), \(att(m))") { $0.add(m, immediate: immediate) }
        batch.add("cmpl $\(immediate), \(att(m))") { $0.cmp32(m, immediate: immediate) }
        batch.add("cmpq \(att(r)), \(att(m))") { $0.cmp(m, r) }
        batch.add("testb $\(byte), \(att(m))") { $0.testByte(m, immediate: byte) }
    }

    // Branches: rel32 forms ({disp32}) backward and forward, and to a label
    // bound in the middle of the other references.
    let backward = batch.assembler.newLabel()
    let middle = batch.assembler.newLabel()
    let forward = batch.assembler.newLabel()
    batch.add(".Lbackward:") { $0.bind(backward) }
    batch.add("{disp32} jmp .Lforward") { $0.jump(forward) }
    batch.add("{disp32} jmp .Lmiddle") { $0.jump(middle) }
    for c in Condition.allCases {
        batch.add("{disp32} j\(mnemonicSuffix(c)) .Lbackward") { $0.jump(c, backward) }
        batch.add("{disp32} j\(mnemonicSuffix(c)) .Lforward") { $0.jump(c, forward) }
        batch.add("{disp32} j\(mnemonicSuffix(c)) .Lmiddle") { $0.jump(c, middle) }
        if c == .sign { batch.add(".Lmiddle:") { $0.bind(middle) } }
    }
    batch.add("cqto") { $0.cqo() }
    batch.add("int3") { $0.int3() }
    batch.add("nop") { $0.nop() }
    batch.add("{disp32} jmp .Lbackward") { $0.jump(backward) }
    batch.add(".Lforward:") { $0.bind(forward) }
    batch.add("ret") { $0.ret() }
    return batch
}

// MARK: - Execution

private let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

/// Copies `code` into a fresh mapping, makes it read-only and executable,
/// and passes its address to `body`; unmaps it afterwards.
private func withExecutableCode<R>(_ code: [UInt8], _ body: (UnsafeRawPointer) throws -> R) rethrows -> R {
    let size = (max(code.count, 1) + pageSize - 1) / pageSize * pageSize
    guard let page = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
          page != UnsafeMutableRawPointer(bitPattern: -1)
    else { fatalError("mmap failed: errno \(errno)") }
    defer { munmap(page, size) }
    code.withUnsafeBytes { page.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    guard mprotect(page, size, PROT_READ | PROT_EXEC) == 0 else { fatalError("mprotect failed: errno \(errno)") }
    return try body(UnsafeRawPointer(page))
}

private typealias BinaryFunction = @convention(c) (Int, Int) -> Int

/// Assembles a function of two arguments (rdi, rsi; result in rax) and
/// calls it with each pair of arguments.
private func run(_ arguments: [(Int, Int)], _ build: (inout X86Assembler) -> Void) throws -> [Int] {
    var assembler = X86Assembler()
    build(&assembler)
    let code = try assembler.finish()
    return withExecutableCode(code) { address in
        let function = unsafeBitCast(address, to: BinaryFunction.self)
        return arguments.map { function($0.0, $0.1) }
    }
}

private func run(_ a: Int, _ b: Int, _ build: (inout X86Assembler) -> Void) throws -> Int {
    try run([(a, b)], build)[0]
}

private let interestingValues: [Int] = [0, 1, -1, 2, -2, 7, -7, 63, 64, 1000, -1000, Int(Int32.max),
                                        Int(Int32.min), Int.max, Int.min, 0x1234_5678_9ABC]

private var interestingPairs: [(Int, Int)] {
    interestingValues.flatMap { a in interestingValues.map { b in (a, b) } }
}

// MARK: - Tests

@Suite struct X86AssemblerTests {
    @Test(.enabled(if: !ExternalAssembler.installed.isEmpty, "needs GNU as or llvm-mc"),
          arguments: ExternalAssembler.installed)
    func encodingsMatchAnExternalAssembler(_ external: ExternalAssembler) throws {
        let batch = makeDifferentialBatch()
        let ours = try batch.assembler.finish()
        let theirs = try external.assemble(batch.source)
        #expect(batch.instructionCount > 10_000)
        let firstDifference = (0..<min(ours.count, theirs.count)).first { ours[$0] != theirs[$0] }
            ?? (ours.count == theirs.count ? nil : min(ours.count, theirs.count))
        if let first = firstDifference {
            let start = batch.starts.last { $0 <= first } ?? 0
            let ourBytes = ours[start..<min(start + 16, ours.count)].map { String(format: "%02x", $0) }
            let theirBytes = theirs[start..<min(start + 16, theirs.count)].map { String(format: "%02x", $0) }
            Issue.record("""
                first difference at offset \(first), in `\(batch.line(containing: first))`:
                ours:   \(ourBytes.joined(separator: " "))
                \(external.name): \(theirBytes.joined(separator: " "))
                """)
        }
        #expect(ours.count == theirs.count)
    }

    @Test func handCheckedEncodings() {
        func encode(_ build: (inout X86Assembler) -> Void) -> [UInt8] {
            var assembler = X86Assembler()
            build(&assembler)
            return assembler.bytes
        }
        // Bases that need a SIB byte or an explicit zero displacement.
        #expect(encode { $0.load(.rax, Memory(.rsp)) } == [0x48, 0x8B, 0x04, 0x24])
        #expect(encode { $0.load(.rax, Memory(.r12)) } == [0x49, 0x8B, 0x04, 0x24])
        #expect(encode { $0.load(.rax, Memory(.rbp)) } == [0x48, 0x8B, 0x45, 0x00])
        #expect(encode { $0.load(.rax, Memory(.r13)) } == [0x49, 0x8B, 0x45, 0x00])
        #expect(encode { $0.load(.r9, Memory(base: .r13, index: .r12, scale: 8, displacement: 128)) }
                == [0x4F, 0x8B, 0x8C, 0xE5, 0x80, 0x00, 0x00, 0x00])
        // spl, bpl, sil and dil need an empty REX prefix.
        #expect(encode { $0.setAndZeroExtend(.notEqual, .rsi) }
                == [0x40, 0x0F, 0x95, 0xC6, 0x40, 0x0F, 0xB6, 0xF6])
        #expect(encode { $0.setAndZeroExtend(.equal, .rax) } == [0x0F, 0x94, 0xC0, 0x0F, 0xB6, 0xC0])
        // The three sizes of constant.
        #expect(encode { $0.mov(.rax, immediate: 0xFFFF_FFFF) } == [0xB8, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(encode { $0.mov(.r8, immediate: -1) } == [0x49, 0xC7, 0xC0, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(encode { $0.mov(.rax, immediate: 1 << 32) }
                == [0x48, 0xB8, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00])
        #expect(encode { $0.add(.rcx, immediate: -128) } == [0x48, 0x83, 0xC1, 0x80])
        #expect(encode { $0.add(.rcx, immediate: 128) } == [0x48, 0x81, 0xC1, 0x80, 0x00, 0x00, 0x00])
    }

    @Test func registerAndConditionHelpers() {
        #expect(Register.r13.low3 == 5 && Register.r13.needsREX)
        #expect(Register.rdi.low3 == 7 && !Register.rdi.needsREX)
        #expect(Register.allCases.count == 16)
        for c in Condition.allCases {
            #expect(c.inverted.inverted == c)
            #expect(c.inverted.encoding == c.encoding ^ 1)
        }
        #expect(Set(Condition.allCases.map(\.encoding)).count == Condition.allCases.count)
    }

    // MARK: Labels

    @Test func finishThrowsOnAnUnboundLabel() {
        var assembler = X86Assembler()
        let bound = assembler.newLabel()
        let neverBound = assembler.newLabel()
        let neverUsed = assembler.newLabel()
        assembler.bind(bound)
        assembler.jump(.equal, bound)
        assembler.jump(neverBound)
        #expect(assembler.offset(of: bound) == 0)
        #expect(assembler.offset(of: neverBound) == nil)
        #expect(assembler.offset(of: neverUsed) == nil)
        #expect(throws: AssemblerError.unboundLabel) { try assembler.finish() }
        assembler.bind(neverBound)
        #expect(assembler.offset(of: neverBound) == 11)
        #expect(throws: Never.self) { try assembler.finish() }
    }

    @Test func labelsAreResolvedWhereverTheyAreBound() throws {
        var assembler = X86Assembler()
        let forward = assembler.newLabel()
        let backward = assembler.newLabel()
        assembler.bind(backward)
        assembler.jump(forward)  // E9 rel32 at 0...4
        assembler.nop()
        assembler.jump(.less, backward)  // 0F 8C rel32 at 6...11
        assembler.bind(forward)
        let code = try assembler.finish()
        #expect(code == [0xE9, 0x07, 0x00, 0x00, 0x00, 0x90, 0x0F, 0x8C, 0xF4, 0xFF, 0xFF, 0xFF])
    }

    // MARK: Execution

    @Test func sum() throws {
        let results = try run(interestingPairs) {
            $0.mov(.rax, .rdi)
            $0.add(.rax, .rsi)
            $0.ret()
        }
        #expect(results == interestingPairs.map { $0.0 &+ $0.1 })
    }

    @Test func loopWithBackEdgeAndForwardExit() throws {
        // rax = 1 + 2 + ... + n.
        let build: (inout X86Assembler) -> Void = {
            let top = $0.newLabel()
            let done = $0.newLabel()
            $0.xor(.rax, .rax)
            $0.mov(.rcx, immediate: 1)
            $0.bind(top)
            $0.cmp(.rcx, .rdi)
            $0.jump(.greater, done)
            $0.add(.rax, .rcx)
            $0.add(.rcx, immediate: 1)
            $0.jump(top)
            $0.bind(done)
            $0.ret()
        }
        let ns = [0, 1, 2, 10, 100, 100_000]
        #expect(try run(ns.map { ($0, 0) }, build) == ns.map { $0 * ($0 + 1) / 2 })
    }

    @Test func memoryThroughAPointerArgument() throws {
        var words: [Int] = [10, 20, 30, 40, 0, 0, 0, 0x1_0000_0000 + 0xAB, 5]
        let result = try words.withUnsafeMutableBufferPointer { buffer in
            try run(Int(bitPattern: buffer.baseAddress!), 2) {
                $0.load(.rax, Memory(.rdi))                                      // 10
                $0.load(.rcx, Memory(base: .rdi, index: .rsi, scale: 8))          // words[2] = 30
                $0.add(.rax, .rcx)                                               // 40
                $0.store(Memory(.rdi, 32), .rax)                                 // words[4] = 40
                $0.store(Memory(.rdi, 40), immediate: -7)                        // words[5] = -7
                $0.add(Memory(base: .rdi, index: .rsi, scale: 4, displacement: 40), immediate: 1000)  // words[6] += 1000
                $0.load32(.rdx, Memory(.rdi, 56))                                // 0xAB (upper half dropped)
                $0.add(.rax, .rdx)
                $0.loadByte(.r8, Memory(.rdi, 64))                               // 5
                $0.add(.rax, .r8)
                $0.lea(.r9, Memory(base: .rdi, index: .rsi, scale: 8, displacement: 8))  // &words[3]
                $0.load(.r10, Memory(.r9))                                       // 40
                $0.add(.rax, .r10)
                $0.store32(Memory(.rdi, 8), .r10)                                // words[1] low half = 40
                $0.ret()
            }
        }
        #expect(result == 40 + 0xAB + 5 + 40)
        #expect(words == [10, 40, 30, 40, 40, -7, 1000, 0x1_0000_0000 + 0xAB, 5])
    }

    @Test func memoryComparisonsAndByteTests() throws {
        // Returns 1 when the 32-bit id at [rdi] is 0x1234 and 0 otherwise,
        // plus 2 when bit 2 of the byte at [rdi + 4] is set, plus 4 when
        // [rdi + 8] equals rsi.
        let build: (inout X86Assembler) -> Void = {
            let notClass = $0.newLabel()
            let bitClear = $0.newLabel()
            let notEqual = $0.newLabel()
            $0.xor(.rax, .rax)
            $0.cmp32(Memory(.rdi), immediate: 0x1234)
            $0.jump(.notEqual, notClass)
            $0.or(.rax, immediate: 1)
            $0.bind(notClass)
            $0.testByte(Memory(.rdi, 4), immediate: 0b100)
            $0.jump(.equal, bitClear)
            $0.or(.rax, immediate: 2)
            $0.bind(bitClear)
            $0.cmp(Memory(.rdi, 8), .rsi)
            $0.jump(.notEqual, notEqual)
            $0.or(.rax, immediate: 4)
            $0.bind(notEqual)
            $0.ret()
        }
        func call(_ header: UInt64, _ word: Int, _ argument: Int) throws -> Int {
            var memory: [Int] = [Int(bitPattern: UInt(header)), word]
            return try memory.withUnsafeMutableBufferPointer {
                try run(Int(bitPattern: $0.baseAddress!), argument, build)
            }
        }
        #expect(try call(0x0000_0004_0000_1234, 9, 9) == 7)
        #expect(try call(0xFFFF_FFFB_0000_1234, 9, 8) == 1)  // other high bits, bit 2 clear
        #expect(try call(0x0000_0004_0001_1234, 9, 9) == 6)
    }

    @Test func callingASwiftFunction() throws {
        let triplePlusOne: @convention(c) (Int) -> Int = { $0 * 3 + 1 }
        let function = unsafeBitCast(triplePlusOne, to: Int.self)
        let results = try run([(5, function), (-4, function)]) {
            $0.push(.rbx)  // aligns rsp to 16 at the call, and saves rbx
            $0.mov(.rbx, .rdi)
            $0.call(.rsi)
            $0.add(.rax, .rbx)  // rbx survives the call
            $0.pop(.rbx)
            $0.ret()
        }
        #expect(results == [16 + 5, -11 - 4])
        // A tail call: jump to the function with our arguments.
        #expect(try run(7, function) { $0.jump(.rsi) } == 22)
    }

    @Test func division() throws {
        let pairs = interestingPairs.filter { $0.1 != 0 && !($0.0 == Int.min && $0.1 == -1) }
        let quotients = try run(pairs) {
            $0.mov(.rax, .rdi)
            $0.cqo()
            $0.idiv(.rsi)
            $0.ret()
        }
        let remainders = try run(pairs) {
            $0.mov(.rax, .rdi)
            $0.mov(.r11, .rsi)
            $0.cqo()
            $0.idiv(.r11)
            $0.mov(.rax, .rdx)
            $0.ret()
        }
        #expect(quotients == pairs.map { $0.0 / $0.1 })
        #expect(remainders == pairs.map { $0.0 % $0.1 })
    }

    @Test func setAndZeroExtendAfterCompare() throws {
        func holds(_ c: Condition, _ a: Int, _ b: Int) -> Bool {
            let (ua, ub) = (UInt(bitPattern: a), UInt(bitPattern: b))
            let difference = a &- b
            let overflow = a.subtractingReportingOverflow(b).overflow
            switch c {
            case .overflow: return overflow
            case .noOverflow: return !overflow
            case .below: return ua < ub
            case .aboveOrEqual: return ua >= ub
            case .equal: return a == b
            case .notEqual: return a != b
            case .belowOrEqual: return ua <= ub
            case .above: return ua > ub
            case .sign: return difference < 0
            case .notSign: return difference >= 0
            case .less: return a < b
            case .greaterOrEqual: return a >= b
            case .lessOrEqual: return a <= b
            case .greater: return a > b
            }
        }
        // Destinations include sil and dil (REX needed) and r8–r11.
        let destinations: [Register] = [.rsi, .rdi, .rax, .rcx, .rdx, .r8, .r9, .r10, .r11]
        for (i, c) in Condition.allCases.enumerated() {
            let destination = destinations[i % destinations.count]
            let results = try run(interestingPairs) {
                $0.mov(.rax, immediate: -1)
                $0.cmp(.rdi, .rsi)
                // setcc writes one byte: the rest must be cleared (mov leaves the flags).
                $0.mov(destination, immediate: -1)
                $0.setAndZeroExtend(c, destination)
                $0.mov(.rax, destination)
                $0.ret()
            }
            #expect(results == interestingPairs.map { holds(c, $0.0, $0.1) ? 1 : 0 }, "\(c)")
        }
    }

    @Test func shifts() throws {
        let values = interestingValues
        for count: UInt8 in [0, 1, 5, 63] {
            let left = try run(values.map { ($0, 0) }) { $0.mov(.rax, .rdi); $0.shl(.rax, by: count); $0.ret() }
            let right = try run(values.map { ($0, 0) }) { $0.mov(.r10, .rdi); $0.shr(.r10, by: count); $0.mov(.rax, .r10); $0.ret() }
            let arithmetic = try run(values.map { ($0, 0) }) { $0.mov(.rax, .rdi); $0.sar(.rax, by: count); $0.ret() }
            #expect(left == values.map { $0 << Int(count) })
            #expect(right == values.map { Int(bitPattern: UInt(bitPattern: $0) >> UInt(count)) })
            #expect(arithmetic == values.map { $0 >> Int(count) })
        }
        let pairs = values.flatMap { v in [0, 1, 13, 63, 64 + 3].map { (v, $0) } }
        let byCL: [(build: (inout X86Assembler) -> Void, expected: (Int, Int) -> Int)] = [
            ({ $0.shiftLeftByCL(.rax) }, { $0 << ($1 & 63) }),
            ({ $0.shiftRightLogicalByCL(.rax) }, { Int(bitPattern: UInt(bitPattern: $0) >> UInt($1 & 63)) }),
            ({ $0.shiftRightArithmeticByCL(.rax) }, { $0 >> ($1 & 63) }),
        ]
        for (build, expected) in byCL {
            let results = try run(pairs) {
                $0.mov(.rax, .rdi)
                $0.mov(.rcx, .rsi)
                build(&$0)
                $0.ret()
            }
            #expect(results == pairs.map { expected($0.0, $0.1) })
        }
    }

    @Test func arithmeticAndLogic() throws {
        let operations: [(name: String, build: (inout X86Assembler) -> Void, expected: (Int, Int) -> Int)] = [
            ("sub", { $0.sub(.rax, .rsi) }, { $0 &- $1 }),
            ("and", { $0.and(.rax, .rsi) }, { $0 & $1 }),
            ("or", { $0.or(.rax, .rsi) }, { $0 | $1 }),
            ("xor", { $0.xor(.rax, .rsi) }, { $0 ^ $1 }),
            ("imul", { $0.imul(.rax, .rsi) }, { $0 &* $1 }),
            ("neg", { $0.neg(.rax) }, { a, _ in 0 &- a }),
            ("not", { $0.not(.rax) }, { a, _ in ~a }),
            ("sub imm", { $0.sub(.rax, immediate: -129) }, { a, _ in a &+ 129 }),
            ("and imm", { $0.and(.rax, immediate: -16) }, { a, _ in a & -16 }),
            ("or imm", { $0.or(.rax, immediate: 0x100) }, { a, _ in a | 0x100 }),
            ("xor imm", { $0.xor(.rax, immediate: Int32.min) }, { a, _ in a ^ Int(Int32.min) }),
            ("add imm", { $0.add(.rax, immediate: 127) }, { a, _ in a &+ 127 }),
        ]
        for operation in operations {
            let results = try run(interestingPairs) {
                $0.mov(.rax, .rdi)
                operation.build(&$0)
                $0.ret()
            }
            #expect(results == interestingPairs.map { operation.expected($0.0, $0.1) }, "\(operation.name)")
        }
        // test: rax = 1 when a & b == 0.
        let zeroAnd = try run(interestingPairs) {
            $0.test(.rdi, .rsi)
            $0.setAndZeroExtend(.equal, .rax)
            $0.ret()
        }
        #expect(zeroAnd == interestingPairs.map { $0.0 & $0.1 == 0 ? 1 : 0 })
        // cmp with an immediate.
        let lessThanMinus129 = try run(interestingPairs) {
            $0.cmp(.rdi, immediate: -129)
            $0.setAndZeroExtend(.less, .rax)
            $0.ret()
        }
        #expect(lessThanMinus129 == interestingPairs.map { $0.0 < -129 ? 1 : 0 })
    }

    @Test func constantsAndCalleeSavedRegisters() throws {
        for value in immediates64 {
            #expect(try run(0, 0) { $0.mov(.rax, immediate: value); $0.ret() } == Int(value))
            #expect(try run(0, 0) {
                $0.push(.r12)
                $0.push(.r13)  // pushes and pops of extended registers
                $0.mov(.r12, immediate: value)
                $0.mov(.r13, .r12)
                $0.mov(.rax, .r13)
                $0.pop(.r13)
                $0.pop(.r12)
                $0.ret()
            } == Int(value))
        }
    }

    @Test func trapsAndPaddingAreNotExecutedWhenJumpedOver() throws {
        let result = try run(3, 4) {
            let skip = $0.newLabel()
            $0.mov(.rax, .rdi)
            $0.jump(skip)
            $0.int3()
            $0.int3()
            $0.bind(skip)
            $0.nop()
            $0.add(.rax, .rsi)
            $0.ret()
        }
        #expect(result == 7)
    }
}
