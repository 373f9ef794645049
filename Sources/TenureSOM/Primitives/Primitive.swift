// The primitives: methods the standard library declares `= primitive`.
//
// Each is a case of one enum, found by class and selector when a class is
// loaded, and run by one switch (no closure per primitive, so no reference
// counting on a call). A primitive declared in the library that this VM does
// not have compiles to `missing`, which reports the class and selector when
// called; the VM also installs a few methods the library leaves to VMs
// (`System>>gcStats`, `System>>totalCompilationTime`).

enum Primitive: Int, CaseIterable, Comparable {
    static func < (a: Primitive, b: Primitive) -> Bool { a.rawValue < b.rawValue }

    case missing
    // Object
    case objectClass, objectSize, identical, hashcode, inspect, halt
    case perform, performWithArguments, performInSuperclass, performWithArgumentsInSuperclass
    case instVarAt, instVarAtPut, instVarNamed
    // Class
    case className, classNew, superclass, classFields, classMethods
    // Integer
    case integerPlus, integerMinus, integerTimes, integerDivide, integerFloorDivide, integerModulo, integerRemainder
    case integerAnd, integerShiftLeft, integerShiftRight, integerXor, integerSqrt, integerAtRandom, integerEquals
    case integerLess, integerAsString, integerAs32BitSigned, integerAs32BitUnsigned, integerAsDouble, integerFromString
    // Double
    case doublePlus, doubleMinus, doubleTimes, doubleDivide, doubleModulo, doubleSqrt, doubleRound, doubleAsInteger
    case doubleCos, doubleSin, doubleEquals, doubleLess, doubleAsString, doublePositiveInfinity, doubleFromString
    // String and Symbol
    case stringConcatenate, stringAsSymbol, stringHashcode, stringLength, stringIsWhiteSpace, stringIsLetters
    case stringIsDigits, stringEquals, stringSubstring, symbolAsString
    // Array
    case arrayAt, arrayAtPut, arrayLength, arrayNew
    // Blocks
    case blockValue, blockValue1, blockValue2, blockRestart
    // Method and Primitive
    case methodSignature, methodHolder, methodInvoke
    // System
    case systemGlobal, systemGlobalPut, systemHasGlobal, systemLoadFile, systemLoad, systemExit, systemPrintString
    case systemPrintNewline, systemErrorPrintln, systemErrorPrint, systemPrintStackTrace, systemTime, systemTicks
    case systemFullGC, systemGCStats, systemTotalCompilationTime

    static let table: [String: [String: Primitive]] = [
        "Object": ["class": .objectClass, "objectSize": .objectSize, "==": .identical, "hashcode": .hashcode,
                   "inspect": .inspect, "halt": .halt, "perform:": .perform,
                   "perform:withArguments:": .performWithArguments, "perform:inSuperclass:": .performInSuperclass,
                   "perform:withArguments:inSuperclass:": .performWithArgumentsInSuperclass,
                   "instVarAt:": .instVarAt, "instVarAt:put:": .instVarAtPut, "instVarNamed:": .instVarNamed],
        "Class": ["name": .className, "new": .classNew, "superclass": .superclass, "fields": .classFields,
                  "methods": .classMethods],
        "Integer": ["+": .integerPlus, "-": .integerMinus, "*": .integerTimes, "/": .integerDivide,
                    "//": .integerFloorDivide, "%": .integerModulo, "rem:": .integerRemainder, "&": .integerAnd,
                    "<<": .integerShiftLeft, ">>>": .integerShiftRight, "bitXor:": .integerXor, "sqrt": .integerSqrt,
                    "atRandom": .integerAtRandom, "=": .integerEquals, "<": .integerLess, "asString": .integerAsString,
                    "as32BitSignedValue": .integerAs32BitSigned, "as32BitUnsignedValue": .integerAs32BitUnsigned,
                    "asDouble": .integerAsDouble, "fromString:": .integerFromString],
        "Double": ["+": .doublePlus, "-": .doubleMinus, "*": .doubleTimes, "//": .doubleDivide, "%": .doubleModulo,
                   "sqrt": .doubleSqrt, "round": .doubleRound, "asInteger": .doubleAsInteger, "cos": .doubleCos,
                   "sin": .doubleSin, "=": .doubleEquals, "<": .doubleLess, "asString": .doubleAsString,
                   "PositiveInfinity": .doublePositiveInfinity, "fromString:": .doubleFromString],
        "String": ["concatenate:": .stringConcatenate, "asSymbol": .stringAsSymbol, "hashcode": .stringHashcode,
                   "length": .stringLength, "isWhiteSpace": .stringIsWhiteSpace, "isLetters": .stringIsLetters,
                   "isDigits": .stringIsDigits, "=": .stringEquals, "primSubstringFrom:to:": .stringSubstring],
        "Symbol": ["asString": .symbolAsString],
        "Array": ["at:": .arrayAt, "at:put:": .arrayAtPut, "length": .arrayLength, "new:": .arrayNew],
        "Block": ["value": .blockValue, "restart": .blockRestart],
        "Block1": ["value": .blockValue],
        "Block2": ["value:": .blockValue1],
        "Block3": ["value:with:": .blockValue2],
        "Method": ["signature": .methodSignature, "holder": .methodHolder, "invokeOn:with:": .methodInvoke],
        "Primitive": ["signature": .methodSignature, "holder": .methodHolder, "invokeOn:with:": .methodInvoke],
        "System": ["global:": .systemGlobal, "global:put:": .systemGlobalPut, "hasGlobal:": .systemHasGlobal,
                   "loadFile:": .systemLoadFile, "load:": .systemLoad, "exit:": .systemExit,
                   "printString:": .systemPrintString, "printNewline": .systemPrintNewline,
                   "errorPrintln:": .systemErrorPrintln, "errorPrint:": .systemErrorPrint,
                   "printStackTrace": .systemPrintStackTrace, "time": .systemTime, "ticks": .systemTicks,
                   "fullGC": .systemFullGC, "gcStats": .systemGCStats,
                   "totalCompilationTime": .systemTotalCompilationTime],
    ]

    /// The primitive of `selector` in the class named `className` (class-side names end in " class").
    static func named(className: String, selector: String) -> Primitive? {
        let base = className.hasSuffix(" class") ? String(className.dropLast(6)) : className
        return table[base]?[selector]
    }

    /// Methods the VM adds to a class when its source does not declare them.
    static let installed: [String: [String]] = ["System": ["gcStats", "totalCompilationTime"]]

    /// Whether the VM's primitive replaces the library's own method (the library's
    /// `System>>gcStats` answers zeros, for VMs that gather no statistics).
    static func overrides(className: String, selector: String) -> Bool {
        installed[className]?.contains(selector) ?? false
    }
}
