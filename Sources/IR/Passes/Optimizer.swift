/// The pass pipeline run on every block before it is interpreted or compiled.
public enum Optimizer {
    public static func run(_ block: inout IRBlock) {
        GetSetForwarding.run(&block)
        ConstantFolding.run(&block)
        DeadCodeElimination.run(&block)
    }
}
