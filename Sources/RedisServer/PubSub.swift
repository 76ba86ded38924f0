// Publish and subscribe: a message goes to whoever listens right now, and is stored nowhere.
//
//     client A: SUBSCRIBE news   ──▶ channels["news"] = [A]
//     client B: PSUBSCRIBE n*    ──▶ patterns["n*"]   = [B]
//     client C: PUBLISH news hi  ──▶ A gets  message news hi
//                                    B gets  pmessage n* news hi        C gets :2 (two receivers)
//
// Two dictionaries hold it all: channel → subscribers, pattern → subscribers. PUBLISH looks the
// channel up once, then tries every pattern (a pattern cannot be looked up, only matched).
//
// In RESP2 a subscribed connection becomes a one-way stream of arrays: a message and the reply to
// a command look alike, so processCommand (Call.swift) lets such a client send only (P)SUBSCRIBE,
// (P)UNSUBSCRIBE, PING, QUIT and RESET. In RESP3 a message is a push (`>3`), a type no reply ever
// has, so the client can tell them apart and the connection stays usable for any command.
//
// Redis: subscribeCommand, unsubscribeCommand, psubscribeCommand, punsubscribeCommand,
// publishCommand, pubsubCommand, pubsubSubscribeChannel, pubsubUnsubscribeChannel,
// pubsubSubscribePattern, pubsubUnsubscribePattern, pubsubUnsubscribeAllChannels,
// pubsubUnsubscribeAllPatterns, pubsubPublishMessage, clientSubscriptionsCount (src/pubsub.c)
// SIMPLIFICATION: what one client subscribed to lives here, keyed by the client, not in
// c->pubsub_channels (a dict) and c->pubsub_patterns (a list) on the client; a client's channels
// keep the order it subscribed in, so UNSUBSCRIBE with no argument answers in that order, where
// Redis answers in its dict's hash order. PUBLISH is not propagated: Redis 6.2 sends it to
// replicas only (forceCommandPropagation with PROPAGATE_REPL), never to the AOF, and there are
// no replicas yet.

import RedisCore
import RedisKeyspace
import RedisRESP

/// Every subscription, seen from both sides.
/// Redis: server.pubsub_channels, server.pubsub_patterns_dict, c->pubsub_channels, c->pubsub_patterns
struct PubSubState {
    /// Subscribers of each channel, in the order they subscribed.
    var channels: [ByteString: [Client]] = [:]
    /// Subscribers of each pattern, in the order they subscribed.
    var patterns: [ByteString: [Client]] = [:]
    /// What each client subscribed to, in order.
    var clientChannels: [ObjectIdentifier: [ByteString]] = [:]
    var clientPatterns: [ObjectIdentifier: [ByteString]] = [:]

    /// Takes `name` out of the client's list and the client out of the name's subscribers, and
    /// drops either when it becomes empty; false when the client had no such subscription.
    mutating func remove(_ c: Client, _ name: ByteString,
                         mine: WritableKeyPath<PubSubState, [ObjectIdentifier: [ByteString]]>,
                         all: WritableKeyPath<PubSubState, [ByteString: [Client]]>) -> Bool {
        let id = ObjectIdentifier(c)
        guard let i = self[keyPath: mine][id]?.firstIndex(of: name) else { return false }
        self[keyPath: mine][id]?.remove(at: i)
        if self[keyPath: mine][id]?.isEmpty == true { self[keyPath: mine][id] = nil }
        self[keyPath: all][name]?.removeAll { $0 === c }
        if self[keyPath: all][name]?.isEmpty == true { self[keyPath: all][name] = nil }
        return true
    }
}

extension Server {
    /// Adds the pub/sub commands to the table, with 6.2's arity and flags.
    /// Redis: the subscribe … pubsub entries of redisCommandTable (src/server.c)
    func registerPubSubCommands() {
        unowned(unsafe) let s = self
        let t = commands
        t.register(RedisCommand("subscribe", -2, "pub-sub no-script ok-loading ok-stale", 0, 0, 0) { s.subscribeCommand($0, pattern: false) })
        t.register(RedisCommand("unsubscribe", -1, "pub-sub no-script ok-loading ok-stale", 0, 0, 0) { s.unsubscribeCommand($0, pattern: false) })
        t.register(RedisCommand("psubscribe", -2, "pub-sub no-script ok-loading ok-stale", 0, 0, 0) { s.subscribeCommand($0, pattern: true) })
        t.register(RedisCommand("punsubscribe", -1, "pub-sub no-script ok-loading ok-stale", 0, 0, 0) { s.unsubscribeCommand($0, pattern: true) })
        t.register(RedisCommand("publish", 3, "pub-sub ok-loading ok-stale fast may-replicate", 0, 0, 0) { s.publishCommand($0) })
        t.register(RedisCommand("pubsub", -2, "pub-sub ok-loading ok-stale random", 0, 0, 0) { s.pubsubCommand($0) })
    }

