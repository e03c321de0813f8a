#!/usr/bin/env bash
# bench/build.sh — how long `placard build` takes for 1,000 campaigns, and
# how fast nginx serves the export.
#
# What it does:
#   1. builds placard and generates ORGS organisations (default 10) of
#      PER_ORG campaigns each (default 100, so 1,000 campaigns) in a temp
#      folder, by copying the northgate-tenants example (its org.yaml,
#      assets and four campaigns, plus copies of those under new file
#      names, so new slugs) — checked with `placard check` first;
#   2. times `placard build` of that folder RUNS times (default 5): with
#      hyperfine when installed, otherwise a loop of /usr/bin/time;
#   3. starts Debian's nginx in the foreground (temp prefix, loopback only,
#      a free port) serving the export with try_files $uri $uri/index.html,
#      and runs `wrk -t2 -c64 -d10s` against one campaign page.
#
# Needs: go, curl, wrk, nginx (Debian: apt-get install wrk nginx).
# Only 127.0.0.1 is ever contacted; every run is bounded by DURATION.
# Usage: bench/build.sh   (env: ORGS=10 PER_ORG=100 RUNS=5 DURATION=10s CONNS=64 THREADS=2)
set -euo pipefail

cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:--buildvcs=false}"
ORGS=${ORGS:-10}
PER_ORG=${PER_ORG:-100}
RUNS=${RUNS:-5}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
SRC=campaigns/northgate-tenants

for tool in go curl wrk nginx; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is not installed (Debian: apt-get install wrk nginx curl)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/placard-build-bench.XXXXXX)
chmod 755 "$work" # nginx workers drop root; they must read the files
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

free_port() {
	# Below the kernel's ephemeral range: a port there may be held by an
	# outgoing connection (wrk's, other programs') that a connect test
	# cannot see, and then listening on it fails.
	local p lo
	lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	[ "$lo" -gt 11000 ] 2>/dev/null || lo=32768
	for _ in $(seq 1 200); do
		p=$((10000 + RANDOM % (lo - 10000)))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	echo "bench: no free port found" >&2
	return 1
}

# --- 1. placard and 1,000 campaigns ---------------------------------------------------
echo "bench: building placard…"
go build -o "$work/placard" ./cmd/placard
gen="$work/campaigns"
mkdir -p "$gen"
mapfile -t camps < <(find "$SRC" -maxdepth 1 -name '*.yaml' ! -name org.yaml | sort)
for o in $(seq -w 1 "$ORGS"); do
	d="$gen/bench-org-$o"
	mkdir -p "$d"
	cp "$SRC/org.yaml" "$d/"
	cp -r "$SRC/assets" "$d/"
	# The originals keep their names (the copies name them as related
	# campaigns); the rest are copies under new names.
	cp "${camps[@]}" "$d/"
	for i in $(seq -w 1 $((PER_ORG - ${#camps[@]}))); do
		c=${camps[$((10#$i % ${#camps[@]}))]}
		cp "$c" "$d/$(basename "$c" .yaml)-$i.yaml"
	done
done
total=$(find "$gen" -name '*.yaml' ! -name org.yaml | wc -l)
echo "bench: $total campaigns in $ORGS organisations"
"$work/placard" check "$gen" >/dev/null

# --- 2. build time --------------------------------------------------------------------------
out="$work/site"
if command -v hyperfine >/dev/null 2>&1; then
	hyperfine --runs "$RUNS" --prepare "rm -rf $out" "$work/placard build $out --campaigns $gen --base-url https://act.example.org"
else
	for r in $(seq 1 "$RUNS"); do
		rm -rf "$out"
		/usr/bin/time -f "bench: build run $r: %e s wall, %U s user, %S s system, %M KB max RSS" \
			"$work/placard" build "$out" --campaigns "$gen" --base-url https://act.example.org
	done
fi
echo "bench: export: $(find "$out" -type f | wc -l) files, $(du -sh "$out" | cut -f1)"

# --- 3. nginx serving the export ----------------------------------------------------------------
chmod -R a+rX "$out"
mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
nport=$(free_port)
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $work/nginx/tmp/body;
	proxy_temp_path $work/nginx/tmp/proxy;
	fastcgi_temp_path $work/nginx/tmp/fastcgi;
	uwsgi_temp_path $work/nginx/tmp/uwsgi;
	scgi_temp_path $work/nginx/tmp/scgi;
	types { text/html html; text/css css; text/javascript js; image/svg+xml svg; image/png png; image/jpeg jpg; }
	charset utf-8;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$nport;
		root $out;
		location / { try_files \$uri \$uri/index.html =404; }
	}
}
EOF
nginx -p "$work/nginx" -e "$work/nginx/logs/error.log" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
pages=("$out"/bench-org-01/tell-the-courier-*)
page=${pages[0]#"$out"}
for _ in $(seq 1 300); do
	curl -fsS -o /dev/null "http://127.0.0.1:$nport$page" 2>/dev/null && break
	sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$nport$page"
echo "bench: wrk -t$THREADS -c$CONNS -d$DURATION on nginx $page ($(curl -fsS "http://127.0.0.1:$nport$page" | wc -c) bytes)"
wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$nport$page"
