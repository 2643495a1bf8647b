package io.meanstream.data;

import java.io.IOException;

/**
 * A data set could not be found or fetched. The message lists where it was looked for and what the
 * user can do about it.
 */
public class DatasetNotFoundException extends IOException {

    private static final long serialVersionUID = 1L;

    public DatasetNotFoundException(String message) {
        super(message);
    }

    public DatasetNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
