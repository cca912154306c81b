# Sourced by the launcher and CI scripts: finds JDK 25 (JAVA_HOME first, then /usr/lib/jvm)
# and sets JAVA_HOME, JAVA and BLUESHIFT_JVM_FLAGS.
find_jdk25() {
    local candidate version
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/*; do
        [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
        version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
        if [ "${version%%.*}" -ge 25 ] 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}
if ! JAVA_HOME=$(find_jdk25); then
    echo "blueshift: JDK 25 or newer not found (set JAVA_HOME, or install one under /usr/lib/jvm)" >&2
    exit 1
fi
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
# java.nio open and sun.misc.Unsafe allowed: Arrow Java's allocator (Arrow IPC files) needs both on JDK 25
BLUESHIFT_JVM_FLAGS="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
