// tenure-som: the SOM virtual machine on Tenure, with SOM's usual command line.
//
//     tenure-som [-cp DIR:DIR:...] [--gc-statistics] File.som [arguments]
//
// The heap is configured as every Tenure runtime's: from the TENURE_*
// environment variables (docs/tuning.md), errors naming the variable.
import Tenure
import TenureSOM
#if canImport(Glibc)
import Glibc
#endif

func printError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

func usage() -> Never {
    printError("usage: tenure-som [-cp DIR:DIR:...] [--gc-statistics] File.som [arguments]\n")
    exit(2)
}

var classPath: [String] = []
var statistics = false
var rest = Array(CommandLine.arguments.dropFirst())
while let option = rest.first, option.hasPrefix("-") {
    rest.removeFirst()
    switch option {
    case "-cp", "--classpath":
        guard let value = rest.first else { usage() }
        rest.removeFirst()
        classPath += value.split(separator: ":").map(String.init)
    case "--gc-statistics", "-g":
        statistics = true
    case "-h", "--help":
        usage()
    default:
        printError("tenure-som: unknown option \(option); accepted: -cp DIR:DIR:..., --gc-statistics\n")
        exit(2)
    }
}
if rest.isEmpty { usage() }

let configuration: HeapConfiguration
do {
    configuration = try HeapConfiguration().resolved(environment: HeapConfiguration.processEnvironment).configuration
} catch {
    printError("tenure-som: \(error)\n")
    exit(2)
}
/// Runs the VM on a thread with a deep stack: SOM programs recurse (Havlak's depth-first
/// search), and each SOM call is a few Swift frames of the interpreter.
final class Run: @unchecked Sendable {
    let configuration: HeapConfiguration
    let classPath: [String]
    let arguments: [String]
    let statistics: Bool
    var status: Int32 = 0
    init(_ configuration: HeapConfiguration, _ classPath: [String], _ arguments: [String], statistics: Bool) {
        self.configuration = configuration
        self.classPath = classPath
        self.arguments = arguments
        self.statistics = statistics
    }

    func main() {
        do {
            let heap = try Heap(configuration: configuration)
            let universe = try Universe(heap: heap, classPath: classPath)
            status = universe.run(arguments: arguments)
            if statistics { printError(universe.statisticsReport()) }
        } catch {
            printError("tenure-som: \(error)\n")
            status = 1
        }
    }
}

let run = Run(configuration, classPath, rest, statistics: statistics)
guard DeepStack.run({ run.main() }) else {
    printError("tenure-som: cannot start the interpreter's thread\n")
    exit(1)
}
exit(run.status)
