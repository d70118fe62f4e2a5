# syntax=docker/dockerfile:1.7
# IST worker image, two variants (build targets):
#   docker build -f deploy/worker.Dockerfile --target cpu  -t ist/worker:dev-cpu  .
#   docker build -f deploy/worker.Dockerfile --target cuda -t ist/worker:dev-cuda .
# Build context: the repository root. The PyTorch native library is put into the image at
# build time (cpu: extracted from DJL's pytorch-native-cpu jar; cuda: downloaded by DJL for
# flavour cu128), and the worker runs with ai.djl.offline=true: nothing downloads at run time.

ARG MAVEN_IMAGE=maven:3.9.9-eclipse-temurin-17
ARG JRE_IMAGE=eclipse-temurin:17-jre-noble
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-base-ubuntu24.04

# ---- build the worker jar and its runtime classpath ------------------------------------------
FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
# The whole reactor (every module pom must exist); the .dockerignore next to this file trims it.
COPY . /src/
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl worker -am package -DskipTests \
 && mkdir -p /out/lib /out/bin \
 && cp worker/target/lib/*.jar /out/lib/ \
 && find worker/target -maxdepth 1 -name 'ist-worker-*.jar' ! -name '*-sources.jar' ! -name '*-tests.jar' \
        -exec cp {} /out/ist-worker.jar \;
# Main class of the worker command line; the container runs "<main> worker".
ARG WORKER_MAIN_CLASS=dev.ist.worker.cli.IstCli
RUN printf '#!/bin/sh\nexec java -cp "/app/ist-worker.jar:/app/lib/*" %s "$@"\n' "${WORKER_MAIN_CLASS}" > /out/bin/ist-worker \
 && chmod 0755 /out/bin/ist-worker

# ---- native library, CPU flavour: extract it once, and prove it loads ------------------------
FROM build AS native-cpu
ENV ENGINE_CACHE_DIR=/opt/djl PYTORCH_FLAVOR=cpu
RUN java -cp "/out/ist-worker.jar:/out/lib/*" /src/deploy/djl/FetchDjlNative.java --require-load \
 && test -n "$(find /opt/djl -name 'libtorch_cpu.so' -print -quit)"

# ---- native library, CUDA flavour: DJL downloads it here, at build time ----------------------
FROM build AS native-cuda
ARG DJL_PYTORCH_FLAVOR=cu128
ENV ENGINE_CACHE_DIR=/opt/djl PYTORCH_FLAVOR=${DJL_PYTORCH_FLAVOR}
# The CPU native jar would shadow the CUDA download: drop it from the CUDA classpath.
RUN rm -f /out/lib/pytorch-native-cpu-*.jar \
 && java -cp "/out/ist-worker.jar:/out/lib/*" /src/deploy/djl/FetchDjlNative.java \
 && test -n "$(find /opt/djl -name 'libtorch_cuda.so' -print -quit)" \
 && test -n "$(find /opt/djl -name '*djl_torch*' -print -quit)"

# ---- runtime: CPU ----------------------------------------------------------------------------
FROM ${JRE_IMAGE} AS cpu
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl libgomp1 libjemalloc2 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 ist \
 && useradd --system --uid 10001 --gid ist --home-dir /app --shell /usr/sbin/nologin ist
WORKDIR /app
COPY --from=build /out/ /app/
COPY --from=native-cpu /opt/djl /opt/djl
# Heap stays small: PyTorch tensors live off-heap, in native memory.
ENV ENGINE_CACHE_DIR=/opt/djl \
    DJL_CACHE_DIR=/tmp/djl \
    PYTORCH_FLAVOR=cpu \
    IST_WORKER_DEVICE=cpu \
    IST_WORKER_METRICS_PORT=9400 \
    LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 \
    MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 \
    OMP_WAIT_POLICY=PASSIVE \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=25 -XX:+ExitOnOutOfMemoryError -Dai.djl.offline=true"
USER 10001:10001
EXPOSE 9400
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${IST_WORKER_METRICS_PORT}/health/live" || exit 1
ENTRYPOINT ["/app/bin/ist-worker"]
CMD ["worker"]

# ---- runtime: CUDA ---------------------------------------------------------------------------
FROM ${JRE_IMAGE} AS jre
FROM ${CUDA_IMAGE} AS cuda
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates libgomp1 libjemalloc2 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 ist \
 && useradd --system --uid 10001 --gid ist --home-dir /app --shell /usr/sbin/nologin ist
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
WORKDIR /app
COPY --from=native-cuda /out/ /app/
COPY --from=native-cuda /opt/djl /opt/djl
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:${PATH} \
    ENGINE_CACHE_DIR=/opt/djl \
    DJL_CACHE_DIR=/tmp/djl \
    PYTORCH_FLAVOR=cu128 \
    IST_WORKER_DEVICE=gpu \
    IST_WORKER_METRICS_PORT=9400 \
    LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 \
    MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 \
    OMP_WAIT_POLICY=PASSIVE \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=25 -XX:+ExitOnOutOfMemoryError -Dai.djl.offline=true"
USER 10001:10001
EXPOSE 9400
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=90s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${IST_WORKER_METRICS_PORT}/health/live" || exit 1
ENTRYPOINT ["/app/bin/ist-worker"]
CMD ["worker"]
