// A loop that runs stays alive, whatever its callers' constants become.
//
// A loop entered from another loop is reachable only through its caller's
// constant table (the memory manager may have dropped it long ago). A helper
// called from the entered loop can replace that constant with another token
// and collect: the running loop's token must survive that collection, or its
// code and table are freed while it still runs. Both backends.
import Testing
@testable import Tenure
@testable import TenureJIT

/// What the swapping helper needs.
private final class SwapContext {
    let host: JITHost
    var caller: GlobalRoot?
    var replacement: GlobalRoot?
    /// Loops freed while the callee ran (must stay 0).
    var freedDuringRun = -1
    init(host: JITHost) { self.host = host }
}

private func swapAndCollect(_ context: UnsafeMutableRawPointer?, _ a: Int, _ b: Int) -> Int {
    let c = Unmanaged<SwapContext>.fromOpaque(context!).takeUnretainedValue()
    let before = c.host.statistics.loopsFreed
    try! c.host.setConstant(c.replacement!.object, of: c.caller!.object, slot: 1)
    c.host.heap.collect()
    c.host.heap.collect()
    c.freedDuringRun = c.host.statistics.loopsFreed - before
    return 5
}

@Suite struct RunningLoopTests {
    @Test(arguments: [JITBackend.native, .interpreter])
    func anEnteredLoopSurvivesItsCallerLosingIt(backend: JITBackend) throws {
        var configuration = HeapConfiguration()
        configuration.nurserySize = 64 << 10
        configuration.debugLevel = 1
        let heap = try Heap(configuration: configuration)
        // Longevity 1: the memory manager drops every loop but the newest few.
        let host = try JITHost(heap: heap, loopLongevity: 1, backend: backend)
        let box = try heap.register(.object("Box", references: 0, words: 1))
        let context = SwapContext(host: host)
        let helper = host.registerHelper(JITHelper(swapAndCollect, context: Unmanaged.passUnretained(context).toOpaque()))
        // The callee: call the helper, then read its own constant (a Box holding 37) and add.
        let callee = LoopProgram(integerCount: 3, referenceCount: 1, argumentCount: 0, instructions: [
            .callHelper(destination: 0, helper: helper, arguments: []),
            .loadConstant(destination: 0, slot: 1), .loadWord(destination: 1, object: 0, offset: 8),
            .arithmetic(.add, destination: 2, left: 0, right: 1), .returnInteger(source: 2)])
        let caller = LoopProgram(integerCount: 1, referenceCount: 0, argumentCount: 0, instructions: [
            .enterLoop(destination: 0, slot: 1, arguments: []), .returnInteger(source: 0)])
        let other = LoopProgram(integerCount: 1, referenceCount: 0, argumentCount: 0, instructions: [
            .setInteger(destination: 0, value: 1), .returnInteger(source: 0)])
        try heap.withRoots(4) { frame in
            frame[0] = try heap.allocate(box)
            frame[0]!.store(37, at: 8)
            frame[1] = try host.compile(callee, constants: [frame[0]])
            frame[2] = try host.compile(caller, constants: [frame[1]])
            frame[3] = try host.compile(other, constants: [])
            context.caller = heap.addGlobalRoot(frame[2])
            context.replacement = heap.addGlobalRoot(frame[3])
            frame[0] = nil
            frame[1] = nil
        }
        // Move the generation on so that the manager no longer keeps the callee.
        for _ in 0..<5 { host.startTracing() }
        try heap.withRoots(0) { _ in
            let result = try host.run(context.caller!.object)
            #expect(result == 5 + 37)
        }
        #expect(context.freedDuringRun == 0, "the running callee was freed under it")
        // Once it has returned, nothing keeps the callee: the next major collection frees it.
        let freed = host.statistics.loopsFreed
        heap.collect()
        #expect(host.statistics.loopsFreed == freed + 1)
        #expect(heap.verify() == [])
        try heap.removeGlobalRoot(context.caller!)
        try heap.removeGlobalRoot(context.replacement!)
        withExtendedLifetime(context) {}
    }
}
