package org.sargan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sargan.data.SyntheticDataset;
import org.sargan.model.Variant;
import org.sargan.nn.SafeTensors;

/** A stop request ends training after the current step with a checkpoint; long runs checkpoint by the clock too. */
class StopAndCheckpointTest {
    private static final SyntheticDataset DATA = new SyntheticDataset(1, 2, 32);

    private static TrainConfig tiny(int iterations) {
        return TrainConfig.builder().size(32).batch(2).iterations(iterations).convDim(4).lr(1e-4f).nCritic(2).seed(7)
                .sampleEvery(1000).checkpointEvery(10_000).build();
    }

    @Test
    void aStopRequestFinishesTheStepWritesACheckpointAndSaysWhere(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer t = new Trainer(tiny(1000), DATA, dir, new PrintStream(log, true, StandardCharsets.UTF_8));
        StopRequest stop = new StopRequest();
        stop.request("a test", 143);
        assertFalse(t.run(stop), "an early stop is reported as such");
        assertEquals(1, t.iteration());
        assertEquals("1", SafeTensors.readMetadata(dir.resolve(Trainer.CHECKPOINT)).get("iteration"));
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("stopped by a test at iteration 1 of 1000; checkpoint: "
                + dir.resolve(Trainer.CHECKPOINT)), text);
        assertTrue(text.contains("--resume " + dir.resolve(Trainer.CHECKPOINT)), text);
    }

    @Test
    void aCheckpointIsWrittenAtLeastEveryTenMinutes(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer t = new Trainer(tiny(3), DATA, dir, new PrintStream(log, true, StandardCharsets.UTF_8));
        // each step takes 6 minutes on this clock: the second crosses the 10-minute mark
        AtomicLong now = new AtomicLong();
        t.clock(() -> now.getAndAdd(6L * 60_000_000_000L));
        assertTrue(t.run(new StopRequest()));
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("checkpoint at iteration 2 (" + Trainer.CHECKPOINT_MINUTES
                + " minutes since the last)"), text);
        assertFalse(text.contains("checkpoint at iteration 1 "), text);
    }
}
