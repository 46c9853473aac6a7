# Sourced by ./tracegate, ./test and .ci/run: picks the JDK the project is built and run with.
# Temurin 25 when installed (the team's choice), else whatever JAVA_HOME or java says, if >= 21.
if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
elif [ -z "${JAVA_HOME:-}" ] && command -v java >/dev/null; then
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  export JAVA_HOME
fi
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ]; then
  echo "tracegate: no JDK found; install JDK 21 or newer (Temurin 25 recommended)" >&2
  exit 1
fi
version="$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')"
if [ "${version%%.*}" -lt 21 ] 2>/dev/null; then
  echo "tracegate: $JAVA_HOME is Java $version; Tracegate needs Java 21 or newer (Temurin 25 recommended)" >&2
  exit 1
fi
export PATH="$JAVA_HOME/bin:$PATH"
# JDK 24+ warns that Maven's bundled Guice uses sun.misc.Unsafe; allow it quietly there.
if [ "${version%%.*}" -ge 24 ] 2>/dev/null; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi
