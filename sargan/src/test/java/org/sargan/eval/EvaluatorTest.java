package org.sargan.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sargan.data.Dataset;
import org.sargan.data.Expression;
import org.sargan.viz.Pictures;

/**
 * The whole evaluation on editors whose answers are known: one that does nothing, one that returns the ground
 * truth, and one that returns the ground truth of swapped targets (happy and sad). Tiny judges at 16 px: their
 * quality does not matter, only that every measure relates to them as it must.
 */
class EvaluatorTest {
    private static final int S = 16;
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static EvalSet set;
    private static Judges judges;

    @BeforeAll
    static void setUp() {
        set = EvalSet.builtIn(S, 3, BuiltIn.EVAL_SEED, null);
        judges = Judges.train(S, new Judges.Settings(3, 3, 3, 3, 1), QUIET);
    }

    /** Returns, for each input, the ground truth of its identity at target map(target). */
    private static Editor truthEditor(java.util.function.IntUnaryOperator map) {
        Map<String, EvalSet.Sample> byPixels = new HashMap<>();
        for (EvalSet.Sample s : set.samples()) {
            byPixels.put(Arrays.toString(s.image()), s);
        }
        return (images, targets) -> {
            BufferedImage[] out = new BufferedImage[images.length];
            for (int i = 0; i < images.length; i++) {
                EvalSet.Sample src = byPixels.get(Arrays.toString(Dataset.toPlanar(images[i])));
                EvalSet.Sample t = set.truth(src.identity(), map.applyAsInt(targets[i].ordinal()));
                out[i] = Pictures.tile(t.image(), 0, 3, S, S);
            }
            return out;
        };
    }

    @Test
    void doNothingEditorScoresExactlyTheCopyBaseline() {
        EvalResult r = Evaluator.evaluate(set, (images, targets) -> images, judges, null);
        assertEquals(3 * 7 * 6, r.edits());
        assertTrue(r.paired());
        for (int c = 0; c < 7; c++) {
            assertEquals(r.copyPsnr().mean(c), r.psnr().mean(c), 0.0);
            assertEquals(r.copySsim().mean(c), r.ssim().mean(c), 0.0);
            assertEquals(r.copyL1().mean(c), r.l1().mean(c), 0.0);
            assertEquals(18, r.psnr().count(c), "3 identities x 6 other source expressions per target");
        }
        assertTrue(r.psnr().overall() < 40, "other expressions differ from the input: " + r.psnr().overall());
        assertEquals(ImageMetrics.PSNR_IDENTICAL_DB, r.cyclePsnr().overall(), EvalTolerances.DOUBLE);
        assertEquals(1.0, r.cycleSsim().overall(), EvalTolerances.DOUBLE);
        assertEquals(0.0, r.cycleL1().overall(), 0.0);
        assertEquals(0.0, r.ownDistance(), 0.0);
        assertEquals(1.0, r.identityAuc(), 0.0);
        assertEquals(r.copyFrechetPerClass(), r.frechetPerClass(), EvalTolerances.DOUBLE);
    }

    @Test
    void perfectEditorReachesTheCeilingOfEveryMeasure() {
        EvalResult r = Evaluator.evaluate(set, truthEditor(t -> t), judges, null);
        assertEquals(ImageMetrics.PSNR_IDENTICAL_DB, r.psnr().overall(), EvalTolerances.DOUBLE);
        assertEquals(1.0, r.ssim().overall(), EvalTolerances.DOUBLE);
        assertEquals(0.0, r.l1().overall(), 0.0);
        assertEquals(ImageMetrics.PSNR_IDENTICAL_DB, r.cyclePsnr().overall(), EvalTolerances.DOUBLE);
        // the edits are the real images, each target's six times: the classifier's own accuracy, exactly
        assertEquals(r.classifierAccuracy(), r.accuracy(), EvalTolerances.DOUBLE);
        // and the same own/other pairs as between real images
        assertEquals(r.realIdentityAuc(), r.identityAuc(), EvalTolerances.DOUBLE);
        assertEquals(r.realOwnDistance(), r.ownDistance(), EvalTolerances.DOUBLE);
        assertEquals(r.realOtherDistance(), r.otherDistance(), EvalTolerances.DOUBLE);
    }

    @Test
    void swappedTargetsShowUpAsTheSwappedRowsOfTheConfusion() {
        int happy = Expression.HAPPY.ordinal();
        int sad = Expression.SAD.ordinal();
        EvalResult r = Evaluator.evaluate(set, truthEditor(t -> t == happy ? sad : t == sad ? happy : t), judges,
                null);
        int[] sixTimesRealSad = Arrays.stream(r.real()[sad]).map(v -> 6 * v).toArray();
        assertArrayEquals(sixTimesRealSad, r.generated()[happy]);
        int[] sixTimesRealAngry = Arrays.stream(r.real()[Expression.ANGRY.ordinal()]).map(v -> 6 * v).toArray();
        assertArrayEquals(sixTimesRealAngry, r.generated()[Expression.ANGRY.ordinal()]);
        assertTrue(r.psnr().mean(happy) < ImageMetrics.PSNR_IDENTICAL_DB, "happy edits are not the happy truth");
        assertEquals(ImageMetrics.PSNR_IDENTICAL_DB, r.psnr().mean(Expression.ANGRY.ordinal()), EvalTolerances.DOUBLE);
    }

    @Test
    void unpairedSetHasNoGroundTruthMeasures() {
        java.util.List<EvalSet.Sample> one = new java.util.ArrayList<>();
        for (EvalSet.Sample s : set.samples()) {
            one.add(new EvalSet.Sample(s.image(), s.label(), s.identity() + "/" + s.label()));
        }
        EvalSet unpaired = new EvalSet(one, S, "unpaired");
        assertFalse(unpaired.paired());
        EvalResult r = Evaluator.evaluate(unpaired, (images, targets) -> images, judges, null);
        assertTrue(Double.isNaN(r.psnr().overall()));
        assertTrue(Double.isNaN(r.realIdentityAuc()));
        assertEquals(1.0, r.identityAuc(), 0.0);
        assertEquals(ImageMetrics.PSNR_IDENTICAL_DB, r.cyclePsnr().overall(), EvalTolerances.DOUBLE);
    }

    @Test
    void judgesSurviveSaveAndLoad(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path f = dir.resolve("j.safetensors");
        judges.save(f);
        Judges back = Judges.load(f);
        java.util.List<float[]> images = set.samples().stream().map(EvalSet.Sample::image).toList();
        assertArrayEquals(judges.classify(images), back.classify(images));
        assertArrayEquals(judges.identityFeatures(images)[5], back.identityFeatures(images)[5], 0.0);
    }
}
