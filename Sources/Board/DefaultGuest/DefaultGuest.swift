/// The built-in demo guest (firmware/, embedded as `defaultGuestELF`): EL3
/// firmware, an RMM at Realm EL2 and three realms with their own MECIDs. It
/// needs EL3, EL2, FEAT_RME, FEAT_MEC and the MEC tags, so a run without
/// -kernel uses these options unless -M / -cpu are given.
public enum DefaultGuest {
    /// `-M` when no -kernel (and no -M) is given.
    public static let machine = "virt,secure=on,virtualization=on,mec=on"
    /// `-cpu` when no -kernel (and no -cpu) is given.
    public static let cpu = "max,x-rme=on"
}
