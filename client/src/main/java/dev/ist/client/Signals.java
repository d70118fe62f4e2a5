package dev.ist.client;

/**
 * Ctrl-C without ending the JVM: {@code sun.misc.Signal} (module jdk.unsupported, in every JDK 17) lets the
 * client ask before it leaves. Where it is missing the default applies: the JVM exits and the shutdown hook says
 * how to cancel the job.
 */
final class Signals {

    private Signals() {
    }

    @SuppressWarnings("removal")
    static void onInterrupt(Runnable handler) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> handler.run());
        } catch (IllegalArgumentException | LinkageError e) {
            // SIGINT is taken (the JVM was started with -Xrs) or the API is absent: the shutdown hook speaks
        }
    }
}
