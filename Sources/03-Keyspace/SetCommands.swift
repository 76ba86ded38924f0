// PLACEHOLDER: the set commands arrive with their slice of issue 3.

import RedisCore
import RedisRESP

extension Keyspace {
    func registerSetCommands(_ t: CommandTable) {
    }
}
