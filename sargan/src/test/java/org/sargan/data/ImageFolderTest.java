package org.sargan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data folders: nothing dropped or ignored without a word. */
class ImageFolderTest {
    private static void face(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        ImageIO.write(new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
    }

    private static Path allClasses(Path root) throws Exception {
        for (Expression e : Expression.values()) {
            face(root.resolve(e.code()).resolve("a.png"));
        }
        return root;
    }

    @Test
    void twoFoldersForOneClassAreAnErrorNotASilentDrop(@TempDir Path dir) throws Exception {
        Path root = allClasses(dir);
        face(root.resolve("neutral").resolve("b.png"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ImageFolder(root, 32,
                false));
        assertTrue(e.getMessage().contains("has two folders for neutral: NES and neutral"), e.getMessage());
    }

    @Test
    void aBombAmongGoodImagesIsSkippedWithItsReasonAndTheRestAreUsed(@TempDir Path dir) throws Exception {
        Path root = allClasses(dir);
        Files.write(root.resolve("HAS").resolve("bomb.bmp"), ImagesTest.bmpBomb());
        ImageFolder f = new ImageFolder(root, 32, false);
        assertEquals(7, f.size());
        assertEquals(1, f.skipped());
        assertTrue(f.warnings().stream().anyMatch(w -> w.contains("1 unreadable files skipped: ")
                && w.contains("bomb.bmp: its BMP header claims 9175104x48 pixels")), f.warnings().toString());
    }

    @Test
    void emptyClassesNestedFoldersAndStrangeFoldersAreReported(@TempDir Path dir) throws Exception {
        Path root = allClasses(dir);
        Files.delete(root.resolve("SAS").resolve("a.png"));
        face(root.resolve("HAS").resolve("session2").resolve("b.png"));
        face(root.resolve("smirk").resolve("c.png"));
        ImageFolder f = new ImageFolder(root, 32, false);
        assertEquals(6, f.size());
        String w = String.join("\n", f.warnings());
        assertTrue(w.contains("class sad (" + root.resolve("SAS") + ") has no readable image"), w);
        assertTrue(w.contains("ignored 1 subfolders of " + root.resolve("HAS") + " (session2)"), w);
        assertTrue(w.contains("ignored folders in " + root + " that name no expression: smirk"), w);
    }
}
