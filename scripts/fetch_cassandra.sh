#!/usr/bin/env bash
# fetch_cassandra.sh VERSION DEST
#
# Lays out an Apache Cassandra node image under DEST from Maven Central:
#   DEST/lib/   cassandra-all-VERSION.jar and its runtime dependency closure
#   DEST/conf/  jvm17-server.options, jvm17-clients.options (Java 17 module
#               flags), logback.xml (node: WARN to ${cassandra.logdir}/system.log,
#               plus the few INFO lines a supervisor waits for) and
#               logback-tools.xml (nodetool: WARN to stderr)
#   DEST/.complete  marker written last: "version=… jars=…"
#
# The binary distribution (org.apache.cassandra:apache-cassandra:V:tar.gz:bin)
# is not on Maven Central, so the image is built from cassandra-all.
#
# Idempotent and cached: when DEST/.complete names VERSION nothing is done.
# Downloaded artifacts are kept in a Maven repository at DEST/../.m2 (override
# with CASSANDRA_M2), so rebuilding a removed DEST works offline. Needs Java 17
# and Debian's maven; installs them with apt-get when missing and run as root.
# Non-interactive (CI=true, no stdin).
set -euo pipefail

usage() { echo "usage: $0 VERSION DEST" >&2; exit 2; }
[ $# -eq 2 ] || usage
VERSION=$1
DEST=$2
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "fetch_cassandra: bad version '$VERSION'" >&2; exit 2; }
mkdir -p "$(dirname "$DEST")"
DEST=$(cd "$(dirname "$DEST")" && pwd)/$(basename "$DEST")
M2=${CASSANDRA_M2:-$(dirname "$DEST")/.m2}
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.6.1

log() { echo "fetch_cassandra: $*" >&2; }

if [ -f "$DEST/.complete" ] && grep -q "^version=$VERSION\b" "$DEST/.complete" \
   && [ -f "$DEST/lib/cassandra-all-$VERSION.jar" ]; then
  log "cached: $DEST ($(cat "$DEST/.complete"))"
  exit 0
fi

