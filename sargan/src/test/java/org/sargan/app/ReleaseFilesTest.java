package org.sargan.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What a clone needs besides the code: the licence, the launcher the README uses, the jar's manifest entries. */
class ReleaseFilesTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void theLicenceIsApacheTwo() throws Exception {
        String text = Files.readString(ROOT.resolve("LICENSE"));
        assertTrue(text.contains("Apache License") && text.contains("Version 2.0, January 2004"), "LICENSE");
        assertTrue(Files.readString(ROOT.resolve("pom.xml")).contains("<name>Apache-2.0</name>"));
    }

    @Test
    void theReadmesLauncherExistsAndRunsTheBuiltJar() throws Exception {
        Path launcher = ROOT.resolve("sargan").resolve("bin").resolve("sargan");
        assertTrue(Files.isExecutable(launcher), launcher + " must exist and be executable");
        String text = Files.readString(launcher);
        assertTrue(text.contains("/target/sargan.jar") && text.contains("jdk.incubator.vector"), text);
        assertTrue(Files.readString(ROOT.resolve("README.md")).contains("sargan/bin/sargan demo"));
    }

    /** JDK 22+ warns about JCuda's native calls unless the manifest grants native access. */
    @Test
    void theJarManifestGrantsNativeAccess() throws Exception {
        String pom = Files.readString(ROOT.resolve("sargan").resolve("pom.xml"));
        assertTrue(pom.contains("<Enable-Native-Access>ALL-UNNAMED</Enable-Native-Access>"), "sargan/pom.xml");
    }
}
