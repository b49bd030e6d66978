import Devices
import Machine
import Options
import UserNet

/// One NIC and its user-mode network: frames from libslirp's thread go to the
/// device's inbox and wake the CPU thread (its host event delivers them).
public final class NetLink: @unchecked Sendable {
    public let device: VirtioNet
    public private(set) var network: SlirpNetwork?

    init(device: VirtioNet) { self.device = device }

    func connect(_ n: SlirpNetwork) { network = n }
}

/// User-mode networking (virtio-net over libslirp) on the virt board:
/// `-nic user` makes a virtio-net-pci NIC, as on QEMU's virt.
extension VirtMachine {
    /// QEMU's first MAC address; the n-th NIC gets the last byte + n.
    static let defaultMAC: [UInt8] = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56]

    /// A virtio-net device on `netdev`'s user network (no network: a NIC
    /// whose frames go nowhere, as QEMU's without a netdev).
    func netDevice(_ netdev: NetdevOption?, mac: [UInt8]?) throws -> VirtioNet {
        var address = mac ?? VirtMachine.defaultMAC
        if mac == nil { address[5] &+= UInt8(truncatingIfNeeded: hostDevices.netLinks.count) }
        let interrupts = cpu.interrupts
        // The device's transmit goes to the network, the network's frames to the device.
        let slot = NetLinkSlot()
        let link = NetLink(device: VirtioNet(mac: address) { slot.link?.network?.send($0) })
        slot.link = link
        if let netdev {
            let forwards = netdev.forwards.map {
                HostForward(udp: $0.udp, hostAddress: $0.hostAddress, hostPort: $0.hostPort,
                            guestAddress: $0.guestAddress, guestPort: $0.guestPort)
            }
            do {
                link.connect(try SlirpNetwork(forwards: forwards) { frame in
                    link.device.receive(frame)
                    interrupts.postHostEvent()
                })
            } catch let e as SlirpError {
                throw BoardError("\(netdev.context): \(e.description)")
            }
        }
        hostDevices.netLinks.append(link)
        return link.device
    }
}

/// The link a device's transmit closure reaches once it exists.
private final class NetLinkSlot: @unchecked Sendable {
    var link: NetLink?
}
