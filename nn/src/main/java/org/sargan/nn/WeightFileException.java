package org.sargan.nn;

import java.io.IOException;

/**
 * A weight file that cannot be read: truncated, corrupt, of a foreign format, or asking for something this reader
 * refuses. The message names the file and the problem in one line; it is the only exception the readers throw for
 * bad content.
 */
public class WeightFileException extends IOException {
    public WeightFileException(String message) {
        super(message);
    }
}
