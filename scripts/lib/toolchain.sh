# Sourced by the build scripts: find_tool NAME prints the path of an LLVM tool
# (clang, ld.lld, llvm-objcopy...) of the Swift toolchain, else of PATH; it
# exits the script with a message when there is none. Set TOOL_USER to the
# script's name for the message.
find_tool() {
    local name="$1"
    if command -v swiftc >/dev/null 2>&1; then
        local d; d="$(dirname "$(command -v swiftc)")"
        if [ -x "$d/$name" ]; then echo "$d/$name"; return; fi
    fi
    if [ -x "/opt/swift/usr/bin/$name" ]; then echo "/opt/swift/usr/bin/$name"; return; fi
    command -v "$name" || { echo "${TOOL_USER:-build}: cannot find $name" >&2; exit 1; }
}