    /// Whether a subscribed RESP2 client may run `cmd`; QUIT never reaches the table.
    /// Redis: the CLIENT_PUBSUB test in processCommand (src/server.c)
    func allowedWhileSubscribed(_ cmd: RedisCommand) -> Bool {
        switch cmd.name {
        case "ping", "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "reset": return true
        default: return false
        }
    }

    // MARK: - Subscribing

    /// `kind, name, count`: the answer to each name of a (P)(UN)SUBSCRIBE, a push in RESP3; a
    /// null name when UNSUBSCRIBE had nothing to leave. The count is channels plus patterns.
    /// Redis: addReplyPubsubSubscribed, addReplyPubsubUnsubscribed, addReplyPubsubPatSubscribed,
    /// addReplyPubsubPatUnsubscribed (src/pubsub.c)
    func addReplySubscription(_ c: Client, _ kind: String, _ name: ByteString?) {
        c.addReplyPushLen(3)
        c.addReplyBulk(kind)
        if let name { c.addReplyBulk(name) } else { c.addReplyNull() }
        c.addReplyLongLong(Int64(c.channelCount + c.patternCount))
    }

    /// SUBSCRIBE channel [channel …], PSUBSCRIBE pattern [pattern …]: one answer per name, also
    /// for a name the client already has. Redis: subscribeCommand, psubscribeCommand,
    /// pubsubSubscribeChannel, pubsubSubscribePattern (src/pubsub.c)
    func subscribeCommand(_ c: Client, pattern: Bool) {
        let id = ObjectIdentifier(c)
        for name in c.argv[1...] {
            let before = c.channelCount + c.patternCount
            if pattern {
                if pubsub.clientPatterns[id]?.contains(name) != true {
                    pubsub.clientPatterns[id, default: []].append(name)
                    pubsub.patterns[name, default: []].append(c)
                    c.patternCount += 1
                }
            } else if pubsub.clientChannels[id]?.contains(name) != true {
                pubsub.clientChannels[id, default: []].append(name)
                pubsub.channels[name, default: []].append(c)
                c.channelCount += 1
            }
            // The flag is what CLIENT LIST shows (P) and what processCommand checks.
            c.flags.insert(.pubsub)
            if tracer.on(.cmd) {
                traceSubscription(c, pattern ? "psubscribe" : "subscribe", name, before: before,
                                  fn: pattern ? "pubsubSubscribePattern" : "pubsubSubscribeChannel")
            }
            addReplySubscription(c, pattern ? "psubscribe" : "subscribe", name)
        }
    }

    /// UNSUBSCRIBE [channel …], PUNSUBSCRIBE [pattern …]; with no names, all of the client's
    /// channels (patterns), and when it has none, one answer with a null name.
    /// Redis: unsubscribeCommand, punsubscribeCommand, pubsubUnsubscribeAllChannels,
    /// pubsubUnsubscribeAllPatterns (src/pubsub.c)
    func unsubscribeCommand(_ c: Client, pattern: Bool) {
        let kind = pattern ? "punsubscribe" : "unsubscribe"
        let id = ObjectIdentifier(c)
        var names = Array(c.argv.dropFirst())
        if names.isEmpty {
            names = (pattern ? pubsub.clientPatterns[id] : pubsub.clientChannels[id]) ?? []
            if names.isEmpty { addReplySubscription(c, kind, nil) }
        }
        for name in names {
            unsubscribe(c, name, pattern: pattern)
            addReplySubscription(c, kind, name)
        }
        if c.channelCount + c.patternCount == 0 { c.flags.remove(.pubsub) }
    }

    /// Removes one subscription, if `c` has it; a channel or pattern nobody listens to any more
    /// leaves the dictionary (so PUBSUB CHANNELS forgets it).
    /// Redis: pubsubUnsubscribeChannel, pubsubUnsubscribePattern (src/pubsub.c)
    func unsubscribe(_ c: Client, _ name: ByteString, pattern: Bool) {
        let before = c.channelCount + c.patternCount
        if pattern {
            guard pubsub.remove(c, name, mine: \.clientPatterns, all: \.patterns) else { return }
            c.patternCount -= 1
        } else {
            guard pubsub.remove(c, name, mine: \.clientChannels, all: \.channels) else { return }
            c.channelCount -= 1
        }
        if tracer.on(.cmd) {
            traceSubscription(c, pattern ? "punsubscribe" : "unsubscribe", name, before: before,
                              fn: pattern ? "pubsubUnsubscribePattern" : "pubsubUnsubscribeChannel")
        }
    }

