// Reading maps out of parsed replies, whichever protocol carried them: a RESP3 map (`%`) and a
// RESP2 flat array of keys and values (what addReplyMapLen sends a RESP2 client) give the same
// pairs, so one assertion checks a reply in both protocols.

/// A key and its value, from a map reply.
public struct RESPPair {
    public let key: String
    public let value: RESPValue
}

extension RESPValue {
    /// The key-value pairs of a map (`%`) or of a flat array of even length, in order; nil for
    /// anything else or when a key is not a string.
    public var pairs: [RESPPair]? {
        let flat: [RESPValue]
        switch self {
        case .map(let kv): flat = kv
        case .array(let a?) where a.count % 2 == 0: flat = a
        default: return nil
        }
        var out: [RESPPair] = []
        for i in stride(from: 0, to: flat.count, by: 2) {
            guard let k = flat[i].string else { return nil }
            out.append(RESPPair(key: k, value: flat[i + 1]))
        }
        return out
    }

    /// The elements of an array, a set or a push; nil for anything else.
    public var elements: [RESPValue]? {
        switch self {
        case .array(let a?), .set(let a), .push(let a): return a
        default: return nil
        }
    }
}
