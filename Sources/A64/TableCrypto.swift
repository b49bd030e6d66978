/// Cryptographic extensions (Arm ARM C4.1.96): AES, SHA1, SHA256 (FEAT_AES,
/// FEAT_SHA1, FEAT_SHA256), SHA512 and SHA3 (EOR3, RAX1, XAR, BCAX). PMULL is
/// in the three-different group.
extension A64Decoder {
    private static func L(_ p: String, _ op: A64Op, _ mn: String, _ form: A64Form) -> A64Encoding {
        A64Encoding(p, op, mn, form)
    }

    //                    3         2         1         0
    //                   10987654321098765432109876543210
    static let cryptoTable: [A64Encoding] = [
        L("0100111000101000010010xxxxxxxxxx", .aese, "aese", .aes),
        L("0100111000101000010110xxxxxxxxxx", .aesd, "aesd", .aes),
        L("0100111000101000011010xxxxxxxxxx", .aesmc, "aesmc", .aes),
        L("0100111000101000011110xxxxxxxxxx", .aesimc, "aesimc", .aes),
        L("01011110000xxxxx000000xxxxxxxxxx", .sha1c, "sha1c", .sha3Q),
        L("01011110000xxxxx000100xxxxxxxxxx", .sha1p, "sha1p", .sha3Q),
        L("01011110000xxxxx001000xxxxxxxxxx", .sha1m, "sha1m", .sha3Q),
        L("01011110000xxxxx001100xxxxxxxxxx", .sha1su0, "sha1su0", .sha3V),
        L("01011110000xxxxx010000xxxxxxxxxx", .sha256h, "sha256h", .sha3QQ),
        L("01011110000xxxxx010100xxxxxxxxxx", .sha256h2, "sha256h2", .sha3QQ),
        L("01011110000xxxxx011000xxxxxxxxxx", .sha256su1, "sha256su1", .sha3V),
        L("0101111000101000000010xxxxxxxxxx", .sha1h, "sha1h", .sha2S),
        L("0101111000101000000110xxxxxxxxxx", .sha1su1, "sha1su1", .sha2V),
        L("0101111000101000001010xxxxxxxxxx", .sha256su0, "sha256su0", .sha2V),
        L("11001110011xxxxx100000xxxxxxxxxx", .sha512h, "sha512h", .sha512QQ),
        L("11001110011xxxxx100001xxxxxxxxxx", .sha512h2, "sha512h2", .sha512QQ),
        L("11001110011xxxxx100010xxxxxxxxxx", .sha512su1, "sha512su1", .sha512V3),
        L("11001110011xxxxx100011xxxxxxxxxx", .rax1, "rax1", .sha512V3),
        L("1100111011000000100000xxxxxxxxxx", .sha512su0, "sha512su0", .sha512V2),
        L("11001110000xxxxx0xxxxxxxxxxxxxxx", .eor3, "eor3", .four16B),
        L("11001110001xxxxx0xxxxxxxxxxxxxxx", .bcax, "bcax", .four16B),
        L("11001110100xxxxxxxxxxxxxxxxxxxxx", .xar, "xar", .xar),
    ]
}
