import Glibc

// armature: the command line. See CLI.swift.
exit(CLI.main(Array(CommandLine.arguments.dropFirst())))
