package io.meanstream.trainer.join;

import io.meanstream.schema.DeadLetter;

/** A record's value after parsing: either the value or the dead letter saying why there is none. */
record Parsed<T>(T value, DeadLetter deadLetter) {

    static <T> Parsed<T> ok(T value) {
        return new Parsed<>(value, null);
    }

    static <T> Parsed<T> failed(DeadLetter deadLetter) {
        return new Parsed<>(null, deadLetter);
    }

    boolean isOk() {
        return deadLetter == null;
    }
}
