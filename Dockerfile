# syntax=docker/dockerfile:1
#
# ipsec-diag as a container: `docker build -t ipsec-diag .` then
#   docker run --rm -p 8080:8080 ipsec-diag
# and open http://localhost:8080/ (or POST logs to /v1/diagnose, /rpc).
#
# Two stages: the build stage compiles on Debian 13 (trixie), where
# libllhttp-dev (>= 9.2.1) is a plain package, and runs the unit tests and
# the corpus of real strongSwan logs, so an image is never built from a tree
# whose tests fail. The runtime stage carries only the binary and its shared
# libraries, and runs as an unprivileged user.
# Checked without a Docker engine by scripts/lint-dockerfile.sh.

ARG DEBIAN_IMAGE=debian:trixie-slim

# ---- build --------------------------------------------------------------------
FROM ${DEBIAN_IMAGE} AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        gcc libc6-dev make cmake pkg-config \
        libuv1-dev libjansson-dev libllhttp-dev check \
        python3 curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY include/ include/
COPY src/ src/
COPY api/ api/
COPY web/ web/
COPY tests/unit/ tests/unit/
COPY tests/corpus/ tests/corpus/
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
 && cmake --build build -j"$(nproc)" \
 && ctest --test-dir build --output-on-failure -R 'unit|corpus' \
 && cmake --install build --prefix /out --strip \
 && /out/bin/ipsec-diag version

# ---- runtime ------------------------------------------------------------------
FROM ${DEBIAN_IMAGE}
ENV DEBIAN_FRONTEND=noninteractive
# Only the shared libraries the binary links (readelf -d: libuv.so.1,
# libjansson.so.4, libllhttp.so.9.2, libc.so.6).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libuv1t64 libjansson4 libllhttp9.2 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 ipsecdiag \
 && useradd --system --uid 10001 --gid ipsecdiag --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin ipsecdiag
COPY --from=build /out/bin/ipsec-diag /usr/local/bin/ipsec-diag
USER 10001:10001
EXPOSE 8080
# No curl in the image: bash's /dev/tcp sends the request. /healthz is public
# (no token needed), so this works with --token-file as well.
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/ipsec-diag"]
CMD ["serve", "--listen", "0.0.0.0:8080"]
