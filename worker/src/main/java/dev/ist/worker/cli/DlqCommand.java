package dev.ist.worker.cli;

import dev.ist.common.kafka.KafkaClientConfig;
import dev.ist.common.IstConfig;
import dev.ist.common.Topics;
import dev.ist.common.event.DeadLetter;
import dev.ist.worker.runtime.kafka.DeadLetterQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ist dlq list} and {@code ist dlq replay ID|--all}: the operator's tools for the dead-letter topic. Kafka and
 * topic names come from {@code ist.kafka.bootstrap-servers} / {@code ist.topics.*} (system properties or
 * {@code IST_*} variables); the options win.
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "List dead letters, or re-drive them onto the jobs topic once the cause is fixed.",
        subcommands = {DlqCommand.ListLetters.class, DlqCommand.Replay.class})
public final class DlqCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the topics are. */
    static final class Connection {
        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka (ist.kafka.bootstrap-servers)")
        String bootstrapServers;

        @Option(names = "--jobs-topic", description = "jobs topic (ist.topics.jobs)")
        String jobsTopic;

        @Option(names = "--dlq-topic", description = "dead-letter topic (ist.topics.dlq)")
        String dlqTopic;

        @Option(names = "--timeout", defaultValue = "20s", description = "Kafka timeout (default ${DEFAULT-VALUE})")
        String timeout;

        DeadLetterQueue open() {
            // the worker's connection settings (ist.kafka.client-config, ist.kafka.client.*): a secured cluster
            // takes the DLQ tools' requests like any other client's
            IstConfig system = IstConfig.fromSystem();
            KafkaClientConfig kafka = KafkaClientConfig.from(bootstrapServers == null ? system
                    : system.withOverrides(java.util.Map.of(KafkaClientConfig.BOOTSTRAP_KEY, bootstrapServers)),
                    "127.0.0.1:9092");
            return new DeadLetterQueue(kafka, topics().dlq(), IstConfig.of(java.util.Map.of("t", timeout))
                    .getDuration("t", Duration.ofSeconds(20)));
        }

        Topics topics() {
            Topics t = Topics.from(IstConfig.fromSystem());
            return new Topics(jobsTopic != null ? jobsTopic : t.jobs(), t.events(),
                    dlqTopic != null ? dlqTopic : t.dlq(), t.control());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "One line per dead letter: ID (source partition:offset), code, size of the original record,"
                    + " job id, reason.")
    static final class ListLetters implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Connection connection = new Connection();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (DeadLetterQueue dlq = connection.open()) {
                List<DeadLetterQueue.Entry> entries = dlq.list();
                out.printf(Locale.ROOT, "%-12s %-22s %10s  %-36s  %s%n", "ID", "CODE", "BYTES", "JOB", "REASON");
                for (DeadLetterQueue.Entry e : entries) {
                    DeadLetter l = e.letter();
                    if (l == null) {
                        out.printf(Locale.ROOT, "%-12s %-22s %10s  %-36s  %s%n", e.id(), "UNREADABLE", "-", "-",
                                e.unreadable());
                    } else {
                        out.printf(Locale.ROOT, "%-12s %-22s %10d  %-36s  %s%n", l.sourceId(), l.code(),
                                l.payloadBytes(), l.jobId() == null ? "-" : l.jobId(), oneLine(l.reason()));
                    }
                }
                out.printf(Locale.ROOT, "%d dead letter(s) on %s%n", entries.size(), connection.topics().dlq());
            }
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Re-drive dead letters onto the jobs topic, byte for byte, with their original key.",
                    "A letter holds only a 4 KiB excerpt, so the ORIGINAL record is re-read from the jobs topic at"
                            + " the letter's partition:offset: that works only while the jobs topic still retains it"
                            + " (its retention.ms); older letters are reported and skipped.",
                    "A job that already FAILED keeps its stored terminal event: a worker re-publishes it instead of"
                            + " running the job again unless its terminal marker (jobs/<id>/terminal.json) is removed."})
    static final class Replay implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Connection connection = new Connection();

        @Parameters(paramLabel = "ID", arity = "0..*", description = "partition:offset (from 'dlq list') or a job id")
        List<String> ids = new ArrayList<>();

        @Option(names = "--all", description = "every letter on the DLQ")
        boolean all;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (all == !ids.isEmpty()) {
                throw new UserInputException("give either IDs or --all");
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int failed = 0;
            try (DeadLetterQueue dlq = connection.open()) {
                List<DeadLetterQueue.Entry> entries = dlq.list();
                List<DeadLetter> chosen = new ArrayList<>();
                if (all) {
                    entries.stream().map(DeadLetterQueue.Entry::letter).filter(java.util.Objects::nonNull)
                            .forEach(chosen::add);
                } else {
                    for (String id : ids) {
                        List<DeadLetter> match = DeadLetterQueue.select(entries, id);
                        if (match.isEmpty()) {
                            err.println("dlq replay: no dead letter " + id);
                            failed++;
                        }
                        chosen.addAll(match);
                    }
                }
                for (DeadLetter l : chosen) {
                    try {
                        // back onto its own pool's lane topic (a HIGH job of pool large stays HIGH in pool
                        // large); anything else onto the default pool's jobs topic
                        String target = connection.topics().poolOfJobsTopic(l.sourceTopic()) != null
                                ? l.sourceTopic() : connection.topics().jobs();
                        DeadLetterQueue.Replayed r = dlq.replay(l, target);
                        out.printf(Locale.ROOT, "replayed %s -> %s %d:%d%n", l.sourceId(), target,
                                r.partition(), r.offset());
                    } catch (DeadLetterQueue.NotReplayableException e) {
                        err.println("dlq replay: " + e.getMessage());
                        failed++;
                    }
                }
            }
            return failed == 0 ? 0 : 1;
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ');
    }
}
