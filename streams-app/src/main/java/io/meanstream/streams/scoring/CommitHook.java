package io.meanstream.streams.scoring;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A state store that holds no data and runs a callback when its task commits, before the task's output is
 * flushed and its input offsets are committed.
 *
 * <p>Why: the scoring processor batches images in memory for one ONNX Runtime call, and an image whose
 * offset is committed while it is still in that batch would be lost on a crash. Kafka Streams has no
 * pre-commit callback for processors; the usual workaround, copying every image to a changelogged store and
 * deleting it once scored, costs two extra broker writes and two RocksDB writes per image, more than the
 * scoring itself. Kafka Streams flushes the caches of a task's stores at the start of every commit
 * ({@code StreamTask.prepareCommit} -> {@code ProcessorStateManager.flushCache}), inside the transaction under
 * exactly-once and before the offsets; its own record caches forward their records downstream at exactly that
 * point. Registering as a {@link CachedStateStore} gives the processor the same hook: it scores what it holds
 * and forwards the predictions there, so nothing buffered outlives a commit.
 *
 * <p>Kafka Streams internals: {@code CachedStateStore} and {@code CacheFlushListener} here, and
 * {@code InternalProcessorContext}, {@code ProcessorNode} and {@code ProcessorRecordContext} in
 * {@link ScoringProcessor}, verified on Kafka Streams 4.4.0 to 4.4.0. {@code KafkaStreamsInternalsPinTest} fails
 * on any version outside that range and names any of these classes or methods (or the commit path above) that
 * changed; {@code ScoringTopologyTest} fails if the hook stops being called at commits,
 * {@code StreamsAppRebalanceTest} if a rebalance loses or duplicates a batched image, and the itest
 * {@code StreamsAppAbortedTransactionTest} if a crash between scoring and commit does.
 */
final class CommitHook implements StateStore, CachedStateStore<Object, Object> {

    private final String name;
    private Runnable beforeCommit = () -> { };
    private boolean open;

    CommitHook(String name) {
        this.name = name;
    }

    /** Runs {@code callback} on the stream thread at the start of each commit of this store's task. */
    void onCommit(Runnable callback) {
        this.beforeCommit = Objects.requireNonNull(callback);
    }

    @Override
    public void flushCache() {
        beforeCommit.run();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void clearCache() {
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> { }); // nothing to restore; registering is what gets the hook called
        open = true;
    }

    @Override
    public void close() {
        open = false;
        beforeCommit = () -> { };
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Builds one hook per task; it has no changelog and no cache of its own. */
    static StoreBuilder<CommitHook> builder(String name) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<CommitHook> withCachingEnabled() {
                return this;
            }

            @Override
            public StoreBuilder<CommitHook> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<CommitHook> withLoggingEnabled(Map<String, String> config) {
                return this;
            }

            @Override
            public StoreBuilder<CommitHook> withLoggingDisabled() {
                return this;
            }

            @Override
            public CommitHook build() {
                return new CommitHook(name);
            }

            @Override
            public Map<String, String> logConfig() {
                return Map.of();
            }

            @Override
            public boolean loggingEnabled() {
                return false;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
