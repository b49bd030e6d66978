# Sourced by the setup-*.sh scripts that take Debian packages without touching the
# system: apt runs with a private configuration (its own source list, lists and
# cache under one folder) only to download .deb files, unpacked with dpkg -x.
#
#   private_apt_init NAME DIR SUITE [ARCH]  -> sets PRIVATE_APT_OPTS, runs `update`
#   private_apt_download NAME DIR PKG...    -> the .deb files into DIR/deb
#   setup_tools NAME TOOL...                -> die() for NAME's errors; each TOOL on PATH
#   arm64_image VMLINUZ OUT                 -> the arm64 Image in a Debian vmlinuz, into OUT
# NAME prefixes the one-line errors; a failure exits 1.

setup_tools() {
    SETUP_NAME="$1"; shift
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || die "$tool is missing (apt-get install $tool)"
    done
}

die() { echo "$SETUP_NAME: $*" >&2; exit 1; }

private_apt_init() {
    local name="$1" dir="$2" suite="$3" arch="${4:-}"
    rm -rf "$dir"
    mkdir -p "$dir/sources" "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/deb"
    cat > "$dir/sources/debian.sources" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    PRIVATE_APT_OPTS=(-o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts="$dir/sources"
                      -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache"
                      -o Dir::State::status=/dev/null
                      -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)")
    if [ -n "$arch" ]; then
        PRIVATE_APT_OPTS+=(-o APT::Architecture="$arch" -o APT::Architectures="$arch")
    fi
    apt-get -qq "${PRIVATE_APT_OPTS[@]}" update >/dev/null 2>&1 \
        || { echo "$name: cannot reach Debian $suite (apt-get update failed)" >&2; exit 1; }
}

private_apt_download() {
    local name="$1" dir="$2"; shift 2
    local pkg
    for pkg in "$@"; do
        (cd "$dir/deb" && apt-get -qq "${PRIVATE_APT_OPTS[@]}" download "$pkg" >/dev/null 2>&1) \
            || { echo "$name: download of $pkg failed" >&2; exit 1; }
    done
}

# The first package a (meta)package depends on, e.g. linux-image-cloud-arm64 ->
# linux-image-6.1.0-NN-cloud-arm64.
private_apt_first_depend() {
    apt-cache "${PRIVATE_APT_OPTS[@]}" depends "$1" 2>/dev/null \
        | awk '/^ *Depends:/ { print $2; exit }'
}

# Debian's arm64 vmlinuz is the Image itself (an EFI-stub Image); some builds gzip it.
arm64_image() {
    local vmlinuz="$1" out="$2"
    if [ "$(od -An -tx1 -N2 "$vmlinuz" | tr -d ' ')" = 1f8b ]; then
        gzip -dc "$vmlinuz" > "$out" || die "$vmlinuz: corrupt gzip data"
    else
        cp "$vmlinuz" "$out"
    fi
    # An arm64 Image has "ARM\x64" at offset 56 (Documentation/arch/arm64/booting.rst).
    [ "$(dd if="$out" bs=1 skip=56 count=4 2>/dev/null | od -An -c | tr -d ' ')" = 'ARMd' ] \
        || die "$vmlinuz does not hold an arm64 Image"
}
