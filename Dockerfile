# syntax=docker/dockerfile:1
# Tracegate's container image: docs/operations.md#container.
#   docker build -t tracegate .
#   docker run -v tracegate-state:/var/lib/tracegate -v ./tracegate.yaml:/etc/tracegate/tracegate.yaml:ro \
#     --read-only --tmpfs /tmp -p 6432:6432 -p 8080:8080 tracegate

# --- build: the same Maven wrapper and JDK as a checkout; the tests run in CI (./test), not here.
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY . .
# `package` lays out tracegate-<version>/{bin,lib,config} (scripts/release-layout).
RUN ./mvnw -B -q -DskipTests -pl cli -am package \
 && mkdir /opt/tracegate \
 && cp -a cli/target/tracegate-*/. /opt/tracegate/

# --- runtime: a JRE, the release, a user without a login, state on one volume.
FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 tracegate \
 && useradd --system --uid 10001 --gid tracegate --home-dir /var/lib/tracegate --no-create-home \
      --shell /usr/sbin/nologin tracegate \
 && mkdir -p /var/lib/tracegate /etc/tracegate \
 && chown tracegate:tracegate /var/lib/tracegate \
 && chmod 0750 /var/lib/tracegate
COPY --from=build /opt/tracegate /opt/tracegate
COPY deploy/container/tracegate.yaml /etc/tracegate/tracegate.yaml
# Everything the gateway writes (store when embedded, keys, TLS certificate, evidence anchor) is under
# dataDir=/var/lib/tracegate; the JVM writes only to /tmp. Run with --read-only and a tmpfs on /tmp.
ENV TRACEGATE_CONFIG=/etc/tracegate/tracegate.yaml \
    TRACEGATE_STATE_DIR=/var/lib/tracegate \
    TRACEGATE_JVM_OPTIONS_FILE=/opt/tracegate/config/jvm.container.options \
    HOME=/var/lib/tracegate
VOLUME ["/var/lib/tracegate"]
WORKDIR /var/lib/tracegate
USER 10001:10001
# PostgreSQL, API/console/metrics, HTTP gateway, SSH: those of deploy/container/tracegate.yaml.
EXPOSE 6432 8080 8443 2222
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/tracegate/bin/container-entrypoint"]
CMD ["serve"]
