package dev.ist.gateway.submit;

import dev.ist.common.event.JobEvent;
import dev.ist.common.image.ImageInfo;
import dev.ist.common.job.FieldError;
import dev.ist.common.job.ImageRef;
import dev.ist.common.job.InitMode;
import dev.ist.common.job.JobLimits;
import dev.ist.common.job.JobMode;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.JobValidator;
import dev.ist.common.job.StyleRef;
import dev.ist.gateway.api.ProblemException;
import dev.ist.gateway.auth.Caller;
import dev.ist.gateway.capacity.FleetAdmission;
import dev.ist.gateway.capacity.FleetQuote;
import dev.ist.gateway.config.GatewaySettings;
import dev.ist.gateway.models.ModelCatalog;
import dev.ist.gateway.kafka.JobPublisher;
import dev.ist.gateway.metrics.GatewayMetrics;
import dev.ist.gateway.store.JobSnapshot;
import dev.ist.gateway.api.JobAccess;
import dev.ist.gateway.store.JobProjector;
import dev.ist.gateway.store.JobStore;
import dev.ist.gateway.webhooks.WebhookRequestCheck;
import dev.ist.common.job.WebhookSpec;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Accepts a job: idempotency, caller limits, every input check, storage of the inputs, and only then publication.
 * Nothing is published for a refused job, and a job only ever refers to stored objects.
 */
