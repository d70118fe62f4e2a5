-- Job state projected from the Kafka topics (jobs lanes, ist.events, ist.control) by the gateway's projector.
-- Kafka stays the source of truth: every row can be rebuilt by projecting the topics from offset 0.

-- One row per job. The request columns are null while only events of the job are known (topics are read in
-- parallel); readers ignore such rows. The summary columns follow the events by seq (the latest event wins, a
-- terminal event decides the state), so a GET or a list never walks the events.
CREATE TABLE jobs (
    job_id           text PRIMARY KEY,
    owner            text,
    -- the caller's Idempotency-Key, for jobs admitted with one: unique per owner, so two replicas can never
    -- admit the same key twice
    idempotency_key  text,
    request          text,              -- the JobRequest as published (the shared codec's JSON)
    -- the projector has read the request from its jobs topic (false: admitted here, not yet seen on Kafka)
    projected        boolean NOT NULL DEFAULT false,
    forwards         integer NOT NULL DEFAULT 0,
    pool             text,
    lane             text,
    submitted_at     timestamptz,
    deadline         timestamptz,
    quoted_seconds   double precision,
    state            text NOT NULL DEFAULT 'QUEUED',
    cancel_requested boolean NOT NULL DEFAULT false,
    last_seq         bigint NOT NULL DEFAULT -1,
    terminal_seq     bigint,
    updated_at       timestamptz,
    worker_id        text,
    progress         text,              -- Progress JSON of the latest tick
    preview_key      text,
    result_key       text,
    failure          text,              -- Failure JSON
    timings          text,              -- per-phase timings JSON (merged over the events)
    network          text,              -- NetworkInfo JSON
    total_ms         bigint,            -- SUCCEEDED: the worker's total run time (queue ETAs)
    -- PROGRESS ticks at or below this seq were trimmed (the per-job cap) and are not taken again
    trimmed_through  bigint NOT NULL DEFAULT -1,
    event_count      integer NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX jobs_idempotency_key ON jobs (owner, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- the list (keyset pagination: newest first, then id), with and without a status filter
CREATE INDEX jobs_by_owner ON jobs (owner, submitted_at DESC, job_id) WHERE request IS NOT NULL;
CREATE INDEX jobs_by_owner_state ON jobs (owner, state, submitted_at DESC, job_id) WHERE request IS NOT NULL;
-- queue positions: the queued jobs of one pool in submission order
CREATE INDEX jobs_queued ON jobs (pool, submitted_at, job_id)
    WHERE state = 'QUEUED' AND NOT cancel_requested AND request IS NOT NULL;
-- per-key in-flight counts
CREATE INDEX jobs_in_flight ON jobs (owner) WHERE state IN ('QUEUED', 'RUNNING');
-- the deadline sweep
CREATE INDEX jobs_deadline ON jobs (deadline)
    WHERE deadline IS NOT NULL AND state IN ('QUEUED', 'RUNNING') AND NOT cancel_requested;
-- live workers per pool (those that reported on one of its jobs lately), for queue ETAs
CREATE INDEX jobs_recently_updated ON jobs (pool, updated_at);
-- admitted jobs whose request never reached Kafka (the admitting gateway died before publishing)
CREATE INDEX jobs_unprojected ON jobs (submitted_at) WHERE NOT projected;
-- retention, and the recent durations behind queue ETAs
CREATE INDEX jobs_finished ON jobs (updated_at) WHERE state IN ('SUCCEEDED', 'FAILED', 'CANCELLED');

-- The events of each job (the SSE replay after Last-Event-ID, the page's loss chart and previews). A running job
-- keeps up to ist.gateway.view.max-events-per-job (the oldest PROGRESS ticks go first); a finished job keeps a
-- summary: its lifecycle events, its last tick and its last tick with a preview.
CREATE TABLE job_events (
    job_id text   NOT NULL REFERENCES jobs (job_id) ON DELETE CASCADE,
    seq    bigint NOT NULL,
    type   text   NOT NULL,
    body   text   NOT NULL,             -- the JobEvent as published (the shared codec's JSON)
    preview boolean NOT NULL DEFAULT false, -- a PROGRESS tick that names a preview image
    PRIMARY KEY (job_id, seq)
);

-- The projector's consumed positions, written in the same transaction as the rows they produced: after a crash
-- the projector resumes exactly after the last committed record (Kafka's own group commits are not used).
CREATE TABLE projector_offsets (
    topic       text    NOT NULL,
    partition   integer NOT NULL,
    next_offset bigint  NOT NULL,
    PRIMARY KEY (topic, partition)
);
