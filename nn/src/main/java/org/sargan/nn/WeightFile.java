package org.sargan.nn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.sargan.core.Tensor;
import org.sargan.nn.torch.TorchFile;

/**
 * Any file of named tensors this project reads, recognised by its content, not its extension: safetensors (ours
 * and anyone's), and both layouts of {@code torch.save} (zip and legacy). Only safetensors carry metadata.
 */
public record WeightFile(Format format, Map<String, Tensor> tensors, Map<String, String> metadata) {
    /** How the file was written. */
    public enum Format {
        SAFETENSORS("safetensors"), TORCH("PyTorch (torch.save)");

        private final String label;

        Format(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Reads a file of either kind; every problem is one {@link IOException} naming the file. */
    public static WeightFile read(Path file) throws IOException {
        if (formatOf(file) == Format.TORCH) {
            return new WeightFile(Format.TORCH, TorchFile.read(file), Map.of());
        }
        SafeTensors st = SafeTensors.read(file);
        return new WeightFile(Format.SAFETENSORS, st.tensors(), st.metadata());
    }

    /**
     * The metadata alone, without reading a single tensor (a safetensors header; PyTorch files have none): for
     * telling what a file holds before loading it once.
     */
    public static Map<String, String> metadata(Path file) throws IOException {
        return formatOf(file) == Format.TORCH ? Map.of() : SafeTensors.readMetadata(file);
    }

    /** The format, from the first bytes. */
    private static Format formatOf(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new WeightFileException(file + " is a directory, not a weight file");
        }
        if (!Files.exists(file)) {
            throw new WeightFileException(file + ": no such file");
        }
        byte[] head = new byte[16];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        ByteBuffer start = ByteBuffer.wrap(head, 0, n);
        if (TorchFile.looksLikeTorch(start)) {
            return Format.TORCH;
        }
        // safetensors: an 8-byte length, then the JSON header
        if (n >= 9 && head[8] == '{') {
            return Format.SAFETENSORS;
        }
        throw new WeightFileException(file + " is neither a safetensors file nor a PyTorch (torch.save) file");
    }
}
