# SPDX-License-Identifier: AGPL-3.0-or-later
# One image, both daemons: official-srv and citizen-srv (docker-compose.yml picks one per
# service). Built with the hardened release preset; the runtime stage holds only the shared
# libraries they link against and runs as an unprivileged user.

FROM debian:12 AS build
RUN apt-get update \
	&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		build-essential cmake pkg-config ca-certificates \
		libmicrohttpd-dev libjansson-dev libcurl4-openssl-dev libssl-dev libpq-dev \
		libargon2-dev libcmark-dev libvips-dev zlib1g-dev libcsv-dev nodejs npm \
		fonts-noto-core \
	&& rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The release preset builds no unit tests (BALADIYA_TESTS=OFF), so cmocka is not needed.
# web/: the front-end libraries (Leaflet) the build embeds, pinned by web/package-lock.json.
RUN rm -rf build \
	&& (cd web && npm ci --no-audit --no-fund) \
	&& cmake --preset release \
	&& cmake --build --preset release -j"$(nproc)" \
	&& install -D -m 0755 build/release/official-srv/official-srv /out/usr/local/bin/official-srv \
	&& install -D -m 0755 build/release/citizen-srv/citizen-srv /out/usr/local/bin/citizen-srv \
	&& mkdir -p /out/usr/share/baladiya \
	&& cp -r demo /out/usr/share/baladiya/demo

FROM debian:12-slim AS runtime
# Runtime libraries of the -dev packages above; curl for the container health check.
RUN apt-get update \
	&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		ca-certificates curl \
		libmicrohttpd12 libjansson4 libcurl4 libssl3 libpq5 libargon2-1 libcmark0.30.2 \
		libvips42 zlib1g libcsv3 \
	&& rm -rf /var/lib/apt/lists/* \
	&& useradd --system --uid 10001 --user-group --home-dir /var/lib/baladiya \
		--shell /usr/sbin/nologin baladiya \
	&& install -d -o baladiya -g baladiya -m 0700 /var/lib/baladiya
COPY --from=build /out/ /
USER baladiya
WORKDIR /var/lib/baladiya
# Inside a container the daemon listens on all interfaces; ports and database come from the
# environment (see docker-compose.yml and `official-srv --help`).
ENV BALADIYA_BIND=0.0.0.0 \
	BALADIYA_DATA_DIR=/var/lib/baladiya
VOLUME ["/var/lib/baladiya"]
EXPOSE 8080 8081
STOPSIGNAL SIGTERM
CMD ["official-srv", "serve"]
