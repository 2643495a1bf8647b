package io.meanstream.labeler;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the labeler remembers of one signed-in annotator (kept in the HTTP session): the name, the session's CSRF
 * token, the images offered (so an answer or an image fetch can only name an image this person was shown), the
 * images skipped, and the last answers, newest first, for undo. Bounded. Thread-safe.
 */
final class AnnotatorSession {

    static final int REMEMBERED = 500;
    static final int UNDOABLE = 50;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** An image shown to the annotator: where it lies, and whether a label request asked for it. */
    record Offered(RecentImages.Position position, boolean requested) {
    }

    private final String name;
    private final String csrfToken = token();
    private final Map<String, Offered> offered = bounded();
    private final Map<String, Boolean> skipped = bounded();
    private final Deque<String> answers = new ArrayDeque<>();

    AnnotatorSession(String name) {
        this.name = name;
    }

    /** 256 random bits, URL-safe Base64. */
    static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static <V> Map<String, V> bounded() {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > REMEMBERED;
            }
        };
    }

    String name() {
        return name;
    }

    String csrfToken() {
        return csrfToken;
    }

    synchronized void offered(String imageId, Offered o) {
        offered.put(imageId, o);
    }

    synchronized Optional<Offered> offered(String imageId) {
        return Optional.ofNullable(offered.get(imageId));
    }

    synchronized void skip(String imageId) {
        skipped.put(imageId, Boolean.TRUE);
    }

    synchronized boolean skipped(String imageId) {
        return skipped.containsKey(imageId);
    }

    synchronized void answered(String imageId) {
        answers.remove(imageId);
        answers.push(imageId);
        while (answers.size() > UNDOABLE) {
            answers.removeLast();
        }
    }

    /** The newest answer not yet undone, removed from the undo list. */
    synchronized Optional<String> popAnswer() {
        return Optional.ofNullable(answers.poll());
    }

    synchronized boolean hasAnswered(String imageId) {
        return answers.contains(imageId);
    }
}
