// HELLO: the first command a modern client sends. It picks the protocol the connection speaks
// from now on (RESP2 or RESP3), may authenticate and name the client in the same round trip, and
// answers with a map that describes the server.
//
//     > HELLO 3 AUTH default secret SETNAME app
//     < %7  server redis  version 6.2.14  proto 3  id 5  mode standalone  role master  modules []
//
// HELLO runs before AUTH (it has the no-auth flag), so that a client can authenticate inside it;
// but without AUTH it still needs an authenticated connection before it switches anything.
//
// Redis: helloCommand, clientSetNameOrReply (src/networking.c), authCommand, ACLAuthenticateUser
// (src/acl.c)
// SIMPLIFICATION: Redis 6.2 has ACL users; we have the one `default` user, whose password is
// `requirepass` (no password: any password is accepted for `default`, as with 6.2's `nopass`).

import RedisCore
import RedisKeyspace
import RedisRESP

extension Err {
    /// HELLO with a version other than 2 or 3. Redis: helloCommand (src/networking.c)
    static let noProto = "NOPROTO unsupported protocol version"
    /// HELLO's version is not a number. Redis: helloCommand (src/networking.c)
    static let protoNotInteger = "ERR Protocol version is not an integer or out of range"
    /// A failed AUTH or HELLO AUTH. Redis: authCommand, helloCommand (src/acl.c, src/networking.c)
    static let wrongPass = "WRONGPASS invalid username-password pair or user is disabled."
    /// HELLO on a connection that has not authenticated. Redis: helloCommand (src/networking.c)
    static let helloNoAuth = "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"
    /// CLIENT SETNAME or HELLO SETNAME with a space or a control character.
    /// Redis: clientSetNameOrReply (src/networking.c)
    static let badClientName = "ERR Client names cannot contain spaces, newlines or special characters."
}

extension Server {
    /// True when `password` opens `user`: the only user is `default`, and its password is
    /// `requirepass` (none set: every password). Redis: ACLAuthenticateUser, ACLCheckUserCredentials
    func checkCredentials(user: ByteString, password: ByteString) -> Bool {
        guard user == ByteString("default") else { return false }
        return config.requirepass.isEmpty || password == ByteString(config.requirepass)
    }

    /// Sets the client's name, or answers the error and returns false. An empty name removes it.
    /// Redis: clientSetNameOrReply (src/networking.c)
    func setClientName(_ c: Client, _ name: ByteString) -> Bool {
        if name.isEmpty { c.name = nil; return true }
        // Only printable ASCII without spaces: CLIENT LIST must stay one parsable line.
        let printable = name.withUnsafeBytes { $0.allSatisfy { $0 >= UInt8(ascii: "!") && $0 <= UInt8(ascii: "~") } }
        if !printable { c.addReplyError(Err.badClientName); return false }
        c.name = name
        return true
    }

    /// HELLO [protover [AUTH username password] [SETNAME clientname]].
    /// Redis: helloCommand (src/networking.c)
    func helloCommand(_ c: Client) {
        var version = 0
        var next = 1
        if c.argv.count >= 2 {
            guard let v = c.argv[1].int64Value else { c.addReplyError(Err.protoNotInteger); return }
            guard v == 2 || v == 3 else { c.addReplyError(Err.noProto); return }
            version = Int(v)
            next = 2
        }
        var j = next
        while j < c.argv.count {
            let more = c.argv.count - 1 - j
            let opt = c.argv[j]
            if opt.equalsIgnoringCase("auth") && more >= 2 {
                guard checkCredentials(user: c.argv[j + 1], password: c.argv[j + 2]) else {
                    c.addReplyError(Err.wrongPass); return
                }
                c.flags.insert(.authenticated)
                j += 3
            } else if opt.equalsIgnoringCase("setname") && more >= 1 {
                guard setClientName(c, c.argv[j + 1]) else { return }
                j += 2
            } else {
                c.addReplyError("ERR Syntax error in HELLO option '\(opt.stringValue)'"); return
            }
        }
        guard c.flags.contains(.authenticated) else { c.addReplyError(Err.helloNoAuth); return }

        // From here on every reply to this client is written in the chosen protocol,
        // starting with this one: HELLO 3 answers with a RESP3 map.
        if version != 0 {
            if tracer.on(.net) && c.resp != version {
                tracer.emit(.net, .state, "id=\(c.id) protocol", from: "RESP\(c.resp)", to: "RESP\(version)", fn: "helloCommand")
            }
            c.resp = version
        }
        c.addReplyMapLen(7)
        c.addReplyBulk("server"); c.addReplyBulk("redis")
        c.addReplyBulk("version"); c.addReplyBulk(Server.redisVersion)
        c.addReplyBulk("proto"); c.addReplyLongLong(Int64(c.resp))
        c.addReplyBulk("id"); c.addReplyLongLong(Int64(c.id))
        c.addReplyBulk("mode"); c.addReplyBulk("standalone")
        c.addReplyBulk("role"); c.addReplyBulk("master")
        // No modules can be loaded: an empty array. Redis: addReplyLoadedModules (src/module.c)
        c.addReplyBulk("modules"); c.addReplyArrayLen(0)
    }
}
