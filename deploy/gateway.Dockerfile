# syntax=docker/dockerfile:1.7
# IST gateway image (Quarkus fast-jar).
#   docker build -f deploy/gateway.Dockerfile -t ist/gateway:dev .
# Build context: the repository root.

ARG MAVEN_IMAGE=maven:3.9.9-eclipse-temurin-17
ARG JRE_IMAGE=eclipse-temurin:17-jre-noble

FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
# The whole reactor (every module pom must exist); the .dockerignore next to this file trims it.
COPY . /src/
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl gateway -am package -DskipTests \
 && test -f gateway/target/quarkus-app/quarkus-run.jar

FROM ${JRE_IMAGE} AS runtime
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 ist \
 && useradd --system --uid 10001 --gid ist --home-dir /app --shell /usr/sbin/nologin ist
WORKDIR /app
COPY --from=build /src/gateway/target/quarkus-app/lib/ /app/lib/
COPY --from=build /src/gateway/target/quarkus-app/*.jar /app/
COPY --from=build /src/gateway/target/quarkus-app/app/ /app/app/
COPY --from=build /src/gateway/target/quarkus-app/quarkus/ /app/quarkus/
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=25 -XX:+ExitOnOutOfMemoryError" \
    QUARKUS_HTTP_HOST=0.0.0.0 \
    QUARKUS_HTTP_PORT=8080
USER 10001:10001
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/q/health/ready || exit 1
ENTRYPOINT ["java", "-jar", "/app/quarkus-run.jar"]
