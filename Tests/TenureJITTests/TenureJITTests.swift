// The TenureJIT module builds and links against the collector.
import Testing
@testable import TenureJIT

@Suite struct TenureJITModuleTests {
    @Test func moduleLinks() {
        #expect(Bool(true))
    }
}
