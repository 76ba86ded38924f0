// The set type's storage. PLACEHOLDER: the sets slice of issue 3 replaces this file.
// Contract the rest of the server relies on: `count`, `encoding`, `forEach` in Redis's order.

import RedisCore

/// A set value, mutated in place. Redis: OBJ_SET (src/t_set.c)
public final class SetValue {
    var members: [ByteString] = []
    public init() {}
    /// Number of members. Redis: setTypeSize
    public var count: Int { members.count }
    /// What OBJECT ENCODING answers.
    public var encoding: String { "hashtable" }
    /// Every member, in the order SMEMBERS lists them.
    public func forEach(_ body: (ByteString) -> Void) { for m in members { body(m) } }
}
