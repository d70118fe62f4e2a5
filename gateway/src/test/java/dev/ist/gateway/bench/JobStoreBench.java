package dev.ist.gateway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./ist bench --job-store [--jobs N] [--projector-jobs J] [--skip-projector] [--skip-reads]}: figures of the
 * job store with real parts (KRaft broker, PostgreSQL, the packaged gateway in a child JVM at -Xmx256m), printed as
 * a table beside their targets. Prints, never asserts: timings depend on the machine.
 */
public final class JobStoreBench {

    private JobStoreBench() {
    }

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0); // the shared broker and database servers keep non-daemon threads
    }

    private static void run(String[] args) throws Exception {
        int jobs = 1_000_000;
        int projectorJobs = 200;
        boolean projector = true;
        boolean reads = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--job-store" -> { }
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                case "--projector-jobs" -> projectorJobs = Integer.parseInt(args[++i]);
                case "--skip-projector" -> projector = false;
                case "--skip-reads" -> reads = false;
                default -> {
                    System.err.println("usage: ./ist bench --job-store [--jobs N (1000000)] [--projector-jobs J (200)] "
                            + "[--skip-projector] [--skip-reads]");
                    System.exit(2);
                }
            }
        }
        List<String[]> rows = new ArrayList<>();
        if (projector) {
            ProjectorThroughput.Result r = ProjectorThroughput.run(projectorJobs);
            System.out.printf(Locale.ROOT, "projector: %d jobs, %d events (+%d requests) in %.2f s%n", r.jobs(),
                    r.events(), r.jobs(), r.seconds());
            rows.add(row("projector throughput (real broker, ~500 ticks/job)", "≥ 20 000 events/s",
                    String.format(Locale.ROOT, "%,.0f events/s", r.eventsPerSecond())));
        }
        if (reads) {
            rows.addAll(ReadSide.run(jobs));
        }
        System.out.println();
        System.out.println("| figure | target | measured |");
        System.out.println("| --- | --- | --- |");
        for (String[] r : rows) {
            System.out.println("| " + r[0] + " | " + r[1] + " | " + r[2] + " |");
        }
    }

    static String[] row(String figure, String target, String measured) {
        return new String[] {figure, target, measured};
    }
}
