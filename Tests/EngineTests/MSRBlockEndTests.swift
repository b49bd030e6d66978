import XCTest
@testable import Lift
@testable import Machine

/// `MSRBlockRule.keepsBlock`: the MSRs after which a block goes on change
/// nothing a block depends on, at every EL and through FEAT_VHE's
/// redirections; every other MSR ends the block.
final class MSRBlockEndTests: XCTestCase {
    private func key(_ name: String) -> UInt32 { SysRegTable.all[SysRegTable.slot(name).slot].key }
    private func exists(_ name: String) -> Bool { SysRegTable.all.contains { $0.name == name } }

    func testWhichMSRsEndTheBlock() {
        let keeps = ["TPIDR_EL0", "TPIDRRO_EL0", "TPIDR_EL1", "TPIDR_EL2", "ELR_EL1", "SPSR_EL1", "ELR_EL2", "SPSR_EL2",
                     "ESR_EL1", "ESR_EL2", "FAR_EL1", "FAR_EL2", "HPFAR_EL2", "AFSR0_EL1", "PAR_EL1", "VBAR_EL1", "VBAR_EL2",
                     "CONTEXTIDR_EL1", "CONTEXTIDR_EL2", "CSSELR_EL1", "CNTKCTL_EL1", "CNTHCTL_EL2", "CNTVOFF_EL2",
                     "CNTV_CVAL_EL0", "CNTV_CTL_EL0", "CNTV_TVAL_EL0", "CNTP_CVAL_EL0", "CNTP_CTL_EL0",
                     "CNTHP_CVAL_EL2", "CNTHV_CTL_EL2"]
        for name in keeps { XCTAssertTrue(exists(name), name); XCTAssertTrue(MSRBlockRule.keepsBlock(key(name)), name) }
        let ends = ["SP_EL0", "SP_EL1", "SP_EL2", "NZCV", "DAIF", "SPSel", "PAN", "CPACR_EL1", "CPTR_EL2", "CPTR_EL3",
                    "HCR_EL2", "SCR_EL3", "MDSCR_EL1", "MDCR_EL2", "SCTLR_EL1", "SCTLR_EL2", "SCTLR_EL3", "TTBR0_EL1",
                    "TCR_EL2", "VTTBR_EL2", "VTCR_EL2", "MAIR_EL1", "FPCR", "FPSR", "ELR_EL3", "SPSR_EL3", "VBAR_EL3"]
        for name in ends where exists(name) {
            XCTAssertFalse(MSRBlockRule.keepsBlock(key(name)), name)
        }
        // No register the translations depend on keeps the block.
        for def in SysRegTable.all where def.affectsTranslation {
            XCTAssertFalse(MSRBlockRule.keepsBlock(def.key), def.name)
        }
        // Under VHE an encoding that keeps the block reaches a register that would too.
        for (from, to) in VHERegisters.redirects where MSRBlockRule.keepsBlock(key(from)) {
            XCTAssertTrue(MSRBlockRule.keepsBlock(key(to)), "\(from) reaches \(to) at EL2 with E2H")
            XCTAssertTrue(MSRBlockRule.keepsBlock(VHERegisters.aliasKey(of: key(from))), "\(from)'s EL12/EL02 alias")
        }
    }
}
