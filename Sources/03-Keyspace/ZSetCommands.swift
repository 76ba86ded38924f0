// PLACEHOLDER: the zset commands arrive with their slice of issue 3.

import RedisCore
import RedisRESP

extension Keyspace {
    func registerZSetCommands(_ t: CommandTable) {
    }
}
