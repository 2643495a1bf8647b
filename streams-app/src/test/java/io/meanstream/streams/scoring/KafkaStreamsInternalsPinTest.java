package io.meanstream.streams.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * Pins the Kafka Streams internals that exactly-once scoring with the cross-task batch rests on
 * ({@link ScoringProcessor}: {@code InternalProcessorContext}, {@code ProcessorNode}, {@code ProcessorRecordContext};
 * {@link CommitHook}: {@code CachedStateStore}, {@code CacheFlushListener}, called from the commit path
 * {@code StreamTask.prepareCommit -> flush -> ProcessorStateManager.flushCache}). Fails with a message naming what
 * changed when the Kafka Streams on the class path is outside the verified range or when any of those classes or
 * methods is missing or has another shape.
 *
 * <p>Verified range: Kafka Streams 4.4.0 to 4.4.0 ({@link #LOWEST_VERIFIED} to {@link #HIGHEST_VERIFIED}). To widen
 * it, run this test, {@code ScoringTopologyTest}, {@code StreamsAppTest}, {@code StreamsAppRebalanceTest} and the
 * itest {@code StreamsAppAbortedTransactionTest} on the new version, read the internals' use in
 * {@code ScoringProcessor} and {@code CommitHook} against its source, then change the bounds here, in the comment of
 * {@code CommitHook} and in README (streams-app).
 */
class KafkaStreamsInternalsPinTest {

    static final String LOWEST_VERIFIED = "4.4.0";
    static final String HIGHEST_VERIFIED = "4.4.0";

    private static final String RE_VERIFY = "ScoringProcessor and CommitHook use Kafka Streams internals for exactly-once scoring"
            + " with the cross-task batch: re-verify them on this version (see this test's class comment) before changing the"
            + " verified range " + LOWEST_VERIFIED + " to " + HIGHEST_VERIFIED + ".";

    @Test
    void kafkaStreamsIsAVerifiedVersion() throws IOException {
        String version = kafkaStreamsVersion();
        if (compare(version, LOWEST_VERIFIED) < 0 || compare(version, HIGHEST_VERIFIED) > 0) {
            fail("Kafka Streams " + version + " is outside the verified range " + LOWEST_VERIFIED + " to " + HIGHEST_VERIFIED + ". "
                    + RE_VERIFY);
        }
    }

    @Test
    void theInternalsScoringProcessorAndCommitHookCallHaveTheVerifiedShape() throws IOException {
        List<String> changed = new ArrayList<>();
        String pkg = "org.apache.kafka.streams.processor.internals.";
        Class<?> context = type(pkg + "InternalProcessorContext", changed);
        Class<?> node = type(pkg + "ProcessorNode", changed);
        Class<?> recordContext = type(pkg + "ProcessorRecordContext", changed);
        if (context != null && node != null && recordContext != null) {
            // ScoringProcessor.init: the context it is given is one (else it falls back to the store for every image).
            if (!org.apache.kafka.streams.processor.api.ProcessorContext.class.isAssignableFrom(context)) {
                changed.add(context.getName() + " no longer extends processor.api.ProcessorContext");
            }
            // ScoringProcessor.scoreBeforeCommit sets its node around the forwards from the commit hook.
            method(context, "currentNode", node, changed);
            method(context, "setCurrentNode", void.class, changed, node);
            // ScoringProcessor.forward gives each forward the record context of the image it is about.
            method(context, "recordContext", recordContext, changed);
            method(context, "setRecordContext", void.class, changed, recordContext);
            constructor(recordContext, changed, long.class, long.class, int.class, String.class, Headers.class);
        }
        // CommitHook: a CachedStateStore, so Kafka Streams calls flushCache at the start of each commit.
        String state = "org.apache.kafka.streams.state.internals.";
        Class<?> cached = type(state + "CachedStateStore", changed);
        Class<?> listener = type(state + "CacheFlushListener", changed);
        if (cached != null && listener != null) {
            Set<String> abstractMethods = Arrays.stream(cached.getMethods()).filter(m -> Modifier.isAbstract(m.getModifiers()))
                    .map(KafkaStreamsInternalsPinTest::signature).collect(Collectors.toCollection(TreeSet::new));
            Set<String> verified = new TreeSet<>(Set.of("boolean setFlushListener(" + listener.getName() + ", boolean)",
                    "void flushCache()", "void clearCache()"));
            if (!abstractMethods.equals(verified)) {
                changed.add(cached.getName() + " declares " + abstractMethods + " instead of the verified " + verified);
            }
            if (!cached.isAssignableFrom(CommitHook.class)) {
                changed.add("CommitHook is no longer a " + cached.getName());
            }
        }
        // The commit path that calls the hook before the task's output is flushed and its offsets committed.
        Class<?> task = type(pkg + "StreamTask", changed);
        Class<?> stateManager = type(pkg + "ProcessorStateManager", changed);
        if (task != null && stateManager != null) {
            method(task, "prepareCommit", java.util.Map.class, changed, boolean.class);
            method(task, "flush", void.class, changed);
            method(stateManager, "flushCache", void.class, changed);
        }
        if (!changed.isEmpty()) {
            fail("Kafka Streams " + kafkaStreamsVersion() + ": internals changed:\n  " + String.join("\n  ", changed) + "\n" + RE_VERIFY);
        }
    }

    @Test
    void versionsCompareNumerically() {
        assertEquals(0, compare("4.4.0", "4.4.0"));
        assertEquals(-1, Integer.signum(compare("4.4.0", "4.10.0")));
        assertEquals(1, Integer.signum(compare("4.4.1", "4.4.0")));
        assertEquals(-1, Integer.signum(compare("4.4.0-SNAPSHOT", "4.4.0")), "a pre-release of the verified version is not verified");
    }

    /** The version of the kafka-streams jar that holds {@link KafkaStreams}, as Kafka Streams reports it. */
    static String kafkaStreamsVersion() throws IOException {
        try (InputStream in = KafkaStreams.class.getResourceAsStream("/kafka/kafka-streams-version.properties")) {
            if (in == null) {
                fail("kafka/kafka-streams-version.properties is not in the kafka-streams jar: its version cannot be checked. " + RE_VERIFY);
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        }
    }

    /** Compares dotted versions numerically; a suffix after the numbers (-SNAPSHOT, -rc1) sorts before the release. */
    static int compare(String a, String b) {
        String[] x = a.split("-", 2)[0].split("\\.");
        String[] y = b.split("-", 2)[0].split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(!a.contains("-"), !b.contains("-"));
    }

    private static Class<?> type(String name, List<String> changed) {
        try {
            return Class.forName(name, false, KafkaStreams.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            changed.add(name + " is gone");
            return null;
        }
    }

    private static void method(Class<?> owner, String name, Class<?> returns, List<String> changed, Class<?>... parameters) {
        try {
            Method m = owner.getMethod(name, parameters);
            if (!m.getReturnType().equals(returns)) {
                changed.add(owner.getName() + "." + signature(m) + " now returns " + m.getReturnType().getName() + ", verified: " + returns.getName());
            }
        } catch (NoSuchMethodException e) {
            changed.add(owner.getName() + " has no public " + name + Arrays.stream(parameters).map(Class::getName)
                    .collect(Collectors.joining(", ", "(", ")")) + " any more");
        }
    }

    private static void constructor(Class<?> owner, List<String> changed, Class<?>... parameters) {
        try {
            Constructor<?> c = owner.getConstructor(parameters);
            if (!Modifier.isPublic(c.getModifiers())) {
                changed.add(owner.getName() + "'s constructor " + Arrays.toString(parameters) + " is not public any more");
            }
        } catch (NoSuchMethodException e) {
            changed.add(owner.getName() + " has no public constructor " + Arrays.stream(parameters).map(Class::getName)
                    .collect(Collectors.joining(", ", "(", ")")) + " any more");
        }
    }

    private static String signature(Method m) {
        return m.getReturnType().getName() + " " + m.getName()
                + Arrays.stream(m.getParameterTypes()).map(Class::getName).collect(Collectors.joining(", ", "(", ")"));
    }
}
