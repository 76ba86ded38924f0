// What the interop tests share: finding the real Redis tools (a skip, or a failure under
// SWIFT_REDIS_INTEROP=require, when one is missing), starting our server, and cleaning up.

import Foundation
import RedisCore
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

class InteropTestCase: ProcessTestCase {
    /// The path of a real Redis tool; skips the test (or fails it, when interop is required)
    /// if it is not installed.
    func tool(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        if let path = Interop.find(name) { return path }
        let message = "\(name) is not installed (apt-get install redis-server redis-tools)"
        if Interop.required {
            XCTFail(message + " and SWIFT_REDIS_INTEROP=require", file: file, line: line)
            throw TestSupportError(message)
        }
        throw XCTSkip(message)
    }
}