@Singleton
public class SubmissionService {

    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    private final ImageIntake intake;
    private final JobValidator validator;
    private final JobPublisher publisher;
    private final JobStore store;
    private final JobProjector projector;
    private final JobAccess access;
    private final GatewayMetrics metrics;
    private final GatewaySettings settings;
    private final ModelCatalog models;
    private final WebhookRequestCheck webhooks;
    private final FleetAdmission admission;
    private final MaskIntake maskIntake;
    private final SubmissionLimiter limiter = new SubmissionLimiter();
    private final Map<String, AtomicInteger> reserved = new ConcurrentHashMap<>();
    private final Map<String, Object> idLocks = new ConcurrentHashMap<>();
    private final ExecutorService uploads = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "ist-upload");
        t.setDaemon(true);
        return t;
    });

    public SubmissionService(ImageIntake intake, JobValidator validator, JobPublisher publisher, JobStore store,
                             JobProjector projector, JobAccess access, GatewayMetrics metrics,
                             GatewaySettings settings, ModelCatalog models, WebhookRequestCheck webhooks,
                             FleetAdmission admission, MaskIntake maskIntake) {
        this.store = store;
        this.projector = projector;
        this.access = access;
        this.webhooks = webhooks;
        this.admission = admission;
        this.maskIntake = maskIntake;
        this.intake = intake;
        this.validator = validator;
        this.publisher = publisher;
        this.metrics = metrics;
        this.settings = settings;
        this.models = models;
    }

    public JobLimits limits() {
        return validator.limits();
    }

    /**
     * Submits the job that {@code draft} describes (read lazily, so an idempotent retry or a refused caller costs
     * no upload parsing).
     */
    public Submission submit(Caller caller, String idempotencyKey, Supplier<JobDraft> draft) {
        String jobId;
        if (idempotencyKey != null) {
            if (!IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
                throw ProblemException.malformed("Idempotency-Key", "must be 1 to 255 visible ASCII characters");
            }
            jobId = JobIds.forIdempotencyKey(caller.owner(), idempotencyKey);
            if (!projector.isCaughtUp()) {
                access.awaitProjector(); // after a start on an empty database the key's job may be on the way
            }
            Optional<JobSnapshot> existing = store.find(jobId);
            if (existing.isPresent()) {
                return replay(existing.get(), draft);
            }
        } else {
            jobId = JobIds.random();
        }
        Object lock = idLocks.computeIfAbsent(jobId, id -> new Object());
        try {
            synchronized (lock) {
                // a concurrent retry with the same key may have won the race while we waited
                Optional<JobSnapshot> existing = store.find(jobId);
                if (existing.isPresent()) {
                    return replay(existing.get(), draft);
                }
                return submitNew(caller, jobId, idempotencyKey, draft);
            }
        } finally {
            idLocks.remove(jobId);
        }
    }

    /**
     * A retry with a known Idempotency-Key gets the original job, but only for the same payload: a key reused for
     * other inputs or options must never hand back another payload's result.
     */
    private Submission replay(JobSnapshot existing, Supplier<JobDraft> draft) {
        String bound = existing.request().fingerprint();
        if (bound != null && !bound.equals(JobFingerprint.of(draft.get()))) {
            throw new ProblemException(422, "idempotency-key-reused", "Idempotency-Key reused",
                    "this Idempotency-Key was used for a different request (other images or options); "
                            + "use a new key for a new job", List.of(new FieldError("Idempotency-Key",
                    "already bound to another request")), "idempotency_key_reused");
        }
        metrics.duplicate();
        return new Submission(existing, true);
    }

    /** An image upload counts against the caller's per-minute budget like a submission. */
    public void chargeUpload(Caller caller) {
        OptionalLong wait = limiter.tryAcquire(caller);
        if (wait.isPresent()) {
            throw rateLimited(caller, wait.getAsLong());
        }
    }

    private static ProblemException rateLimited(Caller caller, long retryAfter) {
        return new ProblemException(429, "rate-limited", "Too many submissions",
                "at most " + caller.submissionsPerMinute() + " submissions and uploads per minute are allowed for "
                        + "this key", List.of(), "rate_limited")
                .with("limit", caller.submissionsPerMinute()).retryAfter(retryAfter);
    }

    private Submission submitNew(Caller caller, String jobId, String idempotencyKey,
                                 Supplier<JobDraft> draftSupplier) {
        OptionalLong wait = limiter.tryAcquire(caller);
        if (wait.isPresent()) {
            throw rateLimited(caller, wait.getAsLong());
        }
        AtomicInteger pending = reserved.computeIfAbsent(caller.owner(), o -> new AtomicInteger());
        synchronized (pending) {
            int inFlight = store.inFlight(caller.owner()) + pending.get();
            if (inFlight >= caller.maxInFlight()) {
                throw new ProblemException(429, "too-many-jobs-in-flight", "Too many jobs in flight",
                        "this key has " + inFlight + " unfinished jobs; at most " + caller.maxInFlight()
                                + " are allowed at once", List.of(), "rate_limited")
                        .with("limit", caller.maxInFlight())
                        .retryAfter(settings.limits().inFlightRetryAfter().toSeconds());
            }
            pending.incrementAndGet();
        }
        try {
            Checked checked = prepare(caller, jobId, draftSupplier.get(), false);
            JobRequest request = checked.request();
            JobEvent queued = JobEvent.queued(jobId, request.submittedAt());
            // the row first: its unique key decides between replicas racing with one Idempotency-Key, and every
            // replica reads the job at once; the projector applies the published records again, idempotently
            if (!store.admit(request, queued, idempotencyKey)) {
                return replay(store.find(jobId).orElseThrow(), draftSupplier);
            }
            try {
                publisher.submit(request);
            } catch (RuntimeException e) { // PublishException, or the producer failing otherwise
                forgetQuietly(jobId);
                throw e;
            }
            metrics.accepted();
            return new Submission(store.find(jobId).orElseThrow(), false, checked.quote());
        } finally {
            pending.decrementAndGet();
        }
    }

    /**
     * {@code POST /v1/jobs?dryRun=true}: every check of a submit and the capacity quote, but nothing is stored, queued
     * or counted in flight (the call counts against the per-minute budget like an upload). Empty for a fast job.
     */
    public Optional<FleetQuote> dryRun(Caller caller, Supplier<JobDraft> draft) {
        chargeUpload(caller);
        return Optional.ofNullable(prepare(caller, JobIds.random(), draft.get(), true).quote());
    }

    /** A checked submission: the request to publish (null for a dry run) and its capacity quote (null: none). */
    private record Checked(JobRequest request, FleetQuote quote) {
    }

    private Checked prepare(Caller caller, String jobId, JobDraft draft, boolean dryRun) {
        JobLimits limits = validator.limits();
        if (!caller.mayUse(draft.lane())) {
            throw priorityNotAllowed(draft.lane(), caller.maxPriority());
        }
        List<FieldError> errors = new ArrayList<>();
        if (draft.content() == null) {
            errors.add(new FieldError("content", "a content image is required"));
        }
        boolean fast = draft.options() != null && draft.options().mode() == JobMode.FAST;
        if (draft.styles().isEmpty() && !fast) { // a FAST job's network carries its style
            errors.add(new FieldError("styles", "at least one style image is required"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid("the job is missing images", errors, "missing_image");
        }
        if (draft.styles().size() > limits.maxStyles()) {
            throw new ProblemException(422, "too-many-styles", "Too many style images",
                    draft.styles().size() + " style images were sent; at most " + limits.maxStyles()
                            + " are allowed",
                    List.of(new FieldError("styles", "at most " + limits.maxStyles() + " style images are allowed")),
                    "too_many_styles")
                    .with("field", "styles").with("limit", limits.maxStyles());
        }
        List<Double> weights = draft.styleWeights();
        if (weights != null && weights.size() != draft.styles().size()) {
            throw ProblemException.invalid("styleWeights must have one weight per style image",
                    List.of(new FieldError("styleWeights", "expected " + draft.styles().size() + " weights, got "
                            + weights.size())), "invalid_option");
        }
        List<FieldError> optionErrors = validator.validateOptions(draft.options());
        if (!optionErrors.isEmpty()) {
            throw invalidOptions(optionErrors);
        }
        if (fast && !models.exists(draft.options().model())) {
            throw invalidOptions(List.of(new FieldError("options.model", "no model named "
                    + draft.options().model() + " is registered (see GET /v1/models)")));
        }

        WebhookSpec webhook = webhooks.check(draft.webhook());

        // check every image before storing any, so a refused job leaves nothing behind
        List<ImageSource> sources = new ArrayList<>();
        sources.add(draft.content());
        sources.addAll(draft.styles());
        List<ImageInfo> infos = new ArrayList<>();
        for (ImageSource s : sources) {
            if (s.bytes() != null) {
                infos.add(intake.inspect(s.field(), s.bytes()));
            } else {
                intake.checkStored(s.field(), s.ref(), caller.owner());
                infos.add(null);
            }
        }
        if (infos.get(0) != null && !fast) {
            Geometry.check(infos.get(0), draft.options(), limits);
        }
        if (draft.options().init() == InitMode.IMAGE && draft.options().initImage() != null) {
            intake.checkStored("options.initImage", draft.options().initImage(), caller.owner());
        }
        List<MaskIntake.Checked> masks = maskIntake.check(draft, infos, caller.owner());
        ImageRef contentRef = draft.content().ref();
        FleetQuote quote = (dryRun ? admission.quote(draft.options(), infos.get(0), contentRef)
                : admission.admit(draft.options(), infos.get(0), contentRef)).orElse(null);
        if (dryRun) {
            return new Checked(null, quote);
        }
        String fingerprint = JobFingerprint.of(draft);
        List<ImageSource> toStore = new ArrayList<>(sources);
        List<ImageInfo> toStoreInfos = new ArrayList<>(infos);
        for (MaskIntake.Checked m : masks) {
            toStore.add(m.source());
            toStoreInfos.add(m.info());
        }
        List<ImageRef> refs = storeAll(toStore, toStoreInfos, caller.owner());
        int styleCount = draft.styles().size();
        ImageRef[] outputMasks = new ImageRef[styleCount];
        ImageRef[] styleImageMasks = new ImageRef[styleCount];
        ImageRef contentMask = null;
        for (int k = 0; k < masks.size(); k++) {
            MaskIntake.Checked m = masks.get(k);
            ImageRef ref = refs.get(sources.size() + k);
            switch (m.target()) {
                case OUTPUT -> outputMasks[m.style()] = ref;
                case STYLE_IMAGE -> styleImageMasks[m.style()] = ref;
                case CONTENT -> contentMask = ref;
            }
        }
        List<StyleRef> styles = new ArrayList<>();
        for (int i = 0; i < styleCount; i++) {
            styles.add(new StyleRef(refs.get(i + 1), weights == null ? 1.0 : weights.get(i), outputMasks[i],
                    styleImageMasks[i]));
        }
        JobOptions options = contentMask == null ? draft.options()
                : draft.options().toBuilder().contentMask(contentMask).build();
        JobRequest request = JobRequest.of(jobId, Instant.now(), refs.get(0), styles, options,
                caller.owner()).withFingerprint(fingerprint).withWebhook(webhook)
                .withDeadline(draft.deadline()).withPriority(draft.lane())
                // the pool the capacity quote chose; a fast job (not quoted) runs in the default pool
                .withPool(quote == null ? dev.ist.common.capacity.WorkerPool.DEFAULT : quote.pool())
                // what every replica's queue ETA adds up for the jobs ahead of others
                .withQuotedSeconds(quote == null || quote.estimate() == null ? null : quote.estimate().seconds());
        List<FieldError> all = validator.validate(request);
        if (!all.isEmpty()) {
            throw invalidOptions(all);
        }
        return new Checked(request, quote);
    }

    /** Uploads go to storage in parallel: each is a stat and a put, and a submission has two or more. */
    private List<ImageRef> storeAll(List<ImageSource> sources, List<ImageInfo> infos, String owner) {
        List<CompletableFuture<ImageRef>> pending = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            ImageSource s = sources.get(i);
            ImageInfo info = infos.get(i);
            pending.add(s.bytes() == null ? CompletableFuture.completedFuture(s.ref())
                    : CompletableFuture.supplyAsync(() -> intake.store(s.bytes(), info, owner).ref(), uploads));
        }
        List<ImageRef> refs = new ArrayList<>();
        for (CompletableFuture<ImageRef> f : pending) {
            try {
                refs.add(f.join());
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            }
        }
        return refs;
    }

    @PreDestroy
    void stopUploads() {
        uploads.shutdown();
    }

    /** 403: the key's configuration (max-priority) does not grant this lane; a key problem, not a bad field value. */
    private static ProblemException priorityNotAllowed(dev.ist.common.job.Priority asked,
                                                       dev.ist.common.job.Priority allowed) {
        String lane = asked.name().toLowerCase(java.util.Locale.ROOT);
        String max = allowed.name().toLowerCase(java.util.Locale.ROOT);
        return new ProblemException(403, "priority-not-allowed", "Priority not allowed for this key",
                "this key may submit at priority " + max + " at most, not " + lane,
                List.of(new FieldError("priority", "at most " + max + " for this key")), "priority_not_allowed")
                .with("field", "priority").with("maxPriority", max);
    }

    private static ProblemException invalidOptions(List<FieldError> errors) {
        ProblemException p = ProblemException.invalid(
                errors.size() == 1 ? errors.get(0).toString() : errors.size() + " fields are invalid", errors,
                "invalid_option");
        return p;
    }

    /** A job whose records never reached Kafka must not linger as QUEUED in the store. */
    private void forgetQuietly(String jobId) {
        try {
            store.forgetUnpublished(jobId);
        } catch (RuntimeException e) {
            org.jboss.logging.Logger.getLogger(SubmissionService.class).errorf(
                    "job %s was not published and could not be removed from the job store: %s", jobId, e.getMessage());
        }
    }
}
