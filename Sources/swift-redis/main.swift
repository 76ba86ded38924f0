// swift-redis: the project's tools behind one command, `git`-style.
//
//     swift-redis walk [--check|--update|--step] FILE...   play a walkthrough
//     swift-redis book check|sync [--root DIR]             keep Chapters/ and Sources/ one
//     swift-redis check-aof [--fix [--yes]] FILE           check (and cut) an AOF, like redis-check-aof
//     swift-redis help
//
// This file is only the dispatch table; each tool lives in the RedisTools library, where the
// tests call it directly. A later chapter adds its tool (check-aof, check-rdb) as one more row.
//
// Redis: redis-server picks redis-check-aof / redis-check-rdb by argv[0] (main in src/server.c).

import RedisTools
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every subcommand, in the order `help` lists them.
let commands: [ToolCommand] = [
    WalkCommand.command,
    BookCommand.command,
    CheckAOFCommand.command,
]

/// Prints the usage of every subcommand.
func help(_ console: Console) {
    console.line("usage: swift-redis COMMAND [ARGS...]")
    console.line()
    for c in commands {
        console.line("  " + c.usage)
        console.line("      " + c.summary)
    }
    console.line("  help")
    console.line("      show this list")
}

let console = Console()
let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, name != "help", name != "--help", name != "-h" else {
    help(console)
    exit(arguments.isEmpty ? 1 : 0)
}
guard let command = commands.first(where: { $0.name == name }) else {
    console.line("swift-redis: unknown command '\(name)'")
    help(console)
    exit(1)
}
exit(command.run(Array(arguments.dropFirst()), console))
