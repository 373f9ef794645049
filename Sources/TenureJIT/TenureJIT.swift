// TenureJIT: hosting a just-in-time compiler's code on a Tenure heap.
//
// Machine code lives in executable memory that is never writable and
// executable through the same mapping; each compiled loop is a code blob
// owned by a loop token, a GC object, so that the code dies with the last
// reference to its token and the blob's table of GC references is traced
// and updated by the collector like the fields of an object. A loop memory
// manager frees loops not entered for `loopLongevity` generations
// (TENURE_JIT_LOOP_LONGEVITY, a setting TenureJIT registers on the runtime's
// configuration: Host/JITSettings.swift). The loop IR, its interpreter (the
// reference) and its x86-64 compiler live in IR/, Assembler/ and Compiler/;
// docs/jit.md tells the whole story.
import Tenure

/// Stops the process with "TenureJIT: <message>" unless `condition` holds, in
/// every build (`precondition` drops its message with -O).
@inline(__always)
func check(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    if _slowPath(!condition) { fatalError("TenureJIT: " + message(), file: file, line: line) }
}
