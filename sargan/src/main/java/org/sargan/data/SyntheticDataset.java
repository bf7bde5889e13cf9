package org.sargan.data;

/**
 * The built-in data: {@code identities} rendered faces with each of the 7 expressions (identity-major order),
 * rendered once when the dataset is made.
 */
public final class SyntheticDataset implements Dataset {
    private final int size;
    private final float[][] images;

    public SyntheticDataset(long seed, int identities, int size) {
        if (identities <= 0 || size < 16) {
            throw new IllegalArgumentException("synthetic data: " + identities + " identities at " + size
                    + " px; expected at least 1 identity and 16 px");
        }
        this.size = size;
        Expression[] all = Expression.values();
        images = new float[identities * all.length][];
        for (int i = 0; i < images.length; i++) {
            images[i] = Dataset.toPlanar(SyntheticFaces.render(seed + i / all.length, all[i % all.length], size));
        }
    }

    @Override
    public int size() {
        return images.length;
    }

    @Override
    public int imageSize() {
        return size;
    }

    @Override
    public float[] image(int i) {
        return images[i];
    }

    @Override
    public int label(int i) {
        return i % Expression.values().length;
    }
}