    /// One trace line per subscription added or removed; the first one and the last one are
    /// the client's transitions between NORMAL and PUBSUB.
    func traceSubscription(_ c: Client, _ what: String, _ name: ByteString, before: Int, fn: StaticString) {
        let after = c.channelCount + c.patternCount
        let payload = "id=\(c.id) \(what) \(name) subscriptions=\(after)"
        if before == 0 && after > 0 {
            tracer.emit(.cmd, .state, payload, from: "NORMAL", to: "PUBSUB", fn: fn)
        } else if before > 0 && after == 0 {
            tracer.emit(.cmd, .state, payload, from: "PUBSUB", to: "NORMAL", fn: fn)
        } else {
            tracer.emit(.cmd, .event, payload, fn: fn)
        }
    }

    /// Every subscription of `c` ends, without a word to the client: when it goes away, and on
    /// RESET. Redis: pubsubUnsubscribeAllChannels(c,0), pubsubUnsubscribeAllPatterns(c,0) in
    /// freeClient and clearClientConnectionState
    func forgetSubscriptions(_ c: Client) {
        guard c.channelCount + c.patternCount > 0 else { return }
        let id = ObjectIdentifier(c)
        for name in pubsub.clientChannels[id] ?? [] { unsubscribe(c, name, pattern: false) }
        for name in pubsub.clientPatterns[id] ?? [] { unsubscribe(c, name, pattern: true) }
        c.flags.remove(.pubsub)
    }

    // MARK: - Publishing

    // snippet.publishMessage
    /// PUBLISH channel message: delivers to the channel's subscribers, then to the subscribers of
    /// every pattern that matches it, and answers how many deliveries that made (a client with a
    /// channel and a matching pattern counts, and receives, twice).
    /// Redis: publishCommand, pubsubPublishMessage (src/pubsub.c)
    func publishCommand(_ c: Client) {
        let channel = c.argv[1], message = c.argv[2]
        var receivers = 0
        for s in pubsub.channels[channel] ?? [] {
            s.addReplyPushLen(3)
            s.addReplyBulk("message")
            s.addReplyBulk(channel)
            s.addReplyBulk(message)
            receivers += 1
        }
        for (pattern, clients) in pubsub.patterns where channel.globMatch(pattern) {
            for s in clients {
                s.addReplyPushLen(4)
                s.addReplyBulk("pmessage")
                s.addReplyBulk(pattern)
                s.addReplyBulk(channel)
                s.addReplyBulk(message)
                receivers += 1
            }
        }
        if tracer.on(.cmd) {
            tracer.emit(.cmd, .event, "publish \(channel) \(message) receivers=\(receivers)", fn: "pubsubPublishMessage")
        }
        c.addReplyLongLong(Int64(receivers))
    }
    // snippet.end

    // MARK: - PUBSUB

    /// PUBSUB CHANNELS [pattern] | NUMSUB [channel …] | NUMPAT | HELP. Redis: pubsubCommand (src/pubsub.c)
    func pubsubCommand(_ c: Client) {
        let sub = c.argv[1]
        if c.argv.count == 2 && sub.equalsIgnoringCase("help") {
            c.addReplyHelp([
                "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "CHANNELS [<pattern>]",
                "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT",
                "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]",
                "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "HELP",
                "    Prints this help.",
            ])
        } else if sub.equalsIgnoringCase("channels") && (c.argv.count == 2 || c.argv.count == 3) {
            // Hash order, as in Redis: a client must not rely on it.
            let names = c.argv.count == 2 ? Array(pubsub.channels.keys)
                                          : pubsub.channels.keys.filter { $0.globMatch(c.argv[2]) }
            c.addReplyArrayLen(names.count)
            for n in names { c.addReplyBulk(n) }
        } else if sub.equalsIgnoringCase("numsub") {
            c.addReplyArrayLen((c.argv.count - 2) * 2)
            for ch in c.argv.dropFirst(2) {
                c.addReplyBulk(ch)
                c.addReplyLongLong(Int64(pubsub.channels[ch]?.count ?? 0))
            }
        } else if sub.equalsIgnoringCase("numpat") && c.argv.count == 2 {
            // Patterns, not subscriptions: two clients on one pattern count once (since 6.2;
            // 6.0 counted every client's subscription).
            c.addReplyLongLong(Int64(pubsub.patterns.count))
        } else {
            c.addReplySubcommandSyntaxError()
        }
    }
}

@available(*, unavailable, renamed: "Server.publishCommand")
func pubsubPublishMessage() {}

@available(*, unavailable, renamed: "Server.subscribeCommand")
func pubsubSubscribeChannel() {}

@available(*, unavailable, renamed: "Server.unsubscribe")
func pubsubUnsubscribeChannel() {}

@available(*, unavailable, renamed: "Server.forgetSubscriptions")
func pubsubUnsubscribeAllChannels() {}
