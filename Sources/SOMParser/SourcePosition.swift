// Where a token or a syntax node starts in its source text.
//
// Lines and columns are 1-based, as editors and compilers print them. A
// column counts Unicode scalars, not bytes, so that a position after an `é`
// in a string or a comment still points at the right character; a tab counts
// as one column. The byte offset is kept as well, because a VM that wants to
// show a source excerpt or slice the method's text needs it, and because it
// lets the parser tell whether two tokens touch (no blank between them).

/// A place in a SOM source text: 1-based line and column, 0-based UTF-8 offset.
public struct SourcePosition: Hashable, Sendable, CustomStringConvertible {
    /// The 1-based line number; lines end at `\n` (a `\r\n` ends one line).
    public var line: Int
    /// The 1-based column, counted in Unicode scalars from the start of the line.
    public var column: Int
    /// The 0-based offset in the UTF-8 bytes of the source.
    public var offset: Int

    /// A position from its parts.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// The start of a text: line 1, column 1, offset 0.
    public static let start = SourcePosition(line: 1, column: 1, offset: 0)

    /// `line:column`, the form used in error messages after the file name.
    public var description: String { "\(line):\(column)" }
}
