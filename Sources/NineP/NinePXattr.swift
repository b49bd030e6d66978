import CNineP
import Glibc

/// A fid turned into an xattr by Txattrwalk (the value or the name list, read
/// with Tread) or Txattrcreate (the value, written with Twrite and set at Tclunk).
enum NinePXattrState {
    case read([UInt8])
    case write(name: String, size: Int, flags: Int32, value: [UInt8], copied: Int)
}

extension NinePServer {
    /// XATTR_SIZE_MAX: the largest value Linux passes.
    static let maxXattrSize = 65536

    /// Whether the guest may see or set the xattr `name`: under the mapped
    /// models the user.virtfs.* ones are the server's own.
    func isGuestXattr(_ name: String) -> Bool {
        !(security.isMapped && name.hasPrefix(MappedXattr.prefix))
    }

    func xattrwalk(_ r: inout NinePReader, _ w: inout NinePWriter) throws {
        let f = try fid(&r)
        let newNumber = try r.u32()
        let name = try r.string()
        guard newNumber != NinePServer.noFid, fids[newNumber] == nil else { throw NinePError(EBADF) }
        let value: [UInt8] = try root.withParent(f.path) { dir, last in
            let path = procPath(dir, last)
            var buf = [UInt8](repeating: 0, count: NinePServer.maxXattrSize)
            if name.isEmpty {
                let n = buf.withUnsafeMutableBytes { llistxattr(path, $0.baseAddress, $0.count) }
                guard n >= 0 else { throw NinePError.last }
                // The list is NUL-terminated names; the server's own are left out.
                let names = buf[0..<n].split(separator: 0, omittingEmptySubsequences: true)
                return names.filter { isGuestXattr(String(decoding: $0, as: UTF8.self)) }
                    .flatMap { Array($0) + [0] }
            }
            guard isGuestXattr(name) else { throw NinePError(ENODATA) }
            let n = buf.withUnsafeMutableBytes { lgetxattr(path, name, $0.baseAddress, $0.count) }
            guard n >= 0 else { throw NinePError.last }
            return Array(buf[0..<n])
        }
        let x = NinePFid(path: f.path, uid: f.uid)
        x.xattr = .read(value)
        fids[newNumber] = x
        w.u64(UInt64(value.count))
    }

    func xattrcreate(_ r: inout NinePReader) throws {
        let f = try fid(&r)
        let name = try r.string()
        let size = try r.u64()
        let flags = try r.u32()
        try requireWritable()
        guard f.fd < 0, f.xattr == nil else { throw NinePError(EBADF) }
        guard size <= UInt64(NinePServer.maxXattrSize) else { throw NinePError(E2BIG) }
        guard !name.isEmpty else { throw NinePError(EINVAL) }
        guard isGuestXattr(name) else { throw NinePError(EACCES) }
        // XATTR_CREATE (1) and XATTR_REPLACE (2) as the host's setxattr takes them.
        f.xattr = .write(name: name, size: Int(size), flags: Int32(flags & 3),
                         value: [UInt8](repeating: 0, count: Int(size)), copied: 0)
    }

    /// At Tclunk of a Txattrcreate fid: sets the value written (or removes the
    /// xattr for a value of size 0), EINVAL if fewer bytes came than announced.
    func finishXattrWrite(_ f: NinePFid) throws {
        guard case .write(let name, let size, let flags, let value, let copied) = f.xattr else { return }
        f.xattr = nil
        guard copied == size else { throw NinePError(EINVAL) }
        try root.withParent(f.path) { dir, last in
            let path = procPath(dir, last)
            if size == 0 {
                try check(lremovexattr(path, name))
            } else {
                try check(lsetxattr(path, name, value, size, flags))
            }
        }
    }
}
