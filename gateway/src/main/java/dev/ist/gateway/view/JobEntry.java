package dev.ist.gateway.view;

import dev.ist.common.event.ControlMessage;
import dev.ist.common.event.EventType;
import dev.ist.common.event.Failure;
import dev.ist.common.event.JobEvent;
import dev.ist.common.event.NetworkInfo;
import dev.ist.common.event.Progress;
import dev.ist.common.job.JobRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Mutable state of one job inside {@link JobView}; every method runs under the entry's monitor. */
final class JobEntry {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(JobEntry.class);

    private final String jobId;
    private final int maxEvents;
    private JobRequest request;
    private int forwards;
    private final NavigableMap<Long, JobEvent> events = new TreeMap<>();
    private boolean cancelRequested;
    // kept up to date on apply so counting and filtering never walk the events
    private JobEvent latest;
    private JobEvent terminal;
    private final List<JobEventListener> listeners = new CopyOnWriteArrayList<>();

    JobEntry(String jobId, int maxEvents) {
        this.jobId = jobId;
        this.maxEvents = maxEvents;
    }

    synchronized boolean setRequest(JobRequest r) {
        return setRequest(r, 0);
    }

    /**
     * The first request of the job, or one a worker forwarded to another pool more often than the one held (the
     * {@link dev.ist.common.capacity.JobForwards} count): the job's pool moves, nothing else of it does.
     */
    synchronized boolean setRequest(JobRequest r, int forwardCount) {
        if (request != null && forwardCount <= forwards) {
            return false;
        }
        request = r;
        forwards = forwardCount;
        return true;
    }

    /** The pool the job runs in, or null while the request is unknown. */
    synchronized String pool() {
        return request == null ? null : request.workerPool();
    }

    /** The run time quoted at admission, or null (not quoted, or the request is unknown). */
    synchronized Double quotedSeconds() {
        return request == null ? null : request.quotedSeconds();
    }

    /** The owner, or null while the request is unknown. */
    synchronized String owner() {
        return request == null ? null : request.owner();
    }

    /** The state without building a snapshot (same rule: a terminal event decides). */
    synchronized JobState state() {
        JobEvent decisive = terminal != null ? terminal : latest;
        return decisive == null ? JobState.QUEUED : JobState.of(decisive.type());
    }

    synchronized boolean overdue(java.time.Instant now) {
        return request != null && request.pastDeadline(now) && !cancelRequested && !state().isTerminal();
    }

    synchronized boolean cancelRequestedFlag() {
        return cancelRequested;
    }

    synchronized boolean hasRequest() {
        return request != null;
    }

    /** Applies an event unless its seq was seen; returns whether it was new. Listeners hear new events only. */
    synchronized boolean apply(JobEvent e) {
        if (isForwardNote(e)) {
            events.put(e.seq(), e); // restates QUEUED with the worker's note; the state stays QUEUED
            if (latest == null || latest.seq() == e.seq()) {
                latest = e;
            }
            notifyListeners(e);
            return true;
        }
        if (events.containsKey(e.seq()) || (!events.isEmpty() && e.seq() < events.firstKey() && dropped(e))) {
            return false;
        }
        if (terminal != null && e.type() == EventType.PROGRESS && e.seq() < terminal.seq()) {
            return false; // a finished job's ticks were compacted away; a re-delivered one stays away
        }
        events.put(e.seq(), e);
        if (latest == null || e.seq() > latest.seq()) {
            latest = e;
        }
        if (e.isTerminal() && (terminal == null || e.seq() > terminal.seq())) {
            terminal = e;
        }
        trim();
        if (terminal != null) {
            compactFinished();
        }
        notifyListeners(e);
        return true;
    }

