// splitQuotedArgs (Redis's sdssplitargs) and globMatch (Redis's stringmatchlen), case by case.

import XCTest
@testable import RedisCore

final class SplitArgsTests: XCTestCase {
    /// Splits a Swift string and returns the words as Swift strings (nil on a parse error).
    private func split(_ s: String) -> [String]? {
        splitQuotedArgs(Array(s.utf8))?.map { String(decoding: $0, as: UTF8.self) }
    }

    func testPlainWordsAndBlanks() {
        XCTAssertEqual(split("set key value"), ["set", "key", "value"])
        XCTAssertEqual(split("   leading  and   trailing   "), ["leading", "and", "trailing"])
        XCTAssertEqual(split("tab\tsep\r\nnl"), ["tab", "sep", "nl"])
        XCTAssertEqual(split(""), [])
        XCTAssertEqual(split("  \t "), [])
    }

    func testDoubleQuotesAndEscapes() {
        XCTAssertEqual(split(#""\x41""#), ["A"])
        XCTAssertEqual(split(#""\x41\x42c""#), ["ABc"])
        XCTAssertEqual(split(#""a b" c"#), ["a b", "c"])
        XCTAssertEqual(split(#""a\nb\rc\td\be\af\"g\\h\qi""#), ["a\nb\rc\td\u{8}e\u{7}f\"g\\hqi"])
        XCTAssertEqual(split(#""""#), [""])
        XCTAssertEqual(split(#"x "" y"#), ["x", "", "y"])
        // `\x` without two hex digits is just an escaped `x`.
        XCTAssertEqual(split(#""\x4g""#), ["x4g"])
        XCTAssertEqual(split(#""\x4""#), ["x4"])
        // A quote can open in the middle of a word: the word goes on inside it.
        XCTAssertEqual(split(#"ab"c d""#), ["abc d"])
    }

    func testHexEscapeProducesAnyByte() {
        XCTAssertEqual(splitQuotedArgs(Array(#""\xff\x00\x0D""#.utf8)), [[0xff, 0x00, 0x0d]])
    }

    func testSingleQuotes() {
        XCTAssertEqual(split(#"'it\'s' ok"#), ["it's", "ok"])
        // Only \' is an escape inside single quotes.
        XCTAssertEqual(split(#"'a\nb'"#), [#"a\nb"#])
        XCTAssertEqual(split(#"'say "hi"'"#), [#"say "hi""#])
        XCTAssertEqual(split("''"), [""])
    }

    func testUnbalancedQuotesAreErrors() {
        XCTAssertNil(split(#""unterminated"#))
        XCTAssertNil(split(#"'unterminated"#))
        XCTAssertNil(split(#"ok "trailing backslash\"#))
        XCTAssertNil(split(#"a "b\""#))
    }

    func testClosingQuoteMustBeFollowedBySpace() {
        XCTAssertNil(split(#""a"b"#))
        XCTAssertNil(split(#"'a'b"#))
        XCTAssertNil(split(#""a""b""#))
        XCTAssertEqual(split("\"a\"\tb"), ["a", "b"])
        XCTAssertEqual(split("'a'\nb"), ["a", "b"])
    }

    func testVerticalTabDoesNotEndAnUnquotedWord() {
        // In Redis 6.2's sdssplitargs (src/sds.c) an unquoted word ends only at ' ', '\n', '\r',
        // '\t' or '\0'; a vertical tab (0x0b) or form feed (0x0c) inside a word is part of it, so
        // "a<VT>b" is one argument. Guards that splitQuotedArgs keeps such a word whole.
        XCTAssertEqual(splitQuotedArgs([0x61, 0x0b, 0x62]), [[0x61, 0x0b, 0x62]])
        XCTAssertEqual(splitQuotedArgs([0x61, 0x0c, 0x62]), [[0x61, 0x0c, 0x62]])
        // Leading blanks, by contrast, are skipped with isspace(), which does include them.
        XCTAssertEqual(splitQuotedArgs([0x0b, 0x0c, 0x61]), [[0x61]])
    }
}

final class GlobMatchTests: XCTestCase {
    private func m(_ pattern: String, _ s: String, nocase: Bool = false) -> Bool {
        ByteString(s).globMatch(ByteString(pattern), noCase: nocase)
    }

    func testStar() {
        // Redis 6.2's stringmatchlen loops while both pattern and string are non-empty, so even
        // "*" does not match the empty string; KEYS and SCAN special-case a lone "*" instead.
        XCTAssertFalse(m("*", ""))
        XCTAssertTrue(m("a*", "a"))
        XCTAssertTrue(m("*", "anything"))
        XCTAssertTrue(m("h*llo", "hllo"))
        XCTAssertTrue(m("h*llo", "heeeello"))
        XCTAssertFalse(m("h*llo", "helloo"))
        XCTAssertTrue(m("a*b*c", "axxbyyc"))
        XCTAssertFalse(m("a*b*c", "axxbyy"))
        XCTAssertTrue(m("abc**", "abc"))
        XCTAssertTrue(m("**abc", "xabc"))
        XCTAssertTrue(m("user:*", "user:1000"))
        XCTAssertFalse(m("user:*", "users:1000"))
    }

    func testExactAndEmpty() {
        XCTAssertTrue(m("", ""))
        XCTAssertFalse(m("", "a"))
        XCTAssertFalse(m("a", ""))
        XCTAssertFalse(m("abc", "ab"))
        XCTAssertFalse(m("ab", "abc"))
        XCTAssertTrue(m("abc", "abc"))
    }

    func testQuestionMark() {
        XCTAssertTrue(m("h?llo", "hello"))
        XCTAssertTrue(m("h?llo", "hallo"))
        XCTAssertFalse(m("h?llo", "hllo"))
        XCTAssertFalse(m("?", ""))
        XCTAssertTrue(m("???", "abc"))
    }

    func testBrackets() {
        XCTAssertTrue(m("h[ae]llo", "hello"))
        XCTAssertTrue(m("h[ae]llo", "hallo"))
        XCTAssertFalse(m("h[ae]llo", "hillo"))
        XCTAssertTrue(m("h[^e]llo", "hallo"))
        XCTAssertTrue(m("h[^e]llo", "hbllo"))
        XCTAssertFalse(m("h[^e]llo", "hello"))
        XCTAssertTrue(m("h[a-b]llo", "hallo"))
        XCTAssertTrue(m("h[a-b]llo", "hbllo"))
        XCTAssertFalse(m("h[a-b]llo", "hcllo"))
        XCTAssertTrue(m("[a-z]", "q"))
        XCTAssertFalse(m("[a-z]", "Q"))
        XCTAssertTrue(m("[z-a]", "m"))          // a reversed range is swapped, as in Redis
        XCTAssertTrue(m("[^a-c]x", "dx"))
        XCTAssertFalse(m("[^a-c]x", "bx"))
        XCTAssertTrue(m("[abc", "a"))           // an unterminated class still matches its members
        XCTAssertFalse(m("[abc", "d"))
        XCTAssertTrue(m("[\\]]", "]"))          // an escaped ']' inside a class
        XCTAssertTrue(m("[a\\-z]", "-"))
        XCTAssertFalse(m("[a\\-z]", "b"))
    }

    func testEscapes() {
        XCTAssertTrue(m("\\*", "*"))
        XCTAssertFalse(m("\\*", "a"))
        XCTAssertTrue(m("h\\?llo", "h?llo"))
        XCTAssertFalse(m("h\\?llo", "hello"))
        XCTAssertTrue(m("\\[a]", "[a]"))
        XCTAssertTrue(m("a\\", "a\\"))          // a trailing backslash matches itself
    }

    func testNoCase() {
        XCTAssertFalse(m("h*O", "HELLO"))
        XCTAssertTrue(m("h*O", "HELLO", nocase: true))
        XCTAssertTrue(m("[A-Z]", "q", nocase: true))
        XCTAssertTrue(m("[abc]", "B", nocase: true))
        XCTAssertFalse(m("[abc]", "B"))
        XCTAssertTrue(m("MAXCLIENTS", "maxclients", nocase: true))
    }

    func testBinarySafe() {
        let s = ByteString([0x00, 0xff, 0x0d, 0x0a])
        XCTAssertTrue(s.globMatch(ByteString([0x00, UInt8(ascii: "*")])))
        XCTAssertTrue(s.globMatch(ByteString([UInt8(ascii: "?"), 0xff, UInt8(ascii: "?"), 0x0a])))
        XCTAssertFalse(s.globMatch(ByteString([0x01, UInt8(ascii: "*")])))
    }

    func testPathologicalPatternIsFast() {
        // Since Redis 6.2.11 (CVE-2022-36021, stringmatchlen's `skipLongerMatches` in
        // src/util.c), once the rest of a pattern after a `*` has failed to match at every later
        // position, no earlier `*` can help and the match gives up at once, so it takes ~k*n
        // steps. Guards that a pattern like "a*a*a*a*a*a*b" against a run of "a"s stays fast
        // (no exponential KEYS or SCAN MATCH) and that the cut-off loses no real match.
        let pattern = ByteString(String(repeating: "a*", count: 6) + "b")
        let s = ByteString(String(repeating: "a", count: 40))
        let clock = Clock()
        let start = clock.monotonicSeconds()
        XCTAssertFalse(s.globMatch(pattern))
        XCTAssertLessThan(clock.monotonicSeconds() - start, 0.05)
        // The cut-off must not lose real matches.
        XCTAssertTrue(ByteString("aaaaaaaaaab").globMatch(pattern))
        XCTAssertTrue(ByteString("xaybzc").globMatch(ByteString("*a*b*c")))
        XCTAssertFalse(ByteString("xaybzd").globMatch(ByteString("*a*b*c")))
    }
}

