#!/usr/bin/env bash
# Prepares device-carry/ (git-ignored) for bench/gpu-check.sh on a GPU machine without Java or Maven:
#   jre.tar.gz          a Java runtime made with jlink (the modules the engine, the app and JUnit need)
#   lib/*.jar           the engine, the CUDA backend, the app, the benchmarks, JCuda (+ Linux natives), the test jars
#   junit-console.jar   JUnit's stand-alone launcher, to run the CUDA-vs-CPU suite there
# Then, with the device tool: carry ["device-carry"], command "bash bench/gpu-check.sh". Stays well under 64 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
carry=$(pwd)/device-carry
rm -rf "$carry" && mkdir -p "$carry/lib"
# strict: the GPU machine needs the compiled kernels, so a kernel that does not compile must stop here
SARGAN_KERNELS_STRICT=1 mvn -B -q install -DskipTests
mvn -B -q -pl bench dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$carry/lib" \
  -DexcludeArtifactIds=jmh-generator-annprocess
cp bench/target/sargan-bench-*.jar "$carry/lib/"
for m in core kernels sargan; do cp "$m"/target/*-tests.jar "$carry/lib/"; done
mvn -B -q -pl bench dependency:copy-dependencies -DincludeScope=test \
  -DincludeArtifactIds=junit-platform-console-standalone -DoutputDirectory="$carry/tmp"
mv "$carry"/tmp/junit-platform-console-standalone-*.jar "$carry/junit-console.jar" && rm -rf "$carry/tmp"
jlink --add-modules java.base,java.desktop,java.logging,java.management,java.xml,jdk.unsupported,jdk.incubator.vector \
  --strip-debug --no-man-pages --no-header-files --compress=2 --output "$carry/jre"
tar -czf "$carry/jre.tar.gz" -C "$carry" jre && rm -rf "$carry/jre"
du -sh "$carry" "$carry"/jre.tar.gz "$carry"/lib
