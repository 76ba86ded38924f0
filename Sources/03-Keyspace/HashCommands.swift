// PLACEHOLDER: the hash commands arrive with their slice of issue 3.

import RedisCore
import RedisRESP

extension Keyspace {
    func registerHashCommands(_ t: CommandTable) {
    }
}