    private void notifyListeners(JobEvent e) {
        for (JobEventListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException failed) {
                // one broken listener (a stream whose client left) must not keep the event from the others
                LOG.debugf("listener of job %s failed on seq %d: %s", e.jobId(), e.seq(), failed.toString());
            }
        }
    }

    /**
     * A worker that forwarded the job to another pool restates its QUEUED event (seq 0) with a note, while nothing
     * later is known: a new note, not a re-delivery of one already held.
     */
    private boolean isForwardNote(JobEvent e) {
        if (e.type() != EventType.QUEUED || e.seq() != 0 || "gateway".equals(e.workerId()) || e.failure() == null) {
            return false;
        }
        JobEvent held = events.get(0L);
        return held != null && !held.equals(e) && terminal == null && (latest == null || latest.seq() == 0);
    }

    // a seq below the oldest kept event was trimmed earlier: it is a PROGRESS tick seen before
    private boolean dropped(JobEvent e) {
        return e.type() == EventType.PROGRESS;
    }

    synchronized void requestCancel(ControlMessage m) {
        if (m.action() == ControlMessage.Action.CANCEL) {
            cancelRequested = true;
        }
    }

    /** Events with seq > {@code afterSeq}, and the listener registered, atomically: nothing is missed or doubled. */
    synchronized List<JobEvent> subscribe(long afterSeq, JobEventListener listener) {
        List<JobEvent> replay = new ArrayList<>(events.tailMap(afterSeq, false).values());
        listeners.add(listener);
        return replay;
    }

    boolean hasListeners() {
        return !listeners.isEmpty();
    }

    void unsubscribe(JobEventListener listener) {
        listeners.remove(listener);
    }

    synchronized List<JobEvent> eventsAfter(long afterSeq) {
        return new ArrayList<>(events.tailMap(afterSeq, false).values());
    }

    /**
     * A finished job keeps a summary, not its history: lifecycle events, the last progress tick and the last one
     * with a preview (what a snapshot shows). Thousands of finished jobs then cost a few events each, so a restart
     * that replays the topics rebuilds the view within a bounded heap.
     */
    private void compactFinished() {
        JobEvent lastProgress = null;
        JobEvent lastPreview = null;
        for (JobEvent e : events.values()) {
            if (e.type() == EventType.PROGRESS) {
                lastProgress = e;
                if (e.progress() != null && e.progress().previewKey() != null) {
                    lastPreview = e;
                }
            }
        }
        Iterator<JobEvent> it = events.values().iterator();
        while (it.hasNext()) {
            JobEvent e = it.next();
            if (e.type() == EventType.PROGRESS && e != lastProgress && e != lastPreview) {
                it.remove();
            }
        }
    }

    /** Drops the oldest PROGRESS ticks beyond the cap; lifecycle events are always kept. */
    private void trim() {
        int excess = events.size() - maxEvents;
        if (excess <= 0) {
            return;
        }
        Iterator<JobEvent> it = events.values().iterator();
        while (excess > 0 && it.hasNext()) {
            if (it.next().type() == EventType.PROGRESS) {
                it.remove();
                excess--;
            }
        }
    }

    synchronized JobSnapshot snapshot() {
        if (request == null) {
            return null;
        }
        JobEvent terminal = null;
        JobEvent latest = null;
        Progress progress = null;
        String previewKey = null;
        NetworkInfo network = null;
        Map<String, Long> timings = new HashMap<>();
        for (JobEvent e : events.values()) {
            latest = e;
            if (e.network() != null) {
                network = e.network();
            }
            if (e.isTerminal()) {
                terminal = e;
            }
            if (e.progress() != null) {
                progress = e.progress();
                if (e.progress().previewKey() != null) {
                    previewKey = e.progress().previewKey();
                }
            }
            if (e.timingsMs() != null) {
                timings.putAll(e.timingsMs());
            }
        }
        // once a job has finished, a late or re-published non-terminal event does not revive it
        JobEvent decisive = terminal != null ? terminal : latest;
        JobState state = decisive == null ? JobState.QUEUED : JobState.of(decisive.type());
        Failure failure = terminal != null ? terminal.failure() : null;
        String resultKey = terminal != null && terminal.type() == EventType.SUCCEEDED ? terminal.resultKey() : null;
        return new JobSnapshot(request, state, latest == null ? -1 : latest.seq(),
                latest == null ? request.submittedAt() : latest.at(), progress, previewKey, resultKey, failure,
                Map.copyOf(timings), cancelRequested, latest == null ? null : latest.workerId(), network);
    }

    String jobId() {
        return jobId;
    }
}
