package org.sargan.eval;

/**
 * Every number one evaluation produces (definitions in {@link Report}). Per-class arrays are indexed by the
 * target expression. "copy" is the do-nothing baseline: the unedited source scored against the same ground
 * truth, the number an edit has to beat.
 *
 * @param edits             (source, target) pairs evaluated, target != source expression
 * @param paired            whether ground truth existed for some pair
 * @param psnr              edit vs ground truth
 * @param cyclePsnr         G(G(x, target), source) vs x
 * @param generated         confusion counts [target][predicted] of the edits
 * @param real              confusion counts [label][predicted] of the real images (the classifier's own accuracy)
 * @param ownDistance       identity distance of each edit to its own source (mean)
 * @param otherDistance     of each edit to other identities' sources with the source's expression (mean)
 * @param identityAuc       P(own < other) over all pairs
 * @param realIdentityAuc   the same between real images (same person, other expression vs other people); NaN when
 *                          unpaired
 * @param frechet           all edits vs all real images, in classifier feature space
 * @param frechetPerClass   edits at target t vs real images of t, mean over t
 * @param copyFrechetPerClass the same for unedited sources
 */
public record EvalResult(String description, int sources, int edits, boolean paired,
        PerClass psnr, PerClass ssim, PerClass l1, PerClass copyPsnr, PerClass copySsim, PerClass copyL1,
        PerClass cyclePsnr, PerClass cycleSsim, PerClass cycleL1,
        int[][] generated, int[][] real,
        double ownDistance, double otherDistance, double identityAuc, double realOwnDistance,
        double realOtherDistance, double realIdentityAuc,
        double frechet, double frechetPerClass, double copyFrechetPerClass) {

    /** Expression accuracy of the edits at their targets. */
    public double accuracy() {
        return Ranking.accuracy(generated);
    }

    /** The classifier's accuracy on the real images. */
    public double classifierAccuracy() {
        return Ranking.accuracy(real);
    }
}