ensure_tools() {
  local need=()
  command -v mvn >/dev/null 2>&1 || need+=(maven)
  if ! java -version 2>&1 | grep -q 'version "17\.'; then
    [ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ] || [ -x /usr/lib/jvm/java-17-openjdk-arm64/bin/java ] \
      || need+=(openjdk-17-jre-headless)
  fi
  if [ ${#need[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { log "missing ${need[*]} (install them: apt-get install ${need[*]})"; exit 1; }
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${need[@]}" </dev/null >/dev/null 2>&1 \
      || { apt-get update -q </dev/null >/dev/null 2>&1; apt-get install -y -q "${need[@]}" </dev/null >/dev/null; }
  fi
  # Maven and the check above must run on Java 17.
  local j
  for j in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64; do
    if [ -x "$j/bin/java" ]; then export JAVA_HOME=$j; break; fi
  done
}
ensure_tools

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fetch-cassandra.XXXXXX")
STAGE="$DEST.partial.$$"
cleanup() { rm -rf "$WORK" "$STAGE"; }
trap cleanup EXIT
mkdir -p "$STAGE/lib" "$STAGE/conf" "$M2"

cat >"$WORK/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>automat</groupId>
  <artifactId>cassandra-image</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.cassandra</groupId>
      <artifactId>cassandra-all</artifactId>
      <version>$VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF

# Offline first (everything may already be in the local repository), then online.
mvn_copy() {
  (cd "$WORK" && mvn -B -q -Dstyle.color=never "$@" -Dmaven.repo.local="$M2" \
     "$DEP_PLUGIN:copy-dependencies" -DincludeScope=runtime \
     -DoutputDirectory="$STAGE/lib" </dev/null >"$WORK/mvn.log" 2>&1)
}
start=$(date +%s)
if mvn_copy -o; then
  log "resolved cassandra-all $VERSION from the local repository $M2"
else
  rm -f "$STAGE"/lib/*
  log "downloading cassandra-all $VERSION and its runtime dependencies into $M2"
  if ! mvn_copy; then
    sed "s/\x1b\[[0-9;]*m//g" "$WORK/mvn.log" | grep -E "ERROR" | head -1 >&2
    log "maven could not resolve org.apache.cassandra:cassandra-all:$VERSION"
    exit 1
  fi
  log "downloaded in $(( $(date +%s) - start ))s"
fi
[ -f "$STAGE/lib/cassandra-all-$VERSION.jar" ] || { log "cassandra-all-$VERSION.jar missing after copy"; exit 1; }

# --- conf/ -----------------------------------------------------------------
# Java 17 module flags Cassandra 5.0 needs (the set of the distribution's
# conf/jvm17-server.options), plus G1 settings for a small heap.
cat >"$STAGE/conf/jvm17-server.options" <<'EOF'
# Cassandra 5.0 node on Java 17: one JVM argument per line; '#' lines ignored.
-XX:+UseG1GC
-XX:+ParallelRefProcEnabled
-XX:MaxTenuringThreshold=1
-XX:G1RSetUpdatingPauseTimePercent=5
-XX:MaxGCPauseMillis=300
-XX:InitiatingHeapOccupancyPercent=70
-XX:+ExitOnOutOfMemoryError
-XX:+PerfDisableSharedMem
-Xss256k
-Djava.net.preferIPv4Stack=true
-Djdk.attach.allowAttachSelf=true
-Dio.netty.tryReflectionSetAccessible=true
-Dio.netty.allocator.useCacheForAllThreads=true
-Dio.netty.allocator.maxOrder=11
--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED
--add-exports=java.base/java.lang.ref=ALL-UNNAMED
--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED
--add-exports=java.sql/java.sql=ALL-UNNAMED
--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED
--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED
--add-opens=java.base/java.lang.module=ALL-UNNAMED
--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED
--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED
--add-opens=java.base/jdk.internal.math=ALL-UNNAMED
--add-opens=java.base/jdk.internal.module=ALL-UNNAMED
--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED
--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED
--add-opens=java.base/java.io=ALL-UNNAMED
--add-opens=java.base/java.lang=ALL-UNNAMED
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED
--add-opens=java.base/java.util=ALL-UNNAMED
--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
EOF

# nodetool and other tools (the distribution's conf/jvm17-clients.options set).
cat >"$STAGE/conf/jvm17-clients.options" <<'EOF'
# Cassandra 5.0 tools (nodetool …) on Java 17: one JVM argument per line.
-Xmx128M
-XX:+UseSerialGC
-XX:TieredStopAtLevel=1
-Djava.net.preferIPv4Stack=true
-Djdk.attach.allowAttachSelf=true
--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED
--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
--add-exports=java.base/sun.nio.ch=ALL-UNNAMED
--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED
--add-exports=java.sql/java.sql=ALL-UNNAMED
--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED
--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED
--add-opens=java.base/java.lang.module=ALL-UNNAMED
--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED
--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED
--add-opens=java.base/jdk.internal.math=ALL-UNNAMED
--add-opens=java.base/jdk.internal.module=ALL-UNNAMED
--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED
--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED
--add-opens=java.base/java.io=ALL-UNNAMED
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED
--add-opens=java.base/java.util=ALL-UNNAMED
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
--add-opens=java.base/java.lang=ALL-UNNAMED
--add-opens=java.base/java.math=ALL-UNNAMED
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED
--add-opens=java.base/java.net=ALL-UNNAMED
--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
EOF

# Node logging: WARN and above to ${cassandra.logdir}/system.log, plus the INFO
# lines a supervisor waits for ("Starting listening for CQL clients",
# "is now UP", state changes, startup/shutdown).
cat >"$STAGE/conf/logback.xml" <<'EOF'
<configuration scan="false" debug="false">
  <appender name="FILE" class="ch.qos.logback.core.rolling.RollingFileAppender">
    <file>${cassandra.logdir}/system.log</file>
    <rollingPolicy class="ch.qos.logback.core.rolling.FixedWindowRollingPolicy">
      <fileNamePattern>${cassandra.logdir}/system.log.%i</fileNamePattern>
      <minIndex>1</minIndex>
      <maxIndex>3</maxIndex>
    </rollingPolicy>
    <triggeringPolicy class="ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy">
      <maxFileSize>20MB</maxFileSize>
    </triggeringPolicy>
    <encoder>
      <pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern>
    </encoder>
  </appender>
  <logger name="org.apache.cassandra.transport.PipelineConfigurator" level="INFO"/>
  <logger name="org.apache.cassandra.gms.Gossiper" level="INFO"/>
  <logger name="org.apache.cassandra.service.StorageService" level="INFO"/>
  <logger name="org.apache.cassandra.service.CassandraDaemon" level="INFO"/>
  <root level="WARN">
    <appender-ref ref="FILE"/>
  </root>
</configuration>
EOF

# nodetool logging: WARN to stderr, so stdout carries only the command's output.
cat >"$STAGE/conf/logback-tools.xml" <<'EOF'
<configuration scan="false" debug="false">
  <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder>
      <pattern>%-5level %date{"HH:mm:ss,SSS"} %msg%n</pattern>
    </encoder>
  </appender>
  <root level="WARN">
    <appender-ref ref="STDERR"/>
  </root>
</configuration>
EOF

jars=$(find "$STAGE/lib" -maxdepth 1 -name '*.jar' | wc -l)
jamm=$(cd "$STAGE/lib" && ls jamm-*.jar 2>/dev/null | head -1)
[ -n "$jamm" ] || { log "jamm jar missing from the dependency closure"; exit 1; }
printf 'version=%s jars=%s jamm=%s\n' "$VERSION" "$jars" "$jamm" >"$STAGE/.complete"

rm -rf "$DEST"
mv "$STAGE" "$DEST"
log "laid out $DEST ($jars jars, $(du -sh "$DEST/lib" | cut -f1))"
